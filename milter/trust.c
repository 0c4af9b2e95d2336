/*
 * trust.c - trust checks at RCPT time for desk recipients: SPF, rate
 * limits, block and allow lists.  Ordinary recipients never get here.
 *
 * SPF and the per-client/per-sender rate limits are properties of the
 * transaction, so they run once, at the first desk recipient, and their
 * verdict is replayed for the following ones.  Block lists and the project
 * rate limit depend on the recipient's project and run per recipient.  All
 * Redis checks of one recipient are one round trip (lib/store/rcpt_gate.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "lists.h"
#include "log.h"
#include "milter_auth.h"
#include "milter_trust.h"
#include "netlist.h"
#include "policy.h"
#include "rcpt_gate.h"
#include "reply.h"
#include "score.h"
#include "spamd.h"
#include "spf.h"
#include "verdict.h"

static struct md_spf *spf_server;
static struct md_netlist *trusted_nets;

int
md_milter_trust_validate(const struct md_config *cfg, char *err, size_t errlen)
{
	struct md_netlist *nl;
	char why[256];

	if (md_score_validate(cfg, err, errlen) < 0)
		return -1;
	nl = md_netlist_parse(cfg->trusted_networks, why, sizeof why);
	if (nl == NULL) {
		snprintf(err, errlen, "%s:%d: trusted_networks: %s", cfg->path ? cfg->path : "",
		    md_config_line(cfg, "trusted_networks"), why);
		return -1;
	}
	md_netlist_free(nl);
	if (*cfg->spamd_address != '\0' &&
	    md_spamd_address_check(cfg->spamd_address, why, sizeof why) < 0) {
		/* why already starts with "spamd_address: " (spamd.h). */
		snprintf(err, errlen, "%s:%d: %s", cfg->path ? cfg->path : "",
		    md_config_line(cfg, "spamd_address"), why);
		return -1;
	}
	return 0;
}

int
md_milter_trust_init(const struct md_config *cfg)
{
	char why[256];

	trusted_nets = md_netlist_parse(cfg->trusted_networks, why, sizeof why);
	if (trusted_nets == NULL) {
		md_log(LOG_ERR, "trusted_networks: %s", why);
		return -1;
	}
	if (cfg->spf_enable) {
		spf_server = md_spf_new(*cfg->spf_receiver ? cfg->spf_receiver : cfg->desk_domain, NULL);
		if (spf_server == NULL) {
			md_log(LOG_ERR, "cannot set up libspf2");
			return -1;
		}
		md_spf_set_timeout(spf_server, cfg->spf_timeout_ms);
	}
	return md_milter_auth_init(cfg);
}

void
md_milter_trust_free(void)
{
	md_spf_free(spf_server);
	spf_server = NULL;
	md_netlist_free(trusted_nets);
	trusted_nets = NULL;
	md_milter_auth_free();
}

/*
 * A refusal for the message's sender is remembered so that later desk
 * recipients get the same answer without asking again.
 */
static sfsistat
sender_refuse(SMFICTX *ctx, struct msg_ctx *m, const char *rcpt,
    const struct md_decision *d)
{
	sfsistat st = md_policy_reply(ctx, NULL, rcpt, d);

	m->sender_verdict = st;
	m->sender_code = d->code;
	m->sender_xcode = d->xcode;
	snprintf(m->sender_text, sizeof m->sender_text, "%s", d->text);
	return st;
}

static sfsistat
check_spf(SMFICTX *ctx, struct conn_ctx *cc, struct msg_ctx *m, const char *rcpt)
{
	struct md_spf_result res;
	struct md_policy_facts f;
	struct md_decision d;

	if (spf_server == NULL || m->trusted) {
		snprintf(m->spf, sizeof m->spf, "%s", m->trusted ? "skipped" : "");
		return SMFIS_CONTINUE;
	}
	md_spf_check(spf_server, cc->has_addr ? (const struct sockaddr *)&cc->addr : NULL,
	    cc->helo, m->mail_from, &res);
	snprintf(m->spf, sizeof m->spf, "%s", md_spf_result_name(res.result));
	free(m->received_spf);
	m->received_spf = strdup(res.received_spf);
	md_policy_facts_init(&f);
	f.spf = (int)res.result;
	f.spf_explanation = res.explanation;
	f.client_ip = cc->client_ip;
	f.spf_identity = *m->mail_from ? m->mail_from : cc->helo;
	md_policy_decide(&G.cfg, NULL, &f, &d);
	if (d.action == MD_POLICY_ACCEPT)
		return SMFIS_CONTINUE;
	if (strcmp(d.reason, "spf_fail") == 0)
		md_log(LOG_INFO, "SPF fail for <%s> [%s]: %s", m->mail_from, cc->client_ip,
		    res.received_spf);
	return sender_refuse(ctx, m, rcpt, &d);
}

