/*
 * dmarc.c - DMARC records, organisational domains, alignment and policy
 * (see dmarc.h and doc/sender-identity.md).
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpsl.h>

#include "dmarc.h"
#include "spf.h"

static int
is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* [s, e) without surrounding FWS. */
static void
trim(const char **s, const char **e)
{
	while (*s < *e && is_fws(**s))
		(*s)++;
	while (*e > *s && is_fws((*e)[-1]))
		(*e)--;
}

int
md_taglist_get(const char *list, size_t len, const char *tag, char *out, size_t outlen)
{
	const char *p = list, *end = list + len, *spec_end, *eq, *ns, *ne, *vs, *ve, *q;
	size_t tlen = strlen(tag);
	int found = 0;

	while (p < end) {
		spec_end = memchr(p, ';', (size_t)(end - p));
		if (spec_end == NULL)
			spec_end = end;
		ns = p;
		ne = spec_end;
		trim(&ns, &ne);
		p = spec_end < end ? spec_end + 1 : end;
		if (ns == ne)
			continue;	/* empty spec, e.g. after a trailing ';' */
		if ((eq = memchr(ns, '=', (size_t)(ne - ns))) == NULL)
			return -1;
		vs = eq + 1;
		ve = ne;
		ne = eq;
		trim(&ns, &ne);
		trim(&vs, &ve);
		if (ns == ne || !is_alpha(*ns))
			return -1;
		for (q = ns; q < ne; q++)
			if (!is_alpha(*q) && !(*q >= '0' && *q <= '9') && *q != '_')
				return -1;
		if (found || (size_t)(ne - ns) != tlen || strncasecmp(ns, tag, tlen) != 0)
			continue;
		if ((size_t)(ve - vs) >= outlen)
			return -1;
		memcpy(out, vs, (size_t)(ve - vs));
		out[ve - vs] = '\0';
		found = 1;
	}
	return found;
}

static int
policy_of(const char *v, enum md_dmarc_policy *out)
{
	if (strcasecmp(v, "none") == 0)
		*out = MD_DMARC_P_NONE;
	else if (strcasecmp(v, "quarantine") == 0)
		*out = MD_DMARC_P_QUARANTINE;
	else if (strcasecmp(v, "reject") == 0)
		*out = MD_DMARC_P_REJECT;
	else
		return -1;
	return 0;
}

static int
align_of(const char *v, int *strict)
{
	if (strcasecmp(v, "r") == 0)
		*strict = 0;
	else if (strcasecmp(v, "s") == 0)
		*strict = 1;
	else
		return -1;
	return 0;
}

int
md_dmarc_record_parse(const char *txt, size_t len, struct md_dmarc_record *out)
{
	const char *p = txt, *end = txt + len;
	char v[64];
	int rc;

	memset(out, 0, sizeof *out);
	out->pct = 100;
	/* RFC 7489 6.4: the record starts with v=DMARC1 */
	while (p < end && is_fws(*p))
		p++;
	if (end - p < 2 || (*p != 'v' && *p != 'V'))
		return -1;
	if (md_taglist_get(p, (size_t)(end - p), "v", v, sizeof v) != 1 ||
	    strcmp(v, "DMARC1") != 0) {
		/* "v=DMARC1" with a broken tail is still a DMARC record */
		const char *q = p + 1;

		while (q < end && is_fws(*q))
			q++;
		if (q < end && *q == '=') {
			for (q++; q < end && is_fws(*q); q++)
				;
			if (end - q >= 6 && strncmp(q, "DMARC1", 6) == 0 &&
			    (end - q == 6 || is_fws(q[6]) || q[6] == ';'))
				return -2;
		}
		return -1;
	}
	if (md_taglist_get(p, (size_t)(end - p), "p", v, sizeof v) != 1 || policy_of(v, &out->p) < 0)
		return -2;
	out->sp = out->p;
	if ((rc = md_taglist_get(p, (size_t)(end - p), "sp", v, sizeof v)) != 0 &&
	    (rc < 0 || policy_of(v, &out->sp) < 0))
		return -2;
	if ((rc = md_taglist_get(p, (size_t)(end - p), "adkim", v, sizeof v)) != 0 &&
	    (rc < 0 || align_of(v, &out->strict_dkim) < 0))
		return -2;
	if ((rc = md_taglist_get(p, (size_t)(end - p), "aspf", v, sizeof v)) != 0 &&
	    (rc < 0 || align_of(v, &out->strict_spf) < 0))
		return -2;
	if ((rc = md_taglist_get(p, (size_t)(end - p), "pct", v, sizeof v)) != 0) {
		char *e;
		long n;

		if (rc < 0 || v[0] < '0' || v[0] > '9')
			return -2;
		n = strtol(v, &e, 10);
		if (*e != '\0' || n < 0 || n > 100)
			return -2;
		out->pct = (int)n;
	}
	return 0;
}

