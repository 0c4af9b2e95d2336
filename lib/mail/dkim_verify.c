/*
 * dkim_verify.c - DKIM verification with libopendkim (see dkim_verify.h).
 */
#include "config.h"

#include <sys/types.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <opendkim/dkim.h>

#include "dkim_verify.h"
#include "dmarc.h"

struct md_dkim {
	DKIM_LIB		*lib;
	struct md_txt_resolver	 dns;
};

/* Per verification: what the callbacks need (dkim_set_user_context). */
struct verify_ctx {
	const struct md_txt_resolver *dns;
	long long	 deadline_ms;
	const char	*from_org;
	DKIM_SIGINFO	*temp[MD_DKIM_MAX_SIGS];	/* key lookups that failed for now */
	size_t		 ntemp;
};

const char *
md_dkim_res_name(enum md_dkim_res r)
{
	switch (r) {
	case MD_DKIM_PASS:
		return "pass";
	case MD_DKIM_FAIL:
		return "fail";
	case MD_DKIM_TEMPERROR:
		return "temperror";
	default:
		return "none";
	}
}

int
md_header_next(const char *raw, size_t rawlen, size_t *pos, const char **name,
    size_t *nlen, const char **field, size_t *flen)
{
	size_t p = *pos, i, colon, end;

	if (p >= rawlen)
		return 0;
	if (raw[p] == '\n' || (raw[p] == '\r' && p + 1 < rawlen && raw[p + 1] == '\n')) {
		*pos = p + (raw[p] == '\r' ? 2 : 1);
		return 0;
	}
	for (colon = p; colon < rawlen && raw[colon] != ':' && raw[colon] != '\n'; colon++)
		;
	if (colon >= rawlen || raw[colon] != ':' || colon == p)
		return 0;	/* not a header line: the rest is body */
	/* the field ends at a line end not followed by a blank */
	for (i = colon; i < rawlen; i++)
		if (raw[i] == '\n' && (i + 1 >= rawlen || (raw[i + 1] != ' ' && raw[i + 1] != '\t')))
			break;
	end = i;
	if (end < rawlen && raw[end - 1] == '\r')
		end--;	/* end > colon >= p here */
	*name = raw + p;
	for (*nlen = colon - p; *nlen > 0 && (raw[p + *nlen - 1] == ' ' || raw[p + *nlen - 1] == '\t');
	    (*nlen)--)
		;
	*field = raw + p;
	*flen = end - p;
	*pos = i < rawlen ? i + 1 : rawlen;
	return 1;
}

int
md_header_count(const char *raw, size_t rawlen, const char *name)
{
	const char *n, *f;
	size_t pos = 0, nl, fl, want = strlen(name);
	int count = 0;

	/*
	 * No cap on the fields here (the walk is linear in the header's size):
	 * a second From: after many fields is still a second From:.
	 */
	while (md_header_next(raw, rawlen, &pos, &n, &nl, &f, &fl) == 1)
		if (nl == want && strncasecmp(n, name, nl) == 0)
			count++;
	return count;
}

static void
first_txt(void *arg, const char *txt, size_t len)
{
	char **out = arg;

	(void)len;
	if (*out == NULL)
		*out = strdup(txt);
}

