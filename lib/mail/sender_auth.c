/*
 * sender_auth.c - from the facts about a message to maildesk's answer:
 * DMARC alignment, the published policy, the desk-domain rule
 * (md_auth_evaluate, pure), and the run over DNS and DKIM (md_auth_check).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "dmarc.h"
#include "sender_auth.h"
#include "spf.h"

const char *
md_dmarc_res_name(enum md_dmarc_res r)
{
	switch (r) {
	case MD_DMARC_PASS:
		return "pass";
	case MD_DMARC_FAIL:
		return "fail";
	case MD_DMARC_TEMPERROR:
		return "temperror";
	case MD_DMARC_PERMERROR:
		return "permerror";
	case MD_DMARC_SKIPPED:
		return "skipped";
	default:
		return "none";
	}
}

static const char *
policy_name(int p)
{
	return p == MD_DMARC_P_REJECT ? "reject" : p == MD_DMARC_P_QUARANTINE ? "quarantine" : "none";
}

/* a is aligned with the From: domain (strict: the same name; relaxed: same org domain). */
static int
aligned(const char *a, const char *from, const char *from_org, int strict)
{
	char org[MD_DOMAIN_MAX + 1];

	if (a == NULL || *a == '\0')
		return 0;
	if (strict)
		return strcasecmp(a, from) == 0;
	return md_org_domain(a, org, sizeof org) == 0 && strcasecmp(org, from_org) == 0;
}

/* d is domain or one of its subdomains. */
static int
in_domain(const char *d, const char *domain)
{
	size_t n = strlen(d), m = strlen(domain);

	if (m == 0)
		return 0;
	if (n == m)
		return strcasecmp(d, domain) == 0;
	return n > m && d[n - m - 1] == '.' && strcasecmp(d + n - m, domain) == 0;
}

/* The passing signing domain to report: an aligned one first. */
static void
pick_dkim(const struct md_auth_input *in, const char *from, const char *from_org, int strict,
    int *dkim_aligned, int *aligned_temp, struct md_auth_result *out)
{
	const struct md_dkim_result *dk = in->dkim;
	size_t i;

	*dkim_aligned = *aligned_temp = 0;
	if (dk == NULL)
		return;
	for (i = 0; i < dk->nsigs; i++) {
		const struct md_dkim_sig *s = &dk->sigs[i];
		int al = from_org != NULL && aligned(s->domain, from, from_org, strict);

		if (s->res == MD_DKIM_TEMPERROR && al)
			*aligned_temp = 1;
		if (s->res != MD_DKIM_PASS)
			continue;
		if (al && !*dkim_aligned) {
			*dkim_aligned = 1;
			snprintf(out->dkim_domain, sizeof out->dkim_domain, "%s", s->domain);
		} else if (out->dkim_domain[0] == '\0') {
			snprintf(out->dkim_domain, sizeof out->dkim_domain, "%s", s->domain);
		}
	}
}

/*
 * An unauthenticated From: in a domain the desk speaks for (desk_domain,
 * or a responder's): 550, or 451 when a DNS error kept it from being
 * verified, since accepting an unverified "responder" is worse than a
 * retry.  whose: NULL for desk_domain, else words naming whose domain it
 * is (domain is then the From: domain itself).
 */
static void
refuse_own(struct md_auth_result *out, const char *domain, const char *whose)
{
	if (out->dns_trouble) {
		out->action = MD_AUTH_TEMPFAIL;
		snprintf(out->xcode, sizeof out->xcode, "4.4.3");
		snprintf(out->reason, sizeof out->reason,
		    "The sender of mail from %s could not be verified now "
		    "(DNS error), please try again later", domain);
	} else {
		out->action = MD_AUTH_REJECT;
		snprintf(out->xcode, sizeof out->xcode, "5.7.1");
		if (whose == NULL)
			snprintf(out->reason, sizeof out->reason,
			    "Mail with a From: address in %s must be authenticated by SPF "
			    "or DKIM for %s, and this message is not", domain,
			    out->from_domain);
		else
			snprintf(out->reason, sizeof out->reason,
			    "Mail with a From: address in %s (%s) must be authenticated "
			    "by SPF or DKIM, and this message is not", domain, whose);
	}
}

void
md_auth_evaluate(const struct md_auth_input *in, const struct md_auth_policy *pol,
    struct md_auth_result *out)
{
	char org[MD_DOMAIN_MAX + 1], from[MD_DOMAIN_MAX + 1];
	const struct md_dmarc_record *rec = in->rec_status == MD_DMARC_REC_FOUND ? in->rec : NULL;
	int have_from, spf_aligned, dkim_aligned, aligned_temp, p;