/* --- organisational domain ------------------------------------------------- */

static const psl_ctx_t *psl;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

static void
psl_load(void)
{
	psl = psl_latest(NULL);		/* Debian's list, or the built-in one */
	if (psl == NULL)
		psl = psl_builtin();
}

int
md_domain_norm(const char *domain, char *out, size_t outlen)
{
	size_t n = strlen(domain), i;

	if (n > 0 && domain[n - 1] == '.')
		n--;
	if (n == 0 || n > MD_DOMAIN_MAX || n >= outlen)
		return -1;
	for (i = 0; i < n; i++) {
		char c = domain[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.') || (c == '.' && (i == 0 || out[i - 1] == '.')))
			return -1;
		out[i] = c;
	}
	out[n] = '\0';
	return 0;
}

int
md_org_domain(const char *domain, char *out, size_t outlen)
{
	char d[MD_DOMAIN_MAX + 1];
	const char *reg, *last, *prev;
	size_t n, i;

	if (md_domain_norm(domain, d, sizeof d) < 0 || (n = strlen(d)) >= outlen)
		return -1;
	pthread_once(&psl_once, psl_load);
	reg = psl != NULL ? psl_registrable_domain(psl, d) : NULL;
	if (reg == NULL && psl == NULL) {
		/* no list at all: the last two labels */
		for (last = prev = NULL, i = 0; i < n; i++)
			if (d[i] == '.') {
				prev = last;
				last = d + i;
			}
		reg = prev != NULL ? prev + 1 : d;
	}
	snprintf(out, outlen, "%s", reg != NULL ? reg : d);
	return 0;
}

/* --- the record in DNS ------------------------------------------------------- */

struct fetch_acc {
	int			 count;		/* v=DMARC1 records */
	int			 status;	/* parse result of the first */
	struct md_dmarc_record	 rec;
};

static void
fetch_cb(void *arg, const char *txt, size_t len)
{
	struct fetch_acc *a = arg;
	struct md_dmarc_record r;
	int st = md_dmarc_record_parse(txt, len, &r);

	if (st == -1)
		return;		/* some other TXT record at the name */
	if (a->count++ == 0) {
		a->status = st;
		a->rec = r;
	}
}

static enum md_dns_status
fetch_one(const struct md_txt_resolver *dns, const char *domain, long long deadline_ms,
    struct fetch_acc *a)
{
	char name[MD_DOMAIN_MAX + 16];
	enum md_dns_status st;

	memset(a, 0, sizeof *a);
	snprintf(name, sizeof name, "_dmarc.%s", domain);
	st = dns->lookup(dns->self, name, deadline_ms, fetch_cb, a);
	if (st == MD_DNS_FOUND && a->count == 0)
		st = MD_DNS_NONE;	/* TXT records, none of them DMARC's */
	return st;
}

enum md_dmarc_lookup
md_dmarc_fetch(const struct md_txt_resolver *dns, const char *from_domain, long long deadline_ms,
    struct md_dmarc_record *rec, int *at_org)
{
	char org[MD_DOMAIN_MAX + 1];
	struct fetch_acc a;
	enum md_dns_status st;

	*at_org = 0;
	if (md_org_domain(from_domain, org, sizeof org) < 0)
		return MD_DMARC_REC_PERMERROR;
	st = fetch_one(dns, from_domain, deadline_ms, &a);
	if (st == MD_DNS_NONE && strcasecmp(org, from_domain) != 0) {
		st = fetch_one(dns, org, deadline_ms, &a);
		*at_org = 1;
	}
	if (st == MD_DNS_TEMP)
		return MD_DMARC_REC_TEMPERROR;
	/*
	 * Several records at a name end the discovery with no policy; the
	 * organisational domain is asked only when the From: domain has none
	 * (RFC 7489 6.6.3, steps 3 and 5).
	 */
	if (st == MD_DNS_NONE || a.count > 1)
		return MD_DMARC_REC_NONE;
	if (a.status != 0)
		return MD_DMARC_REC_PERMERROR;
	*rec = a.rec;
	return MD_DMARC_REC_FOUND;
}
