/*
 * milter_auth.h - sender identity (DKIM, DMARC) at end of message.
 */
#ifndef MD_MILTER_AUTH_H
#define MD_MILTER_AUTH_H

#include <libmilter/mfapi.h>

#include "conf.h"
#include "dmarc.h"
#include "mime.h"
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

#endif
