/*
 * verdict.c - the content verdict at end of message: gathers the facts
 * (automated mail, the spam score from the built-in rules plus spamd when
 * configured) for lib/policy/policy.c, which decides; maps its decision onto the
 * SMTP reply.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "automated.h"
#include "log.h"
#include "policy.h"
#include "reply.h"
#include "score.h"
#include "spamd.h"
#include "spf.h"
#include "verdict.h"

/* 1 if every desk recipient asks for a new issue (not a reply or unsubscribe). */
static int
all_new_requests(const struct msg_ctx *m)
{
	size_t i;

	for (i = 0; i < m->nrcpts; i++)
		if (m->rcpts[i].kind != MD_ADDR_PROJECT)
			return 0;
	return 1;
}

/* spamd's answer as a fact; the policy decides what "down" means. */
static enum md_spamd_fact
ask_spamd(const struct msg_ctx *m, struct md_score_input *in, char *err, size_t errlen)
{
	struct md_spamd_result sr;

	if (*G.cfg.spamd_address == '\0')
		return MD_SPAMD_NOT_ASKED;
	if (md_spamd_check(G.cfg.spamd_address, m->raw.data ? m->raw.data : "", m->raw.len,
	    G.cfg.spamd_max_size, G.cfg.spamd_timeout_ms, 1, &sr, err, errlen) == 0) {
		in->have_spamd = 1;
		in->spamd_score = sr.score;
		return MD_SPAMD_ANSWERED;
	}
	return MD_SPAMD_DOWN;
}

sfsistat
md_policy_reply(SMFICTX *ctx, const char *qid, const char *rcpt,
    const struct md_decision *d)
{
	if (d->action == MD_POLICY_ACCEPT)
		return SMFIS_CONTINUE;
	/* reply.c writes the verdict line (queue id, sender, recipient, reason)
	 * and counts it; the sentence itself is what the sender sees. */
	md_log(LOG_DEBUG, "%s: %s%s%s: %s", qid ? qid : "NOQUEUE", d->reason,
	    rcpt ? " rcpt=" : "", rcpt ? rcpt : "", d->text);
	return md_reply_reason(ctx, d->reason, d->code, d->xcode, d->text,
	    d->action == MD_POLICY_REJECT ? SMFIS_REJECT : SMFIS_TEMPFAIL);
}

sfsistat
md_eom_verdict(SMFICTX *ctx, struct conn_ctx *cc, struct msg_ctx *m,
    const struct md_mime *mime, const char *qid, const struct md_project *proj,
    struct md_verdict *v)
{
	struct md_policy_facts f;
	struct md_decision d;
	struct md_score_input in;
	struct md_score sc;
	char err[256];

	memset(v, 0, sizeof *v);
	v->spf = m->spf;
	v->received_spf = m->received_spf;
	v->auto_reason = md_automated_reason(m->mail_from, mime);

	md_policy_facts_init(&f);
	f.trusted = m->trusted;
	f.allowlisted = m->allowlisted;
	f.auto_reason = v->auto_reason;
	f.all_new_requests = all_new_requests(m);
	/* Once before scoring: automated mail refused costs no spamd call. */
	md_policy_decide(&G.cfg, proj, &f, &d);
	if (d.action != MD_POLICY_ACCEPT || m->trusted)
		return md_policy_reply(ctx, qid, NULL, &d);

	memset(&in, 0, sizeof in);
	in.mime = mime;
	in.raw = m->raw.data ? m->raw.data : "";
	in.rawlen = m->raw.len;
	in.spf = *m->spf ? md_spf_result_parse(m->spf) : -1;
	in.helo = cc->helo;
	in.client = cc->has_addr ? (const struct sockaddr *)&cc->addr : NULL;
	f.spamd = ask_spamd(m, &in, err, sizeof err);
	md_score_eval(&G.cfg, &in, &sc);
	v->score = f.score = sc.total;
	f.scored = 1;
	v->rules = strdup(sc.rules);
	if (v->rules == NULL)
		return md_tempfail(ctx, "4.3.0", "maildesk: out of memory");
	md_policy_decide(&G.cfg, proj, &f, &d);
	/* err: "spamd: ..." */
	if (f.spamd == MD_SPAMD_DOWN && d.action == MD_POLICY_TEMPFAIL)
		md_log(LOG_WARNING, "%s: tempfail: %s", qid, err);
	else if (f.spamd == MD_SPAMD_DOWN)
		md_log(LOG_WARNING, "%s: spamd unavailable, scoring without it: %s", qid, err);
	if (d.action == MD_POLICY_REJECT && strcmp(d.reason, "spam") == 0)
		/* The score stays in the log: telling spammers how close they came helps them. */
		md_log(LOG_INFO, "%s: reject: spam score %.2f (%s)", qid, sc.total, sc.rules);
	v->spam = d.spam;
	return md_policy_reply(ctx, qid, NULL, &d);
}

void
md_verdict_free(struct md_verdict *v)
{
	free((char *)v->rules);
	v->rules = NULL;
}
