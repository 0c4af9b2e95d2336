/*
 * milter_auth.h - sender identity (DKIM, DMARC) at end of message.
 */
#ifndef MD_MILTER_AUTH_H
#define MD_MILTER_AUTH_H

#include <libmilter/mfapi.h>

#include "conf.h"
#include "dmarc.h"
#include "mime.h"
#include "projects.h"
#include "redis.h"
#include "milter.h"

/* Once at start-up (md_milter_trust_init calls it): 0 or -1. */
int	md_milter_auth_init(const struct md_config *cfg);
void	md_milter_auth_free(void);

/*
 * Judges the sender (DKIM, DMARC; its DNS before any Redis connection is
 * taken) and fills out; the answer (a refusal or not) is
 * md_eom_auth_policy's.
 */
void	md_eom_auth(struct conn_ctx *cc, struct msg_ctx *m, const struct md_mime *mime,
	    const char *qid, struct md_auth_result *out);

/*
 * After md_eom_auth, with the Redis connection the records will be written
 * on: the answer under the policy of the recipients' projects (their
 * overrides of dmarc_reject, dmarc_quarantine, desk_from_auth, the
 * strictest where they differ; first: rcpts[0]'s settings, NULL without).
 * An unauthenticated From: in a responder's domain (the view's
 * responder_domains) gets the desk domain's answer; Redis is asked that
 * only when the From: is not authenticated.  550 5.7.1, 451 4.4.3, 451
 * 4.3.0 when Redis failed, or SMFIS_CONTINUE to go on.
 */
sfsistat md_eom_auth_policy(SMFICTX *ctx, struct conn_ctx *cc, struct msg_ctx *m,
	    struct md_redis *r, const struct md_project *first, const char *qid,
	    struct md_auth_result *out);

#endif
