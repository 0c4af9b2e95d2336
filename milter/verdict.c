/*
 * verdict.c - the content verdict at end of message: automated mail and
 * the spam score (built-in rules plus, when configured, spamd).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "automated.h"
#include "log.h"
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

static sfsistat
ask_spamd(SMFICTX *ctx, struct msg_ctx *m, const char *qid, struct md_score_input *in)
{
	struct md_spamd_result sr;
	char err[256];

	if (*G.cfg.spamd_address == '\0' || m->trusted)
		return SMFIS_CONTINUE;
	if (md_spamd_check(G.cfg.spamd_address, m->raw.data ? m->raw.data : "", m->raw.len,
	    G.cfg.spamd_max_size, G.cfg.spamd_timeout_ms, 1, &sr, err, sizeof err) == 0) {
		in->have_spamd = 1;
		in->spamd_score = sr.score;
		return SMFIS_CONTINUE;
	}
	if (G.cfg.spamd_fallback == MD_FALLBACK_TEMPFAIL) {
		md_log(LOG_WARNING, "%s: tempfail: %s", qid, err);	/* err: "spamd: ..." */
		return md_tempfail(ctx, "4.7.1", "Spam filter temporarily unavailable, please try again later");
	}
	md_log(LOG_WARNING, "%s: spamd unavailable, scoring without it: %s", qid, err);
	return SMFIS_CONTINUE;
}

sfsistat
md_eom_verdict(SMFICTX *ctx, struct conn_ctx *cc, struct msg_ctx *m,
    const struct md_mime *mime, const char *qid, const struct md_project *proj,
    struct md_verdict *v)
{
	struct md_score_input in;
	struct md_score sc;
	sfsistat st;
	int policy;

	memset(v, 0, sizeof *v);
	v->spf = m->spf;
	v->received_spf = m->received_spf;
	v->auto_reason = md_automated_reason(m->mail_from, mime);

	/* Automated mail is never answered; a project may also refuse it outright. */
	policy = (proj != NULL && proj->automated_policy >= 0) ?
	    proj->automated_policy : (int)G.cfg.automated_policy;
	if (v->auto_reason != NULL && policy == MD_AUTO_REJECT && all_new_requests(m)) {
		md_log(LOG_INFO, "%s: reject from=<%s> [%s]: automated mail (%s)", qid,
		    m->mail_from, cc->client_ip, v->auto_reason);
		return md_reject(ctx, "550", "5.7.1",
		    "This support address does not accept automated mail");
	}
	if (m->trusted)
		return SMFIS_CONTINUE;

	memset(&in, 0, sizeof in);
	in.mime = mime;
	in.raw = m->raw.data ? m->raw.data : "";
	in.rawlen = m->raw.len;
	in.spf = *m->spf ? md_spf_result_parse(m->spf) : -1;
	in.helo = cc->helo;
	in.client = cc->has_addr ? (const struct sockaddr *)&cc->addr : NULL;
	st = ask_spamd(ctx, m, qid, &in);
	if (st != SMFIS_CONTINUE)
		return st;
	md_score_eval(&G.cfg, &in, &sc);
	v->score = sc.total;
	v->rules = strdup(sc.rules);
	if (v->rules == NULL)
		return md_tempfail(ctx, "4.3.0", "maildesk: out of memory");
	if (!m->allowlisted &&
	    md_score_is_reject(&G.cfg, proj ? proj->spam_reject : -1, sc.total)) {
		/* The score stays in the log: telling spammers how close they came helps them. */
		md_log(LOG_INFO, "%s: reject from=<%s> [%s]: spam score %.2f (%s)", qid,
		    m->mail_from, cc->client_ip, sc.total, sc.rules);
		return md_reject(ctx, "550", "5.7.1",
		    "This message looks like spam and was not accepted");
	}
	v->spam = md_score_is_mark(&G.cfg, proj ? proj->spam_mark : -1, sc.total);
	return SMFIS_CONTINUE;
}

void
md_verdict_free(struct md_verdict *v)
{
	free((char *)v->rules);
	v->rules = NULL;
}
