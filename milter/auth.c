/*
 * auth.c - who sent it, at end of message: DKIM and DMARC alignment of the
 * From: domain for desk mail (lib/mail/sender_auth.c decides; this maps the
 * decision onto the SMTP reply).  doc/sender-identity.md has the policy.
 *
 * Cost: only messages with desk recipients get here (the others are
 * accepted at DATA), clients that are trusted (SMTP AUTH, trusted_networks)
 * are skipped, libopendkim runs only when a DKIM-Signature header exists,
 * and all DNS of one message shares auth_timeout_ms.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "milter_auth.h"
#include "policy.h"
#include "reply.h"
#include "sender_auth.h"
#include "sender_policy.h"
#include "spf.h"
#include "view.h"

static struct md_dkim *dkim;

int
md_milter_auth_init(const struct md_config *cfg)
{
	if (!cfg->dkim_verify)
		return 0;
	if ((dkim = md_dkim_new(NULL)) == NULL) {
		md_log(LOG_ERR, "cannot set up libopendkim");
		return -1;
	}
	return 0;
}

void
md_milter_auth_free(void)
{
	md_dkim_free(dkim);
	dkim = NULL;
}

/* The identity SPF checked: the MAIL FROM domain, or the HELO name for <>. */
static const char *
spf_domain(const struct conn_ctx *cc, const struct msg_ctx *m)
{
	const char *at = strrchr(m->mail_from, '@');

	return at != NULL ? at + 1 : cc->helo;
}

static void
log_result(const struct conn_ctx *cc, const struct msg_ctx *m, const char *qid,
    const char *from, const struct md_auth_result *r, const struct md_dkim_result *dk)
{
	char sigs[600], dkf[300];
	size_t i, o = 0;

	sigs[0] = '\0';
	for (i = 0; i < dk->nsigs && o < sizeof sigs; i++)
		o += (size_t)snprintf(sigs + o, sizeof sigs - o, "%s%s=%s%s%s%s", i ? "," : " sigs=",
		    dk->sigs[i].domain, md_dkim_res_name(dk->sigs[i].res),
		    *dk->sigs[i].why ? "(" : "", dk->sigs[i].why, *dk->sigs[i].why ? ")" : "");
	md_auth_dkim_field(r, dkf, sizeof dkf);
	md_log(LOG_INFO, "%s: sender from=<%s> [%s] header_from=<%s> spf=%s dkim=%s%s dmarc=%s "
	    "policy=%d aligned=%s sender_auth=%s", qid, m->mail_from, cc->client_ip, from,
	    m->spf, dkf, sigs, md_dmarc_res_name(r->dmarc), r->policy,
	    *r->aligned_by ? r->aligned_by : "-", md_auth_sender_auth_name(r));
}

/* maildesk.conf's dmarc_reject, dmarc_quarantine, desk_from_auth. */
static struct md_auth_policy
policy(void)
{
	struct md_auth_policy p = {
		.dmarc_reject = G.cfg.dmarc_reject,
		.quarantine_reject = G.cfg.dmarc_quarantine == MD_QUARANTINE_REJECT,
		.desk_from_auth = G.cfg.desk_from_auth,
	};

	return p;
}

/* The SMTP answer for a refusal of out's (logged with its reason). */
static sfsistat
refuse(SMFICTX *ctx, const struct conn_ctx *cc, const struct msg_ctx *m, const char *qid,
    const struct md_auth_result *out)
{
	switch (out->action) {
	case MD_AUTH_REJECT:
		md_log(LOG_INFO, "%s: reject from=<%s> [%s]: %s", qid, m->mail_from,
		    cc->client_ip, out->reason);
		return md_reject(ctx, "550", out->xcode, out->reason);
	case MD_AUTH_TEMPFAIL:
		md_log(LOG_INFO, "%s: tempfail from=<%s> [%s]: %s", qid, m->mail_from,
		    cc->client_ip, out->reason);
		return md_tempfail(ctx, out->xcode, out->reason);
	default:
		return SMFIS_CONTINUE;
	}
}

