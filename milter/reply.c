/*
 * reply.c - escaped, bounded smfi_setreply, and the one place where every
 * answer of the milter is logged (the verdict line) and counted.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "milter_metrics.h"
#include "reply.h"

/*
 * The reason word of a reply whose caller did not name one, from its
 * enhanced status code: the codes are distinct enough that a dashboard
 * can tell the answers apart (lib/policy/policy.h lists the policy's).
 */
static const char *
reason_of(const char *code, const char *xcode)
{
	static const struct { const char *xcode, *reason; } map[] = {
		{ "5.1.1", "unknown_address" },
		{ "5.1.3", "bad_address" },
		{ "5.1.7", "bad_sender" },
		{ "4.5.3", "too_many_recipients" },
		{ "5.3.4", "too_big" },
		{ "4.3.0", "unavailable" },
		{ "5.7.23", "spf_fail" },
		{ "4.7.24", "spf_temperror" },
		{ "4.4.3", "dns_temperror" },
		{ "5.7.1", "policy" },
	};
	size_t i;

	if (xcode != NULL && strcmp(xcode, "4.7.1") == 0)
		return code != NULL && strcmp(code, "450") == 0 ? "rate_limit" : "spamd_down";
	for (i = 0; xcode != NULL && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].xcode, xcode) == 0)
			return map[i].reason;
	return "other";
}

static const char *
verdict_name(sfsistat st)
{
	switch (st) {
	case SMFIS_REJECT:	return "reject";
	case SMFIS_TEMPFAIL:	return "tempfail";
	case SMFIS_ACCEPT:
	case SMFIS_CONTINUE:	return "accept";
	default:		return "other";
	}
}

/*
 * The verdict line: one per SMTP answer the milter gives for desk mail
 * (each refused recipient at RCPT, each message at end of message), the
 * same key=value form every time so that an admin can grep a queue id, a
 * sender or a Message-ID and find what happened (doc/maildesk-milter.8,
 * LOGGING).  Postfix has no queue id before the first accepted recipient:
 * then NOQUEUE, as in Postfix's own log.
 */
static void
verdict_line(SMFICTX *ctx, const char *qid, sfsistat st, const char *code,
    const char *xcode, const char *reason, const char *extra)
{
	const struct conn_ctx *cc = (const struct conn_ctx *)smfi_getpriv(ctx);
	const struct msg_ctx *m = cc != NULL ? cc->msg : NULL;

	if (qid == NULL || *qid == '\0')
		qid = smfi_getsymval(ctx, "i");
	md_log(LOG_INFO, "%s: verdict=%s code=%s%s%s reason=%s from=<%s>%s%s%s client=[%s]%s%s%s%s%s",
	    qid != NULL && *qid != '\0' ? qid : "NOQUEUE", verdict_name(st), code,
	    xcode ? " xcode=" : "", xcode ? xcode : "", reason,
	    m ? m->mail_from : "", m && m->cur_rcpt ? " rcpt=" : "",
	    m && m->cur_rcpt ? m->cur_rcpt : "", "", cc ? cc->client_ip : "",
	    m && *m->message_id ? " msgid=<" : "", m && *m->message_id ? m->message_id : "",
	    m && *m->message_id ? ">" : "", extra ? " " : "", extra ? extra : "");
	md_milter_count_verdict(code, reason);
}

void
md_reply_accepted(SMFICTX *ctx, const char *qid, sfsistat st, const char *reason,
    const char *extra)
{
	/* DISCARD is Sendmail's and Postfix's business: the client got 250. */
	(void)st;
	verdict_line(ctx, qid, SMFIS_ACCEPT, "250", NULL, reason, extra);
}

sfsistat
md_reply(SMFICTX *ctx, const char *code, const char *xcode, const char *text,
    sfsistat status)
{
	return md_reply_reason(ctx, NULL, code, xcode, text, status);
}

sfsistat
md_reply_reason(SMFICTX *ctx, const char *reason, const char *code, const char *xcode,
    const char *text, sfsistat status)
{
	char buf[512];
	size_t o = 0;
	const char *p;

	for (p = text; *p != '\0' && o + 2 < sizeof buf; p++) {
		if (*p == '%') {
			buf[o++] = '%';
			buf[o++] = '%';
		} else if (*p == '\r' || *p == '\n' || (unsigned char)*p < 0x20) {
			buf[o++] = ' ';
		} else if ((unsigned char)*p >= 0x7f) {
			/* SMTP replies are ASCII; an SPF explanation from the
			 * sender's DNS may be anything. */
			buf[o++] = '?';
		} else {
			buf[o++] = *p;
		}
	}
	buf[o] = '\0';
	if (smfi_setreply(ctx, (char *)code, (char *)xcode, buf) != MI_SUCCESS)
		md_log(LOG_WARNING, "smfi_setreply(%s %s) failed; the MTA uses its default text",
		    code, xcode);
	verdict_line(ctx, NULL, status, code, xcode, reason ? reason : reason_of(code, xcode),
	    NULL);
	return status;
}

sfsistat
md_reject(SMFICTX *ctx, const char *code, const char *xcode, const char *text)
{
	return md_reply(ctx, code, xcode, text, SMFIS_REJECT);
}

sfsistat
md_tempfail(SMFICTX *ctx, const char *xcode, const char *text)
{
	return md_reply(ctx, "451", xcode, text, SMFIS_TEMPFAIL);
}
