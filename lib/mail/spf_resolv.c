/*
 * spf_resolv.c - a libspf2 DNS layer with bounded query times.
 *
 * libspf2's own resolver layer keeps a private per-thread res_state that
 * res_ninit() fills from resolv.conf (5 s x 2 attempts per nameserver) and
 * that nobody can tune afterwards; RES_OPTIONS is ignored once glibc has
 * cached resolv.conf.  Ten such lookups per SPF check could stall an SMTP
 * session far past Postfix's milter timeout.  This layer owns its per-thread
 * res_state (retrans 1 s, retry 2, EDNS0) and honours a per-thread deadline
 * set by md_spf_check(): past it, lookups fail with TRY_AGAIN at once.
 *
 * The answer parser is ours (dn_skipname/dn_expand from libc) so that we do
 * not need libresolv's ns_* functions, and it never trusts a length field.
 */
#include "config.h"

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <pthread.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <spf2/spf.h>
#include <spf2/spf_dns.h>
#include <spf2/spf_dns_rr.h>

#include "clock.h"
#include "spf.h"

#define NEG_TTL		300		/* NXDOMAIN / no data: 5 minutes */
#define ANSWER_MAX	65536		/* the largest DNS message */

struct resolv_hook {
	pthread_key_t		key;	/* per-thread struct __res_state */
	int			have_ns;
	struct sockaddr_in	ns;
};

/* Deadline of the check running on this thread (CLOCK_MONOTONIC ms, 0 = none). */
static __thread long long deadline_ms;

void
md_spf_resolv_deadline(int timeout_ms)
{
	deadline_ms = timeout_ms > 0 ? md_now_ms() + timeout_ms : 0;
}

static void
state_free(void *p)
{
	res_nclose(p);
	free(p);
}

static struct __res_state *
thread_state(struct resolv_hook *h)
{
	struct __res_state *st = pthread_getspecific(h->key);

	if (st != NULL)
		return st;
	if ((st = calloc(1, sizeof *st)) == NULL)
		return NULL;
	if (res_ninit(st) != 0) {
		free(st);
		return NULL;
	}
	st->options |= RES_USE_EDNS0;
	if (h->have_ns) {
		st->nsaddr_list[0] = h->ns;
		st->nscount = 1;
	}
	if (pthread_setspecific(h->key, st) != 0) {
		state_free(st);
		return NULL;
	}
	return st;
}

/* Appends one RR's data to rr; returns 0, or -1 to stop parsing. */
static int
add_rdata(SPF_dns_rr_t *rr, const u_char *msg, const u_char *end,
    const u_char *rd, size_t rdlen, int type)
{
	char name[NS_MAXDNAME];
	int i = rr->num_rr;
	size_t n, len;
	char *dst;

	switch (type) {
	case ns_t_a:
	case ns_t_aaaa:
		len = type == ns_t_a ? sizeof(struct in_addr) : sizeof(struct in6_addr);
		if (rdlen != len || SPF_dns_rr_buf_realloc(rr, i, len) != SPF_E_SUCCESS)
			return -1;
		memcpy(rr->rr[i], rd, len);
		break;
	case ns_t_mx:
	case ns_t_ptr:
		if (type == ns_t_mx) {
			if (rdlen < 3)
				return -1;
			rd += 2;
		}
		if (dn_expand(msg, end, rd, name, sizeof name) < 0)
			return -1;
		if (SPF_dns_rr_buf_realloc(rr, i, strlen(name) + 1) != SPF_E_SUCCESS)
			return -1;
		strcpy(rr->rr[i]->ptr, name);
		break;
	case ns_t_txt:
		/* character-strings are concatenated (RFC 7208 3.3) */
		if (SPF_dns_rr_buf_realloc(rr, i, rdlen + 1) != SPF_E_SUCCESS)
			return -1;
		dst = rr->rr[i]->txt;
		for (n = 0; n < rdlen; ) {
			len = rd[n++];
			if (len > rdlen - n)
				return -1;	/* a string past its RR: malformed */
			memcpy(dst, rd + n, len);
			dst += len;
			n += len;
		}
		*dst = '\0';
		break;
	default:
		return 0;
	}
	rr->num_rr++;
	return 0;
}

/*
 * Fills rr from the answer section of msg[0..len).  -1 when the reply does
 * not add up (a count or length past its end): the records in it may not
 * be all of them (a second SPF record is a permerror, RFC 7208 4.5), so
 * the lookup is a temporary error, not the records that were readable.
 */
