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
sfsistat md_reject(SMFICTX *ctx, const char *code, const char *xcode, const char *text);
sfsistat md_tempfail(SMFICTX *ctx, const char *xcode, const char *text);

/* trust.c: per-recipient trust checks (SPF, rate limits, lists). */
sfsistat md_rcpt_trust(SMFICTX *ctx, struct conn_ctx *cc, struct msg_ctx *m,
	    const struct md_desk_rcpt *rcpt);

/* eom.c */
sfsistat md_milter_eom(SMFICTX *ctx);

#endif