void
md_eom_auth(struct conn_ctx *cc, struct msg_ctx *m, const struct md_mime *mime, const char *qid,
    struct md_auth_result *out)
{
	struct md_auth_env env = {
		.dkim = dkim, .dns = &md_dns_resolver,
		.policy = policy(),
		.desk_domain = G.cfg.desk_domain,
		.timeout_ms = G.cfg.auth_timeout_ms,
	};
	struct md_dkim_result dk;

	/* The admin vouches for its own clients (SMTP AUTH, trusted_networks). */
	if (m->trusted) {
		md_auth_skipped(out);
		return;
	}
	/*
	 * Turned off by the admin: nothing is judged and nobody vouched for
	 * the From:, so the record says sender_auth=skipped, which the worker
	 * treats as unauthenticated (a reply is flagged, a responder's answer
	 * by mail is not posted), never as "yes".
	 */
	if (!G.cfg.sender_auth_check) {
		md_auth_unchecked(out);
		return;
	}
	md_auth_check(&env, m->raw.data ? m->raw.data : "", m->raw.len, mime->from_addr,
	    mime->from_count, *m->spf ? md_spf_result_parse(m->spf) : -1, spf_domain(cc, m),
	    out, &dk);
	log_result(cc, m, qid, mime->from_addr, out, &dk);
	/* The answer waits for the recipients' projects (md_eom_auth_policy). */
}

/* Makes pol at least as strict as project p's policy (sender_policy.h). */
static void
stricter(struct md_auth_policy *pol, const struct md_project *p)
{
	struct md_auth_policy cfg = policy();

	md_sender_policy_tighten(pol, &cfg, p);
}

/*
 * The policy for this message: each desk recipient's project's (its
 * overrides, else maildesk.conf's), the strictest of them where the
 * projects differ.  first: rcpts[0]'s settings, already read (NULL: no
 * such project).  0, or -1 when Redis failed.
 */
static int
message_policy(struct md_redis *r, const struct msg_ctx *m, const struct md_project *first,
    struct md_auth_policy *pol)
{
	struct md_project p;
	size_t i, j;
	int rc;

	memset(pol, 0, sizeof *pol);
	if (first != NULL)
		stricter(pol, first);
	else
		*pol = policy();
	for (i = 1; i < m->nrcpts; i++) {
		for (j = 0; j < i && strcmp(m->rcpts[j].project, m->rcpts[i].project) != 0; j++)
			;
		if (j < i)
			continue;	/* the same project as an earlier recipient */
		if ((rc = md_project_settings(r, m->rcpts[i].project, &p)) < 0)
			return -1;
		stricter(pol, &p);	/* defaults when there is no such project */
		if (rc > 0)
			md_project_free(&p);
	}
	return 0;
}

sfsistat
md_eom_auth_policy(SMFICTX *ctx, struct conn_ctx *cc, struct msg_ctx *m,
    struct md_redis *r, const struct md_project *first, const char *qid,
    struct md_auth_result *out)
{
	struct md_auth_policy pol;
	int is;

	if (out->dmarc == MD_DMARC_SKIPPED)
		return SMFIS_CONTINUE;	/* trusted, or sender_auth_check = no */
	if (message_policy(r, m, first, &pol) < 0) {
		md_log(LOG_WARNING, "%s: tempfail: project policy: %s", qid, md_redis_errstr(r));
		return md_tempfail(ctx, "4.3.0", MD_POLICY_UNAVAILABLE);
	}
	md_auth_decide(out, &pol, G.cfg.desk_domain);
	if (!md_auth_wants_responder_check(out, &pol))
		return refuse(ctx, cc, m, qid, out);
	if ((is = md_view_responder_domain_is(r, out->from_domain)) < 0) {
		md_log(LOG_WARNING, "%s: tempfail: responder domains: %s", qid,
		    md_redis_errstr(r));
		return md_tempfail(ctx, "4.3.0", MD_POLICY_UNAVAILABLE);
	}
	if (is == 0)
		return SMFIS_CONTINUE;
	md_auth_responder_domain(out);
	return refuse(ctx, cc, m, qid, out);
}