	memset(out, 0, sizeof *out);
	out->policy = -1;
	out->aligned_by = "";
	out->dkim = in->dkim != NULL ? in->dkim->res : MD_DKIM_NONE;
	have_from = in->from_domain != NULL && *in->from_domain != '\0' && in->from_count == 1 &&
	    in->from_headers == 1 && md_domain_norm(in->from_domain, from, sizeof from) == 0 &&
	    md_org_domain(from, org, sizeof org) == 0;
	if (!have_from) {
		/* No single From: domain: nothing to align with, no policy to find. */
		pick_dkim(in, NULL, NULL, 0, &dkim_aligned, &aligned_temp, out);
		out->dmarc = MD_DMARC_PERMERROR;
		/*
		 * But the tracker files the message under its first mailbox
		 * (from_domain): a second From: field or mailbox must not let an
		 * address in the desk's or a responder's domain past the rules
		 * that refuse it unauthenticated.
		 */
		if (in->from_domain != NULL &&	/* a host name: fit for the reply */
		    md_domain_norm(in->from_domain, from, sizeof from) == 0) {
			snprintf(out->from_domain, sizeof out->from_domain, "%s", from);
			md_auth_decide(out, pol, in->desk_domain);
		}
		return;
	}
	spf_aligned = in->spf == MD_SPF_PASS &&
	    aligned(in->spf_domain, from, org, rec != NULL && rec->strict_spf);
	pick_dkim(in, from, org, rec != NULL && rec->strict_dkim, &dkim_aligned, &aligned_temp,
	    out);
	/* SPF of an aligned domain unknown now is doubt like an aligned key's: never a fail */
	if (in->spf == MD_SPF_TEMPERROR &&
	    aligned(in->spf_domain, from, org, rec != NULL && rec->strict_spf))
		aligned_temp = 1;
	out->sender_auth = spf_aligned || dkim_aligned ? MD_SENDER_AUTH_YES : MD_SENDER_AUTH_NO;
	out->aligned_by = dkim_aligned ? "dkim" : spf_aligned ? "spf" : "";

	switch (in->rec_status) {
	case MD_DMARC_REC_FOUND:
		out->dmarc = out->sender_auth == MD_SENDER_AUTH_YES ? MD_DMARC_PASS :
		    aligned_temp ? MD_DMARC_TEMPERROR : MD_DMARC_FAIL;
		break;
	case MD_DMARC_REC_TEMPERROR:
		out->dmarc = MD_DMARC_TEMPERROR;
		break;
	case MD_DMARC_REC_PERMERROR:
		out->dmarc = MD_DMARC_PERMERROR;
		break;
	default:
		out->dmarc = MD_DMARC_NONE;
		break;
	}
	if (rec != NULL) {
		/* sp= applies to a subdomain whose policy came from its org domain */
		p = in->rec_at_org && strcmp(from, org) != 0 ? (int)rec->sp : (int)rec->p;
		/* pct < 100: the messages not sampled get the next milder policy (RFC 7489 6.6.4) */
		if (rec->pct < 100 && p > MD_DMARC_P_NONE)
			p--;
		out->policy = p;
	}

	/* Lower case: the view's set of responder domains is. */
	snprintf(out->from_domain, sizeof out->from_domain, "%s", from);
	out->dns_trouble = out->dmarc == MD_DMARC_TEMPERROR || aligned_temp ||
	    out->dkim == MD_DKIM_TEMPERROR;

	md_auth_decide(out, pol, in->desk_domain);
}

void
md_auth_decide(struct md_auth_result *out, const struct md_auth_policy *pol,
    const char *desk_domain)
{
	out->action = MD_AUTH_ACCEPT;
	out->xcode[0] = out->reason[0] = '\0';
	if (out->dmarc == MD_DMARC_SKIPPED || out->from_domain[0] == '\0')
		return;		/* not judged, or no From: domain at all */
	/* Our own domain: only authenticated senders may write as it. */
	if (pol->desk_from_auth && desk_domain != NULL &&
	    in_domain(out->from_domain, desk_domain) && out->sender_auth != MD_SENDER_AUTH_YES) {
		refuse_own(out, desk_domain, NULL);
		return;
	}
	if (out->dmarc == MD_DMARC_FAIL &&
	    ((out->policy == MD_DMARC_P_REJECT && pol->dmarc_reject) ||
	    (out->policy == MD_DMARC_P_QUARANTINE && pol->quarantine_reject))) {
		out->action = MD_AUTH_REJECT;
		snprintf(out->xcode, sizeof out->xcode, "5.7.1");
		snprintf(out->reason, sizeof out->reason,
		    "The domain %s asks receivers to %s mail that it did not authenticate "
		    "(DMARC p=%s), and neither SPF nor DKIM authenticates this message for it",
		    out->from_domain, out->policy == MD_DMARC_P_REJECT ? "reject" : "quarantine",
		    policy_name(out->policy));
	}
}

