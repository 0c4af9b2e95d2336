/*
 * milter_auth.h - sender identity (DKIM, DMARC) at end of message.
 */
#ifndef MD_MILTER_AUTH_H
#define MD_MILTER_AUTH_H

#include <libmilter/mfapi.h>

#include "conf.h"
#include "dmarc.h"
#include "mime.h"
#include "redis.h"
#include "milter.h"

/* Once at start-up (md_milter_trust_init calls it): 0 or -1. */
int	md_milter_auth_init(const struct md_config *cfg);
void	md_milter_auth_free(void);

/*
 * Fills out and returns SMFIS_CONTINUE to go on, or the reply status after
 * setting a 550 5.7.1 (DMARC p=reject fail, unauthenticated desk-domain
 * From:) or a 451 4.4.3 (desk-domain From: unverifiable for now).
 */
sfsistat md_eom_auth(SMFICTX *ctx, struct conn_ctx *cc, struct msg_ctx *m,
	    const struct md_mime *mime, const char *qid, struct md_auth_result *out);

/*
 * After md_eom_auth, with the Redis connection the records will be written
 * on: an unauthenticated From: in a responder's domain (the view's
 * responder_domains) gets the desk domain's answer, 550 5.7.1 or 451
 * 4.4.3; a Redis failure 451 4.3.0.  Asks Redis only when the From: is
 * not authenticated.  SMFIS_CONTINUE to go on.
 */
sfsistat md_eom_auth_responders(SMFICTX *ctx, struct conn_ctx *cc, struct msg_ctx *m,
	    struct md_redis *r, const char *qid, struct md_auth_result *out);

#endif