static int
parse_answer(SPF_dns_rr_t *rr, const u_char *msg, int len, int qtype)
{
	const u_char *p = msg + NS_HFIXEDSZ, *end = msg + len;
	unsigned qd, an, type, rdlen;
	unsigned long ttl, minttl = 86400;
	int n;

	if (len < NS_HFIXEDSZ)
		return -1;
	qd = (msg[4] << 8) | msg[5];
	an = (msg[6] << 8) | msg[7];
	while (qd-- > 0) {
		if ((n = dn_skipname(p, end)) < 0 || end - p < n + 4)
			return -1;
		p += n + 4;
	}
	while (an-- > 0) {
		if ((n = dn_skipname(p, end)) < 0 || end - p < n + 10)
			return -1;
		p += n;
		type = (p[0] << 8) | p[1];
		ttl = ((unsigned long)p[4] << 24) | (p[5] << 16) | (p[6] << 8) | p[7];
		rdlen = (p[8] << 8) | p[9];
		p += 10;
		if ((size_t)(end - p) < rdlen)
			return -1;
		if ((int)type == qtype) {
			if (add_rdata(rr, msg, end, p, rdlen, type) < 0)
				return -1;
			if (ttl < minttl)
				minttl = ttl;
		}
		p += rdlen;
	}
	rr->ttl = rr->num_rr > 0 ? (time_t)minttl : NEG_TTL;
	return 0;
}

static SPF_dns_rr_t *
failed(SPF_dns_server_t *srv, const char *domain, ns_type type, int herrno)
{
	int ttl = (herrno == HOST_NOT_FOUND || herrno == NO_DATA) ? NEG_TTL : 0;

	return SPF_dns_rr_new_init(srv, domain, type, ttl, herrno);
}

static SPF_dns_rr_t *
resolv_lookup(SPF_dns_server_t *srv, const char *domain, ns_type type,
    int should_cache)
{
	struct resolv_hook *h = srv->hook;
	struct __res_state *st;
	SPF_dns_rr_t *rr;
	long long left = 0;
	u_char *ans;
	int len;

	(void)should_cache;
	if (deadline_ms != 0 && (left = deadline_ms - md_now_ms()) <= 0)
		return failed(srv, domain, type, TRY_AGAIN);
	if ((st = thread_state(h)) == NULL)
		return failed(srv, domain, type, TRY_AGAIN);
	/* one second per try; a second try only if the budget allows it */
	st->retrans = 1;
	st->retry = (deadline_ms == 0 || left >= 3000) ? 2 : 1;
	if ((ans = malloc(ANSWER_MAX)) == NULL)
		return failed(srv, domain, type, TRY_AGAIN);
	len = res_nquery(st, domain, ns_c_in, type, ans, ANSWER_MAX);
	if (len < 0) {
		free(ans);
		return failed(srv, domain, type, st->res_h_errno);
	}
	if (len > ANSWER_MAX)
		len = ANSWER_MAX;
	rr = SPF_dns_rr_new_init(srv, domain, type, 0, NETDB_SUCCESS);
	if (rr != NULL && parse_answer(rr, ans, len, type) < 0) {
		SPF_dns_rr_free(rr);
		free(ans);
		return failed(srv, domain, type, TRY_AGAIN);
	}
	if (rr != NULL && rr->num_rr == 0)
		rr->herrno = NO_DATA;
	free(ans);
	return rr;
}

static void
resolv_free(SPF_dns_server_t *srv)
{
	struct resolv_hook *h = srv->hook;
	void *st;

	if (h != NULL) {
		/* other threads' states are freed when those threads exit */
		if ((st = pthread_getspecific(h->key)) != NULL) {
			pthread_setspecific(h->key, NULL);
			state_free(st);
		}
		pthread_key_delete(h->key);
		free(h);
	}
	free(srv);
}

void *
md_spf_resolv_new(void)
{
	SPF_dns_server_t *srv;
	struct resolv_hook *h;

	if ((srv = calloc(1, sizeof *srv)) == NULL)
		return NULL;
	if ((h = calloc(1, sizeof *h)) == NULL) {
		free(srv);
		return NULL;
	}
	if (pthread_key_create(&h->key, state_free) != 0) {
		free(h);
		free(srv);
		return NULL;
	}
	srv->destroy = resolv_free;
	srv->lookup = resolv_lookup;
	srv->name = "maildesk-resolv";
	srv->hook = h;
	return srv;
}

int
md_spf_resolv_set_nameserver(void *layer, const char *ip, int port)
{
	SPF_dns_server_t *srv = layer;
	struct resolv_hook *h = srv->hook;

	memset(&h->ns, 0, sizeof h->ns);
	h->ns.sin_family = AF_INET;
	h->ns.sin_port = htons((unsigned short)port);
	if (port <= 0 || port > 65535 || inet_pton(AF_INET, ip, &h->ns.sin_addr) != 1)
		return -1;
	h->have_ns = 1;
	return 0;
}