/*
 * Rates and lists in one Redis round trip (rcpt_gate.h).  The client and
 * sender rates are counted once per message, at its first desk recipient,
 * and their verdict is kept for the others; the lists and the project rate
 * are per recipient.
 */
static sfsistat
check_gate(SMFICTX *ctx, struct conn_ctx *cc, struct msg_ctx *m, struct md_redis *r,
    const struct md_desk_rcpt *rcpt, int first)
{
	struct md_gate_req q = {
		.client_ip = cc->client_ip, .sender = m->mail_from,
		.project = rcpt->project, .now = (long)time(NULL),
	};
	struct md_policy_facts f;
	struct md_decision d;
	int sender_rates = first && !m->trusted;

	if (sender_rates) {
		q.rate_ip = &G.cfg.rate_ip;
		q.rate_sender = &G.cfg.rate_sender;
	}
	if (rcpt->kind == MD_ADDR_PROJECT && !m->trusted)
		q.rate_project = &G.cfg.rate_project;
	md_policy_facts_init(&f);
	f.gate = MD_GATE_ANSWERED;
	if (md_rcpt_gate(r, &q, &f.gate_res) < 0) {
		md_log(LOG_WARNING, "tempfail RCPT %s: %s%s", rcpt->addr, md_redis_errstr(r),
		    strstr(md_redis_errstr(r), "OOM command not allowed") == NULL ? "" :
		    " (Redis is out of memory and refuses writes: see \"Sizing maxmemory\" "
		    "in doc/scaling.md)");
		f.gate = MD_GATE_ERROR;
	}
	md_policy_decide(&G.cfg, NULL, &f, &d);
	if (d.action == MD_POLICY_ACCEPT) {
		if (f.gate_res.list == MD_LIST_ALLOW)
			m->allowlisted = 1;
		return SMFIS_CONTINUE;
	}
	/*
	 * A gate error leaves this message's rates in an unknown state (a
	 * script error does not roll back what it counted), so every desk
	 * recipient gets the same 451 and the sender retries the whole
	 * message; that is also the answer a dead Redis would give.  Client
	 * and sender rates are the sender's too; the block list and the
	 * project rate are the recipient's.
	 */
	if (sender_rates && (f.gate == MD_GATE_ERROR || f.gate_res.over == MD_GATE_OVER_IP ||
	    f.gate_res.over == MD_GATE_OVER_SENDER))
		return sender_refuse(ctx, m, rcpt->addr, &d);
	return md_policy_reply(ctx, NULL, rcpt->addr, &d);
}

sfsistat
md_rcpt_trust(SMFICTX *ctx, struct conn_ctx *cc, struct msg_ctx *m,
    const struct md_desk_rcpt *rcpt)
{
	struct md_redis *r;
	sfsistat st = SMFIS_CONTINUE;
	int first;

	if (m->checked && m->sender_verdict != SMFIS_CONTINUE)
		return md_reply(ctx, m->sender_code, m->sender_xcode, m->sender_text,
		    m->sender_verdict);
	if (!m->checked) {
		m->checked = 1;
		m->sender_verdict = SMFIS_CONTINUE;
		m->trusted = m->authenticated ||
		    (cc->has_addr && md_netlist_match(trusted_nets, (const struct sockaddr *)&cc->addr));
		st = check_spf(ctx, cc, m, rcpt->addr);
		if (st != SMFIS_CONTINUE)
			return st;
	}
	r = md_redis_pool_acquire(G.pool, G.cfg.redis_command_timeout_ms);
	if (r == NULL)
		return md_tempfail(ctx, "4.3.0", MD_POLICY_UNAVAILABLE);
	first = m->checked == 1;
	m->checked = 2;		/* rates counted once per message */
	st = check_gate(ctx, cc, m, r, rcpt, first);
	md_redis_pool_release(G.pool, r);
	return st;
}
