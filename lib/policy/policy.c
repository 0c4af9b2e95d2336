/*
 * policy.c - the desk's answer to a sender from the facts (policy.h has
 * the rules and their order).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lists.h"
#include "policy.h"
#include "score.h"
#include "spf.h"

void
md_policy_facts_init(struct md_policy_facts *f)
{
	memset(f, 0, sizeof *f);
	f->spf = -1;
	f->spf_explanation = "";
	f->client_ip = "";
	f->spf_identity = "";
}

static void
decide(struct md_decision *d, enum md_policy_action action, const char *code,
    const char *xcode, const char *reason, const char *text)
{
	d->action = action;
	d->code = code;
	d->xcode = xcode;
	d->reason = reason;
	snprintf(d->text, sizeof d->text, "%s", text);
}

/*
 * The domain's own explanation when it published one (spf.c doubled its
 * '%' for libmilter; the reply writer doubles them itself, so undo it),
 * else who may not send for whom.
 */
static void
spf_fail_text(const struct md_policy_facts *f, char *out, size_t outlen)
{
	const char *p;
	size_t o;

	if (*f->spf_explanation == '\0') {
		snprintf(out, outlen, "SPF check failed: %s is not allowed to send for %s",
		    f->client_ip, f->spf_identity);
		return;
	}
	o = (size_t)snprintf(out, outlen, "SPF check failed: ");
	for (p = f->spf_explanation; *p != '\0' && o + 1 < outlen; p++) {
		out[o++] = *p;
		if (p[0] == '%' && p[1] == '%')
			p++;
	}
	out[o < outlen ? o : outlen - 1] = '\0';
}

/* Rules 1 and 2: who sends, and what the Redis gate said. */
static int
decide_sender(const struct md_config *cfg, const struct md_policy_facts *f,
    struct md_decision *d)
{
	char text[MD_POLICY_TEXT_MAX];

	if (f->spf == MD_SPF_FAIL && cfg->spf_fail_policy == MD_SPF_FAIL_REJECT) {
		spf_fail_text(f, text, sizeof text);
		decide(d, MD_POLICY_REJECT, "550", "5.7.23", "spf_fail", text);
		return 1;
	}
	if (f->spf == MD_SPF_TEMPERROR) {
		decide(d, MD_POLICY_TEMPFAIL, "451", "4.7.24", "spf_temperror",
		    "Temporary error checking SPF, please try again later");
		return 1;
	}
	if (f->gate == MD_GATE_ERROR) {
		decide(d, MD_POLICY_TEMPFAIL, "451", "4.3.0", "redis", MD_POLICY_UNAVAILABLE);
		return 1;
	}
	if (f->gate != MD_GATE_ANSWERED)
		return 0;
	if (f->gate_res.over == MD_GATE_OVER_IP || f->gate_res.over == MD_GATE_OVER_SENDER) {
		decide(d, MD_POLICY_TEMPFAIL, "450", "4.7.1",
		    f->gate_res.over == MD_GATE_OVER_IP ? "rate_client" : "rate_sender",
		    "Too many messages to the support desk, please try again later");
		return 1;
	}
	if (f->gate_res.list == MD_LIST_BLOCK) {
		decide(d, MD_POLICY_REJECT, "550", "5.7.1", "blocked",
		    "This support desk does not accept mail from this sender");
		return 1;
	}
	if (f->gate_res.over == MD_GATE_OVER_PROJECT) {
		decide(d, MD_POLICY_TEMPFAIL, "450", "4.7.1", "rate_project",
		    "This support desk receives too much mail right now, please try again later");
		return 1;
	}
	return 0;
}

/* Rules 3 to 6: what the message is. */
static void
decide_content(const struct md_config *cfg, const struct md_project *proj,
    const struct md_policy_facts *f, struct md_decision *d)
{
	int automated = (proj != NULL && proj->automated_policy >= 0) ?
	    proj->automated_policy : (int)cfg->automated_policy;

	/* Automated mail is never answered; a project may also refuse it. */
	if (f->auto_reason != NULL && automated == MD_AUTO_REJECT && f->all_new_requests) {
		decide(d, MD_POLICY_REJECT, "550", "5.7.1", "automated",
		    "This support address does not accept automated mail");
		return;
	}
	if (f->trusted)
		return;
	if (f->spamd == MD_SPAMD_DOWN && cfg->spamd_fallback == MD_FALLBACK_TEMPFAIL) {
		decide(d, MD_POLICY_TEMPFAIL, "451", "4.7.1", "spamd_down",
		    "Spam filter temporarily unavailable, please try again later");
		return;
	}
	if (!f->scored)
		return;
	if (!f->allowlisted && md_score_is_reject(cfg, proj ? proj->spam_reject : -1, f->score)) {
		decide(d, MD_POLICY_REJECT, "550", "5.7.1", "spam",
		    "This message looks like spam and was not accepted");
		return;
	}
	d->spam = md_score_is_mark(cfg, proj ? proj->spam_mark : -1, f->score);
}

void
md_policy_decide(const struct md_config *cfg, const struct md_project *proj,
    const struct md_policy_facts *f, struct md_decision *d)
{
	memset(d, 0, sizeof *d);
	d->action = MD_POLICY_ACCEPT;
	d->reason = "accepted";
	if (decide_sender(cfg, f, d))
		return;
	decide_content(cfg, proj, f, d);
}