static DKIM_CBSTAT
key_lookup(DKIM *dkim, DKIM_SIGINFO *sig, u_char *buf, size_t buflen)
{
	struct verify_ctx *vc = dkim_get_user_context(dkim);
	const char *sel = (const char *)dkim_sig_getselector(sig);
	const char *dom = (const char *)dkim_sig_getdomain(sig);
	char name[600], *txt = NULL;
	enum md_dns_status st;
	int n;

	if (vc == NULL || sel == NULL || dom == NULL)
		return DKIM_CBSTAT_ERROR;
	n = snprintf(name, sizeof name, "%s._domainkey.%s", sel, dom);
	if (n < 0 || (size_t)n >= sizeof name)
		return DKIM_CBSTAT_NOTFOUND;
	st = vc->dns->lookup(vc->dns->self, name, vc->deadline_ms, first_txt, &txt);
	if (st == MD_DNS_FOUND && txt == NULL)
		st = MD_DNS_TEMP;	/* no memory */
	if (st != MD_DNS_FOUND) {
		free(txt);
		if (st == MD_DNS_NONE)
			return DKIM_CBSTAT_NOTFOUND;
		/*
		 * TRYAGAIN would make libopendkim stop at this signature and
		 * refuse to list any; "not found" lets it go on with the others,
		 * and collect() reports this one as temperror.
		 */
		if (vc->ntemp < MD_DKIM_MAX_SIGS)
			vc->temp[vc->ntemp++] = sig;
		return DKIM_CBSTAT_NOTFOUND;
	}
	/*
	 * A record cut to fit would lose its last tags (s=, h=, t= restrict
	 * the key): one that does not fit is no key.
	 */
	if (strlen(txt) >= buflen) {
		free(txt);
		return DKIM_CBSTAT_NOTFOUND;
	}
	memcpy(buf, txt, strlen(txt) + 1);
	free(txt);
	return DKIM_CBSTAT_CONTINUE;
}

static int
aligned_sig(const struct verify_ctx *vc, DKIM_SIGINFO *sig)
{
	const char *dom = (const char *)dkim_sig_getdomain(sig);
	char org[MD_DOMAIN_MAX + 1];

	return dom != NULL && *vc->from_org != '\0' &&
	    md_org_domain(dom, org, sizeof org) == 0 && strcasecmp(org, vc->from_org) == 0;
}

/*
 * Keeps at most MD_DKIM_MAX_SIGS signatures, and puts those aligned with
 * the From: domain first: libopendkim verifies in this order.
 */
static DKIM_CBSTAT
prescreen(DKIM *dkim, DKIM_SIGINFO **sigs, int nsigs)
{
	struct verify_ctx *vc = dkim_get_user_context(dkim);
	DKIM_SIGINFO *order[MD_DKIM_MAX_SIGS], **rest;
	char keep[256] = { 0 };
	int i, kept = 0, pass, o;

	if (vc == NULL)
		return DKIM_CBSTAT_CONTINUE;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < nsigs && i < (int)sizeof keep; i++)
			if (!keep[i] && kept < MD_DKIM_MAX_SIGS &&
			    (pass == 1 || aligned_sig(vc, sigs[i]))) {
				keep[i] = 1;
				order[kept++] = sigs[i];
			}
	for (i = 0; i < nsigs; i++)
		if (i >= (int)sizeof keep || !keep[i])
			dkim_sig_ignore(sigs[i]);
	/* the kept ones in front, in their new order; the ignored ones behind them */
	if ((rest = malloc((size_t)nsigs * sizeof *rest)) == NULL)
		return DKIM_CBSTAT_CONTINUE;
	for (i = 0, o = 0; i < nsigs; i++)
		if (i >= (int)sizeof keep || !keep[i])
			rest[o++] = sigs[i];
	for (i = 0; i < kept; i++)
		sigs[i] = order[i];
	for (i = 0; i < o; i++)
		sigs[kept + i] = rest[i];
	free(rest);
	return DKIM_CBSTAT_CONTINUE;
}

struct md_dkim *
md_dkim_new(const struct md_txt_resolver *dns)
{
	struct md_dkim *d = calloc(1, sizeof *d);
	unsigned int flags = DKIM_LIBFLAGS_BADSIGHANDLES;

	if (d == NULL)
		return NULL;
	d->dns = dns != NULL ? *dns : md_dns_resolver;
	if ((d->lib = dkim_init(NULL, NULL)) == NULL) {
		free(d);
		return NULL;
	}
	dkim_options(d->lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof flags);
	dkim_set_key_lookup(d->lib, key_lookup);
	dkim_set_prescreen(d->lib, prescreen);
	return d;
}

void
md_dkim_free(struct md_dkim *d)
{
	if (d == NULL)
		return;
	dkim_close(d->lib);
	free(d);
}

