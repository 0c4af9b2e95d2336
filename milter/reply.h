/*
 * reply.h - SMTP replies from the milter, always with an enhanced status
 * code and a human sentence.
 */
#ifndef MD_MILTER_REPLY_H
#define MD_MILTER_REPLY_H

#include <libmilter/mfapi.h>

#include "milter.h"

/*
 * Sets "code xcode text" and returns status.  '%' in text is doubled
 * (libmilter drops a reply containing a lone '%'), CR/LF and other control
 * bytes become spaces, bytes outside ASCII become '?', and the text is cut
 * to what fits in one SMTP reply line.
 */
sfsistat md_reply(SMFICTX *ctx, const char *code, const char *xcode,
	    const char *text, sfsistat status);
/*
 * As md_reply, naming the reason for the verdict line and the metrics
 * ("spam", "blocked", a lib/policy/policy.c reason word).  md_reply derives one
 * from the enhanced status code.  Either logs one verdict line and counts
 * maildesk_milter_verdicts_total{code, reason}.
 */
sfsistat md_reply_reason(SMFICTX *ctx, const char *reason, const char *code,
	    const char *xcode, const char *text, sfsistat status);
/*
 * The 250 of a stored message (st: ACCEPT or DISCARD): its verdict line,
 * with extra (e.g. "records=2") at the end, and its count.
 */
void	md_reply_accepted(SMFICTX *ctx, const char *qid, sfsistat st, const char *reason,
	    const char *extra);
sfsistat md_reject(SMFICTX *ctx, const char *code, const char *xcode, const char *text);
sfsistat md_tempfail(SMFICTX *ctx, const char *xcode, const char *text);

/* trust.c: per-recipient trust checks (SPF, rate limits, lists). */
sfsistat md_rcpt_trust(SMFICTX *ctx, struct conn_ctx *cc, struct msg_ctx *m,
	    const struct md_desk_rcpt *rcpt);

/* eom.c */
sfsistat md_milter_eom(SMFICTX *ctx);

#endif
