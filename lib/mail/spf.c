/*
 * spf.c - SPF verdicts for the SMTP client, MAIL FROM and HELO (libspf2).
 *
 * See spf.h for the threading model, the resolver budget and how libspf2's
 * aborting error handler is contained.  This file maps libspf2's results
 * onto ours (Debian's 1.2.10 reports record-level DNS errors and broken
 * records as SPF_RESULT_INVALID, with no Received-SPF text) and builds the
 * header and reply texts the milter uses verbatim.
 */
#include "config.h"

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <spf2/spf.h>
#include <spf2/spf_dns.h>
#include <spf2/spf_dns_cache.h>

#include "log.h"
#include "spf.h"

#define FROM_MAX	512

struct md_spf {
	SPF_server_t	 *srv;
	SPF_dns_server_t *dns;		/* layers we own (cache over resolver), or NULL */
	SPF_dns_server_t *resolv;	/* our resolver layer inside dns, or NULL */
	int		  timeout_ms;
	char		  receiver[256];
};

static const char *const names[] = {
	[MD_SPF_NONE] = "none", [MD_SPF_NEUTRAL] = "neutral",
	[MD_SPF_PASS] = "pass", [MD_SPF_FAIL] = "fail",
	[MD_SPF_SOFTFAIL] = "softfail", [MD_SPF_TEMPERROR] = "temperror",
	[MD_SPF_PERMERROR] = "permerror",
};

/* Where SPF_error should jump to on this thread (NULL outside a check). */
static __thread jmp_buf *guard;

static void spf_error(const char *, int, const char *) __attribute__((noreturn));

static void
spf_error(const char *file, int line, const char *msg)
{
	md_log(LOG_ERR, "libspf2 error: %s:%d: %s", file ? file : "?", line,
	    msg ? msg : "?");
	if (guard != NULL)
		longjmp(*guard, 1);
	abort();	/* outside a check (start-up): nothing better to do */
}

static void
spf_warning(const char *file, int line, const char *msg)
{
	(void)file; (void)line;
	md_log(LOG_DEBUG, "libspf2: %s", msg ? msg : "?");
}

const char *
md_spf_result_name(enum md_spf_res r)
{
	if ((unsigned)r >= sizeof names / sizeof names[0])
		return "temperror";
	return names[r];
}