/* A header field for libopendkim: continuation line ends as CRLF. */
static u_char *
crlf_field(const char *f, size_t flen, size_t *outlen)
{
	u_char *out = malloc(2 * flen + 1);
	size_t i, o = 0;

	if (out == NULL)
		return NULL;
	for (i = 0; i < flen; i++) {
		if (f[i] == '\n' && (i == 0 || f[i - 1] != '\r'))
			out[o++] = '\r';
		out[o++] = (u_char)f[i];
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

static int
is_temp(const struct verify_ctx *vc, DKIM_SIGINFO *sig)
{
	size_t i;

	for (i = 0; i < vc->ntemp; i++)
		if (vc->temp[i] == sig)
			return 1;
	return 0;
}

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Content (every byte but blanks and CRLF line ends) of the body in the
 * first limit bytes of its canonical form (RFC 6376 3.4.3, 3.4.4) into
 * *signed_part, of the whole body into *all.  Both canonical forms keep
 * every such byte in its order and only change blanks and line ends, so
 * *all > *signed_part means that text follows the part an l= signature
 * covers.
 */
static void
body_content(const char *b, size_t n, int relaxed, size_t limit, size_t *signed_part,
    size_t *all)
{
	size_t i = 0, canon = 0;

	*signed_part = *all = 0;
	while (i < n) {
		if (b[i] == '\r' && i + 1 < n && b[i + 1] == '\n') {
			canon += 2;	/* the line end stays CRLF */
			i += 2;
		} else if (is_wsp(b[i])) {
			size_t run = i;

			while (i < n && is_wsp(b[i]))
				i++;
			if (!relaxed)
				canon += i - run;
			else if (i < n && !(b[i] == '\r' && i + 1 < n && b[i + 1] == '\n'))
				canon++;	/* one SP; none at a line's end */
		} else {
			if (canon < limit)
				(*signed_part)++;
			(*all)++;
			canon++;
			i++;
		}
	}
}

/*
 * A valid signature with l= vouches for the first l= bytes of the body
 * only.  Text after them is the sender's or anyone's (a forger appends it
 * to a real signed message), so such a signature does not count: 1.
 * Blank lines or blanks after the signed part change nothing a reader
 * sees and are allowed.
 */
static int
body_partly_signed(DKIM *dk, DKIM_SIGINFO *sig, const char *body, size_t bodylen)
{
	ssize_t msglen, canonlen, signlen;
	dkim_canon_t hc, bc;
	size_t in_signed, all;

	if (dkim_sig_getcanonlen(dk, sig, &msglen, &canonlen, &signlen) != DKIM_STAT_OK)
		return 1;	/* cannot tell: do not vouch */
	if (signlen < 0)
		return 0;	/* no l=: the whole body was hashed */
	if (dkim_sig_getcanons(sig, &hc, &bc) != DKIM_STAT_OK)
		return 1;
	body_content(body, bodylen, bc == DKIM_CANON_RELAXED, (size_t)signlen, &in_signed,
	    &all);
	return all > in_signed;
}

static void
collect(DKIM *dk, const struct verify_ctx *vc, DKIM_STAT eom, const char *body, size_t bodylen,
    struct md_dkim_result *out)
{
	DKIM_SIGINFO **sigs = NULL;
	int i, nsigs = 0, any_pass = 0, any_temp = 0;

	if (dkim_getsiglist(dk, &sigs, &nsigs) != DKIM_STAT_OK)
		nsigs = 0;
	for (i = 0; i < nsigs && out->nsigs < MD_DKIM_MAX_SIGS; i++) {
		DKIM_SIGINFO *sig = sigs[i];
		unsigned int fl = dkim_sig_getflags(sig);
		struct md_dkim_sig *s = &out->sigs[out->nsigs];
		const char *dom = (const char *)dkim_sig_getdomain(sig);
		size_t k;

		if (fl & DKIM_SIGFLAG_IGNORE)
			continue;
		out->nsigs++;
		snprintf(s->domain, sizeof s->domain, "%s", dom ? dom : "");
		for (k = 0; s->domain[k] != '\0'; k++)
			if (s->domain[k] >= 'A' && s->domain[k] <= 'Z')
				s->domain[k] += 'a' - 'A';
		if ((fl & DKIM_SIGFLAG_PASSED) && dkim_sig_getbh(sig) == DKIM_SIGBH_MATCH) {
			dkim_alg_t alg = DKIM_SIGN_UNKNOWN;
			const char *weak = NULL;

			/* valid for libopendkim; not enough for us (doc/sender-identity.md) */
			if (dkim_sig_getsignalg(sig, &alg) != DKIM_STAT_OK ||
			    alg == DKIM_SIGN_RSASHA1)
				weak = "rsa-sha1 is not accepted (RFC 8301)";
			else if (body_partly_signed(dk, sig, body, bodylen))
				weak = "l= does not cover the whole body";
			if (weak != NULL) {
				s->res = MD_DKIM_FAIL;
				snprintf(s->why, sizeof s->why, "%s", weak);
			} else {
				s->res = MD_DKIM_PASS;
				any_pass = 1;
			}
		} else if (is_temp(vc, sig) || (!(fl & DKIM_SIGFLAG_PROCESSED) &&
		    (eom == DKIM_STAT_CBTRYAGAIN || eom == DKIM_STAT_KEYFAIL))) {
			s->res = MD_DKIM_TEMPERROR;
			snprintf(s->why, sizeof s->why, "key not available");
			any_temp = 1;
		} else {
			s->res = MD_DKIM_FAIL;
			snprintf(s->why, sizeof s->why, "%s",
			    dkim_sig_geterrorstr(dkim_sig_geterror(sig)) ?
			    dkim_sig_geterrorstr(dkim_sig_geterror(sig)) : "bad signature");
			if (dkim_sig_geterror(sig) == DKIM_SIGERROR_OK &&
			    dkim_sig_getbh(sig) == DKIM_SIGBH_MISMATCH)
				snprintf(s->why, sizeof s->why, "body hash mismatch");
		}
	}
	out->res = any_pass ? MD_DKIM_PASS : any_temp ? MD_DKIM_TEMPERROR :
	    out->nsigs > 0 ? MD_DKIM_FAIL : MD_DKIM_NONE;
}

static void
fail_all(struct md_dkim_result *out, enum md_dkim_res res, const char *why)
{
	out->res = res;
	out->nsigs = 1;
	out->sigs[0].res = res;
	snprintf(out->sigs[0].why, sizeof out->sigs[0].why, "%s", why);
}

int
md_dkim_verify(struct md_dkim *d, const char *raw, size_t rawlen, const char *from_org,
    long long deadline_ms, struct md_dkim_result *out)
{
	struct verify_ctx vc = { &d->dns, deadline_ms, from_org ? from_org : "", { 0 }, 0 };
	const char *n, *f;
	size_t pos = 0, nl, fl, hlen;
	DKIM_STAT st;
	DKIM *dk;
	int fields = 0, rc = 0;
	u_char *h;

	memset(out, 0, sizeof out[0]);
	/* Cheap first: no signature, no libopendkim. */
	if (md_header_count(raw, rawlen, "DKIM-Signature") == 0)
		return 0;
	dk = dkim_verify(d->lib, (const u_char *)"maildesk", NULL, &st);
	if (dk == NULL) {
		fail_all(out, MD_DKIM_TEMPERROR, "out of memory");
		return -1;
	}
	dkim_set_user_context(dk, &vc);
	while (md_header_next(raw, rawlen, &pos, &n, &nl, &f, &fl) == 1) {
		if (++fields > MD_DKIM_HEADERS_MAX || fl > MD_DKIM_FIELD_MAX) {
			fail_all(out, MD_DKIM_FAIL, "headers too large");
			goto done;
		}
		if ((h = crlf_field(f, fl, &hlen)) == NULL) {
			fail_all(out, MD_DKIM_TEMPERROR, "out of memory");
			rc = -1;
			goto done;
		}
		st = dkim_header(dk, h, hlen);
		free(h);
		if (st != DKIM_STAT_OK) {
			fail_all(out, MD_DKIM_FAIL, "header not accepted");
			goto done;
		}
	}
	st = dkim_eoh(dk);
	if (st == DKIM_STAT_OK && pos < rawlen)
		st = dkim_body(dk, (u_char *)(raw + pos), rawlen - pos);
	if (st == DKIM_STAT_OK)
		st = dkim_eom(dk, NULL);
	collect(dk, &vc, st, raw + pos, rawlen - pos, out);
done:
	dkim_free(dk);
	return rc;
}
