/*
 * verdict.h - the content verdict at end of message: automated mail,
 * spam score, thresholds.
 */
#ifndef MD_MILTER_VERDICT_H
#define MD_MILTER_VERDICT_H

#include <libmilter/mfapi.h>

#include "ingest.h"
#include "policy.h"
#include "milter.h"
#include "projects.h"

/*
 * Fills v (free with md_verdict_free) and returns SMFIS_CONTINUE to store
 * the message, or the reply status after setting a rejection.
 */
sfsistat md_eom_verdict(SMFICTX *ctx, struct conn_ctx *cc, struct msg_ctx *m,
	    const struct md_mime *mime, const char *qid, const struct md_project *proj,
	    struct md_verdict *v);
void	 md_verdict_free(struct md_verdict *v);

/*
 * Logs a refusal (rcpt may be NULL) and sets its reply; SMFIS_CONTINUE
 * when d accepts.  The one place a policy decision becomes SMTP.
 */
sfsistat md_policy_reply(SMFICTX *ctx, const char *qid, const char *rcpt,
	    const struct md_decision *d);

#endif