int
md_spf_result_parse(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

/* Builds the server; runs under the error guard (SPF_server_new* may SPF_error). */
static int
server_setup(struct md_spf *s, SPF_dns_server_t *dns)
{
	SPF_response_t *resp = NULL;
	SPF_errcode_t err;

	if ((s->srv = SPF_server_new_dns(dns, 0)) == NULL)
		return -1;
	if (SPF_server_set_rec_dom(s->srv, s->receiver) != SPF_E_SUCCESS)
		return -1;
	/*
	 * The default explanation points at the long dead www.openspf.org.
	 * %{c}, not %{i}: RFC 7208 7.3 makes %{i} of an IPv6 client dotted
	 * nibbles; %{c} is the readable form meant for explanations.
	 */
	err = SPF_server_set_explanation(s->srv,
	    "%{c}%_is%_not%_allowed%_to%_send%_mail%_for%_%{d}", &resp);
	if (resp != NULL)
		SPF_response_free(resp);
	return err == SPF_E_SUCCESS ? 0 : -1;
}

/* Creates the DNS layers and the server under the error guard. */
static int
setup_guarded(struct md_spf *s, SPF_dns_server_t *dns)
{
	jmp_buf jb;
	volatile int ok = 0;

	if (setjmp(jb) == 0) {
		guard = &jb;
		if (dns == NULL && (s->resolv = md_spf_resolv_new()) != NULL) {
			s->dns = SPF_dns_cache_new(s->resolv, "maildesk-cache", 0, 10);
			if (s->dns == NULL) {
				SPF_dns_free(s->resolv);
				s->resolv = NULL;
			} else
				/* keep DNS TTLs: no 30-minute floors, errors not cached */
				SPF_dns_cache_set_ttl(s->dns, 0, 0, 0, 0);
		}
		ok = (dns != NULL || s->dns != NULL) &&
		    server_setup(s, dns != NULL ? dns : s->dns) == 0;
	}
	guard = NULL;
	return ok ? 0 : -1;
}

struct md_spf *
md_spf_new(const char *receiver, void *dns)
{
	struct md_spf *s;

	SPF_error_handler = spf_error;
	SPF_warning_handler = spf_warning;
	SPF_info_handler = NULL;
	SPF_debug_handler = NULL;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	s->timeout_ms = 10000;
	snprintf(s->receiver, sizeof s->receiver, "%s",
	    receiver != NULL && *receiver != '\0' ? receiver : "localhost");
	if (setup_guarded(s, dns) < 0) {
		md_spf_free(s);
		return NULL;
	}
	return s;
}

void
md_spf_free(struct md_spf *s)
{
	if (s == NULL)
		return;
	if (s->srv != NULL)
		SPF_server_free(s->srv);	/* does not free a layer given to _new_dns */
	if (s->dns != NULL)
		SPF_dns_free(s->dns);		/* frees the resolver below it too */
	free(s);
}

void
md_spf_set_timeout(struct md_spf *s, int timeout_ms)
{
	if (s != NULL && timeout_ms > 0)
		s->timeout_ms = timeout_ms;
}

int
md_spf_set_nameserver(struct md_spf *s, const char *ip, int port)
{
	if (s == NULL || s->resolv == NULL || ip == NULL)
		return -1;
	return md_spf_resolv_set_nameserver(s->resolv, ip, port);
}

/* Copies src into dst (size n), turning control characters into '?'. */
static void
copy_clean(char *dst, size_t n, const char *src)
{
	size_t i;

	for (i = 0; src != NULL && src[i] != '\0' && i + 1 < n; i++)
		dst[i] = ((unsigned char)src[i] < 0x20 || src[i] == 0x7f) ? '?' : src[i];
	if (n > 0)
		dst[i] = '\0';
}

/* Copies src doubling every '%' (libmilter drops replies with a lone '%'). */
static void
copy_reply(char *dst, size_t n, const char *src)
{
	size_t o = 0;

	for (; src != NULL && *src != '\0'; src++) {
		int pct = *src == '%';

		if (o + 1 + pct >= n)
			break;
		dst[o++] = ((unsigned char)*src < 0x20 || *src == 0x7f) ? ' ' : *src;
		if (pct)
			dst[o++] = '%';
	}
	if (n > 0)
		dst[o] = '\0';
}

/* One check's facts, for texts we build ourselves. */
struct query {
	char	ip[INET6_ADDRSTRLEN];
	char	from[FROM_MAX];		/* without <>; "" = null sender */
	const char *helo;
	const char *domain;		/* the domain whose policy is checked */
};

static void
own_header(const struct md_spf *s, const struct query *q, enum md_spf_res r,
    const char *why, struct md_spf_result *out)
{
	char tmp[MD_SPF_HDR_MAX];

	snprintf(tmp, sizeof tmp, "%s (%s: %s%s%s) client-ip=%s; envelope-from=%s%s; helo=%s;",
	    md_spf_result_name(r), s->receiver, why, *q->domain ? " " : "", q->domain,
	    *q->ip ? q->ip : "unknown",
	    *q->from ? q->from : "postmaster@", *q->from ? "" : q->helo, q->helo);
	copy_clean(out->received_spf, sizeof out->received_spf, tmp);
}

/*
 * Fills q->ip and a4 (IPv4, or IPv4-mapped IPv6 unmapped: libspf2 would
 * check ::ffff:a.b.c.d as IPv6 and fail).  Returns AF_INET, AF_INET6 or -1.
 */
static int
client_ip(const struct sockaddr *sa, struct query *q, struct in_addr *a4)
{
	const struct sockaddr_in6 *s6;

	if (sa->sa_family == AF_INET) {
		*a4 = ((const struct sockaddr_in *)sa)->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		s6 = (const struct sockaddr_in6 *)sa;
		if (!IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			inet_ntop(AF_INET6, &s6->sin6_addr, q->ip, sizeof q->ip);
			return AF_INET6;
		}
		memcpy(a4, &s6->sin6_addr.s6_addr[12], sizeof *a4);
	} else
		return -1;
	inet_ntop(AF_INET, a4, q->ip, sizeof q->ip);
	return AF_INET;
}

/* Sets the client address on req; fills q->ip.  -1 if unusable. */
static int
set_client(SPF_request_t *req, const struct sockaddr *sa, struct query *q)
{
	struct in_addr a4;

	switch (client_ip(sa, q, &a4)) {
	case AF_INET:
		return SPF_request_set_ipv4(req, a4) == SPF_E_SUCCESS ? 0 : -1;
	case AF_INET6:
		return SPF_request_set_ipv6(req,
		    ((const struct sockaddr_in6 *)sa)->sin6_addr) == SPF_E_SUCCESS ? 0 : -1;
	default:
		return -1;
	}
}

static enum md_spf_res
map_result(SPF_result_t res, SPF_errcode_t err)
{
	switch (res) {
	case SPF_RESULT_PASS:		return MD_SPF_PASS;
	case SPF_RESULT_FAIL:		return MD_SPF_FAIL;
	case SPF_RESULT_SOFTFAIL:	return MD_SPF_SOFTFAIL;
	case SPF_RESULT_NEUTRAL:	return MD_SPF_NEUTRAL;
	case SPF_RESULT_NONE:		return MD_SPF_NONE;
	case SPF_RESULT_TEMPERROR:	return MD_SPF_TEMPERROR;
	case SPF_RESULT_PERMERROR:	return MD_SPF_PERMERROR;
	default:
		/* 1.2.10: record-level DNS errors and bad records come back INVALID */
		return err == SPF_E_DNS_ERROR ? MD_SPF_TEMPERROR : MD_SPF_PERMERROR;
	}
}

/*
 * Runs the libspf2 query; returns our result, -1 if libspf2 gave no
 * response, -2 if it blew up (SPF_error: req must then be leaked).
 */
static int
run_query(struct md_spf *s, SPF_request_t *req, struct query *q,
    struct md_spf_result *out)
{
	SPF_response_t *volatile resp = NULL;
	SPF_response_t *rp = NULL;
	const char *txt;
	enum md_spf_res r;
	SPF_errcode_t err;
	jmp_buf jb;

	if (setjmp(jb) != 0) {
		guard = NULL;
		md_spf_resolv_deadline(0);
		return -2;	/* request and response leak: better than abort() */
	}
	guard = &jb;
	md_spf_resolv_deadline(s->timeout_ms);
	err = SPF_request_query_mailfrom(req, &rp);
	resp = rp;
	md_spf_resolv_deadline(0);
	guard = NULL;
	if (resp == NULL)
		return -1;
	r = map_result(SPF_response_result(resp), err);
	txt = SPF_response_result(resp) != SPF_RESULT_INVALID ?
	    SPF_response_get_received_spf_value(resp) : NULL;
	if (txt != NULL)
		copy_clean(out->received_spf, sizeof out->received_spf, txt);
	else
		own_header(s, q, r, r == MD_SPF_TEMPERROR ?
		    "temporary DNS error looking up" : "bad SPF record of", out);
	if (r == MD_SPF_FAIL) {
		txt = SPF_response_get_smtp_comment(resp);
		if (txt == NULL || *txt == '\0')
			txt = "SPF check failed";
		copy_reply(out->explanation, sizeof out->explanation, txt);
	}
	SPF_response_free(resp);
	return (int)r;
}

/* "<a@b>" -> "a@b"; returns -1 if it does not fit. */
static int
strip_path(const char *in, char *out, size_t n)
{
	size_t len = strlen(in);

	if (len >= 2 && in[0] == '<' && in[len - 1] == '>') {
		in++;
		len -= 2;
	}
	if (len >= n)
		return -1;
	memcpy(out, in, len);
	out[len] = '\0';
	return 0;
}

/* 1 if helo is an address literal or a bare IP (no HELO identity to check). */
static int
helo_is_ip(const char *helo)
{
	struct in6_addr a6;
	struct in_addr a4;

	return *helo == '[' || inet_pton(AF_INET, helo, &a4) == 1 ||
	    inet_pton(AF_INET6, helo, &a6) == 1;
}

int
md_spf_check(struct md_spf *s, const struct sockaddr *client, const char *helo,
    const char *mail_from, struct md_spf_result *out)
{
	struct query q;
	SPF_request_t *req;
	const char *at;
	int r;

	if (out == NULL)
		return -1;
	memset(out, 0, sizeof *out);
	memset(&q, 0, sizeof q);
	out->result = MD_SPF_TEMPERROR;
	q.helo = helo != NULL ? helo : "";
	out->identity = (mail_from != NULL && *mail_from && strcmp(mail_from, "<>") != 0) ?
	    "mailfrom" : "helo";
	if (s == NULL || strip_path(mail_from != NULL ? mail_from : "", q.from, sizeof q.from) < 0) {
		snprintf(out->received_spf, sizeof out->received_spf,
		    "temperror (bad arguments to the SPF check)");
		return -1;
	}
	at = strrchr(q.from, '@');
	q.domain = *q.from ? (at != NULL ? at + 1 : q.from) : q.helo;

	if (client == NULL || (client->sa_family != AF_INET && client->sa_family != AF_INET6)) {
		out->result = MD_SPF_NONE;
		own_header(s, &q, MD_SPF_NONE, "client address unknown, not checking", out);
		return 0;
	}
	if (*q.from == '\0' && (*q.helo == '\0' || helo_is_ip(q.helo))) {
		out->result = MD_SPF_NONE;
		client_ip(client, &q, &(struct in_addr){ 0 });
		own_header(s, &q, MD_SPF_NONE, "null sender and no HELO name to check", out);
		return 0;
	}
	if ((req = SPF_request_new(s->srv)) == NULL) {
		own_header(s, &q, MD_SPF_TEMPERROR, "out of memory checking", out);
		return -1;
	}
	if (set_client(req, client, &q) < 0) {
		SPF_request_free(req);
		own_header(s, &q, MD_SPF_TEMPERROR, "bad client address checking", out);
		return -1;
	}
	/* the HELO first: an empty MAIL FROM becomes postmaster@<helo> */
	if (*q.helo != '\0' && !helo_is_ip(q.helo))
		SPF_request_set_helo_dom(req, q.helo);
	if (SPF_request_set_env_from(req, q.from) != 0) {
		/* RFC 7208 4.3: a malformed domain gives "none" */
		SPF_request_free(req);
		out->result = MD_SPF_NONE;
		own_header(s, &q, MD_SPF_NONE, "malformed sender domain", out);
		return 0;
	}
	r = run_query(s, req, &q, out);
	if (r != -2)
		SPF_request_free(req);
	if (r < 0) {
		own_header(s, &q, MD_SPF_TEMPERROR, "internal SPF error checking", out);
		return -1;
	}
	out->result = (enum md_spf_res)r;
	return 0;
}
