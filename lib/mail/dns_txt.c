/*
 * dns_txt.c - bounded TXT lookups (see dns_txt.h).
 *
 * Like spf_resolv.c: a per-thread res_state (retrans 1 s, EDNS0), and an
 * answer parser that never trusts a length field.
 */
#include "config.h"

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <pthread.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "dns_txt.h"

#define ANSWER_MAX	65536

static pthread_key_t state_key;
static pthread_once_t state_once = PTHREAD_ONCE_INIT;
static int state_key_ok;

static void
state_free(void *p)
{
	res_nclose(p);
	free(p);
}

static void
state_key_init(void)
{
	state_key_ok = pthread_key_create(&state_key, state_free) == 0;
}

static struct __res_state *
thread_state(void)
{
	struct __res_state *st;

	pthread_once(&state_once, state_key_init);
	if (!state_key_ok)
		return NULL;
	if ((st = pthread_getspecific(state_key)) != NULL)
		return st;
	if ((st = calloc(1, sizeof *st)) == NULL)
		return NULL;
	if (res_ninit(st) != 0) {
		free(st);
		return NULL;
	}
	st->options |= RES_USE_EDNS0;
	if (pthread_setspecific(state_key, st) != 0) {
		state_free(st);
		return NULL;
	}
	return st;
}

int
md_dns_txt_parse(const unsigned char *msg, size_t len, md_txt_cb cb, void *cbarg)
{
	const unsigned char *p = msg + NS_HFIXEDSZ, *end = msg + len;
	unsigned qd, an, type, rdlen, n, k;
	char *txt;
	int skip, found = 0;

	/*
	 * A reply that does not add up (a count or length past its end) is
	 * -1, not "these are all the records": a lost second DMARC record or
	 * a cut key must not read as the whole answer.
	 */
	if (len < NS_HFIXEDSZ || len > ANSWER_MAX)
		return -1;
	qd = (msg[4] << 8) | msg[5];
	an = (msg[6] << 8) | msg[7];
	while (qd-- > 0) {
		if ((skip = dn_skipname(p, end)) < 0 || end - p < skip + 4)
			return -1;
		p += skip + 4;
	}
	while (an-- > 0) {
		if ((skip = dn_skipname(p, end)) < 0 || end - p < skip + 10)
			return -1;
		p += skip;
		type = (p[0] << 8) | p[1];
		rdlen = (p[8] << 8) | p[9];
		p += 10;
		if ((size_t)(end - p) < rdlen)
			return -1;
		if (type == ns_t_txt) {
			if ((txt = malloc(rdlen + 1)) == NULL)
				return -1;
			/* character-strings are concatenated (RFC 6376 3.6.2.2, RFC 7489 6.1) */
			for (n = 0, k = 0; n < rdlen; ) {
				unsigned l = p[n++];

				if (l > rdlen - n) {
					free(txt);
					return -1;
				}
				memcpy(txt + k, p + n, l);
				k += l;
				n += l;
			}
			txt[k] = '\0';
			cb(cbarg, txt, k);
			free(txt);
			found++;
		}
		p += rdlen;
	}
	return found;
}

enum md_dns_status
md_dns_txt(void *self, const char *name, long long deadline_ms, md_txt_cb cb, void *cbarg)
{
	struct __res_state *st;
	long long left = 0;
	unsigned char *ans;
	int len, found;

	(void)self;
	if (deadline_ms != 0 && (left = deadline_ms - md_now_ms()) <= 0)
		return MD_DNS_TEMP;
	if ((st = thread_state()) == NULL)
		return MD_DNS_TEMP;
	st->retrans = 1;
	st->retry = (deadline_ms == 0 || left >= 3000) ? 2 : 1;
	if ((ans = malloc(ANSWER_MAX)) == NULL)
		return MD_DNS_TEMP;
	len = res_nquery(st, name, ns_c_in, ns_t_txt, ans, ANSWER_MAX);
	if (len < 0) {
		int h = st->res_h_errno;

		free(ans);
		return (h == HOST_NOT_FOUND || h == NO_DATA) ? MD_DNS_NONE : MD_DNS_TEMP;
	}
	if (len > ANSWER_MAX)
		len = ANSWER_MAX;
	found = md_dns_txt_parse(ans, (size_t)len, cb, cbarg);
	free(ans);
	return found < 0 ? MD_DNS_TEMP : found > 0 ? MD_DNS_FOUND : MD_DNS_NONE;
}

const struct md_txt_resolver md_dns_resolver = { md_dns_txt, NULL };