int
md_auth_wants_responder_check(const struct md_auth_result *r, const struct md_auth_policy *pol)
{
	return pol->desk_from_auth && r->action == MD_AUTH_ACCEPT &&
	    r->sender_auth == MD_SENDER_AUTH_NO && r->from_domain[0] != '\0';
}

void
md_auth_responder_domain(struct md_auth_result *r)
{
	refuse_own(r, r->from_domain, "the domain of a responder's address");
}

/* Nothing judged: dmarc=skipped, no policy, accepted. */
static void
not_judged(struct md_auth_result *out)
{
	memset(out, 0, sizeof *out);
	out->dmarc = MD_DMARC_SKIPPED;
	out->aligned_by = "";
	out->policy = -1;
}

void
md_auth_skipped(struct md_auth_result *out)
{
	not_judged(out);
	out->sender_auth = MD_SENDER_AUTH_YES;
	out->aligned_by = "trusted";
}

void
md_auth_unchecked(struct md_auth_result *out)
{
	not_judged(out);
	out->sender_auth = MD_SENDER_AUTH_SKIPPED;
}

const char *
md_auth_sender_auth_name(const struct md_auth_result *r)
{
	switch (r->sender_auth) {
	case MD_SENDER_AUTH_YES:
		return "yes";
	case MD_SENDER_AUTH_SKIPPED:
		return "skipped";
	default:
		return "no";
	}
}

void
md_auth_dkim_field(const struct md_auth_result *r, char *out, size_t outlen)
{
	if (r->dmarc == MD_DMARC_SKIPPED)
		snprintf(out, outlen, "skipped");
	else if (r->dkim == MD_DKIM_PASS)
		snprintf(out, outlen, "pass %s", r->dkim_domain);
	else
		snprintf(out, outlen, "%s", md_dkim_res_name(r->dkim));
}

int
md_auth_record_set(struct md_record *rec, const struct md_auth_result *r)
{
	char dkim[MD_DOMAIN_MAX + 16];
	int rc = 0;

	md_auth_dkim_field(r, dkim, sizeof dkim);
	rc |= md_record_set(rec, MD_F_DKIM, dkim);
	rc |= md_record_set(rec, MD_F_DMARC, md_dmarc_res_name(r->dmarc));
	rc |= md_record_set(rec, MD_F_SENDER_AUTH, md_auth_sender_auth_name(r));
	return rc == 0 ? 0 : -1;
}

void
md_auth_check(const struct md_auth_env *env, const char *raw, size_t rawlen,
    const char *from_addr, int from_count, int spf, const char *spf_domain,
    struct md_auth_result *out, struct md_dkim_result *dkim)
{
	struct md_auth_input in;
	struct md_dmarc_record rec;
	char org[MD_DOMAIN_MAX + 1] = "", from[MD_DOMAIN_MAX + 1] = "";
	const char *at = from_addr != NULL ? strrchr(from_addr, '@') : NULL;
	long long deadline = env->timeout_ms > 0 ? md_now_ms() + env->timeout_ms : 0;

	memset(&in, 0, sizeof in);
	memset(dkim, 0, sizeof *dkim);
	/* not a host name: no From: domain, which md_auth_evaluate judges permerror */
	if (at != NULL && md_domain_norm(at + 1, from, sizeof from) < 0)
		from[0] = '\0';
	in.from_domain = from;
	in.from_count = from_count;
	in.from_headers = md_header_count(raw, rawlen, "From");
	in.spf = spf;
	in.spf_domain = spf_domain;
	in.desk_domain = env->desk_domain;
	in.dkim = dkim;
	if (*in.from_domain != '\0')
		(void)md_org_domain(in.from_domain, org, sizeof org);
	/*
	 * The policy first: the From: domain's own DNS decides it, while the
	 * signatures' keys may be anyone's.  A forger's key server that never
	 * answers would otherwise spend the budget and turn the p=reject of
	 * the domain he forges into temperror.
	 */
	in.rec_status = MD_DMARC_REC_NONE;
	if (*org != '\0' && in.from_count == 1 && in.from_headers == 1) {
		in.rec_status = md_dmarc_fetch(env->dns, in.from_domain, deadline, &rec,
		    &in.rec_at_org);
		in.rec = &rec;
	}
	if (env->dkim != NULL)
		md_dkim_verify(env->dkim, raw, rawlen, org, deadline, dkim);
	md_auth_evaluate(&in, &env->policy, out);
}
