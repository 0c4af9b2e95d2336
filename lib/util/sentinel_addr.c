/*
 * sentinel_addr.c - parses the redis_sentinels list (sentinel_addr.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sentinel_addr.h"

int
md_sentinel_port(const char *s, size_t n)
{
	int port = 0;
	size_t i;

	if (n == 0 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		port = port * 10 + (s[i] - '0');
	}
	return port >= 1 && port <= 65535 ? port : -1;
}

/* One "host:port" or "[v6]:port" of n bytes into a. */
static int
parse_one(const char *s, size_t n, struct md_sentinel_addr *a, const char **why)
{
	const char *colon, *host = s;
	size_t hlen;

	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);

		if (close == NULL || close + 1 >= s + n || close[1] != ':') {
			*why = "an IPv6 sentinel is written [address]:port";
			return -1;
		}
		host = s + 1;
		hlen = (size_t)(close - host);
		colon = close + 1;
	} else {
		colon = NULL;
		for (hlen = 0; hlen < n; hlen++)
			if (s[hlen] == ':')
				colon = s + hlen;
		if (colon == NULL) {
			*why = "each sentinel is host:port (the port is missing)";
			return -1;
		}
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen >= sizeof a->host) {
		*why = "a sentinel's host is empty or too long";
		return -1;
	}
	if ((a->port = md_sentinel_port(colon + 1, (size_t)(s + n - colon - 1))) < 0) {
		*why = "a sentinel's port must be a number from 1 to 65535";
		return -1;
	}
	memcpy(a->host, host, hlen);
	a->host[hlen] = '\0';
	return 0;
}

int
md_sentinel_parse(const char *list, struct md_sentinel_addr *out, int max,
    const char **why)
{
	const char *p = list;
	int n = 0;

	*why = "no sentinel given";
	while (p != NULL && *p != '\0') {
		size_t len;

		p += strspn(p, " \t,");
		if (*p == '\0')
			break;
		len = strcspn(p, " \t,");
		if (n >= max) {
			*why = "too many sentinels (at most 16)";
			return -1;
		}
		if (parse_one(p, len, &out[n], why) < 0)
			return -1;
		n++;
		p += len;
	}
	return n > 0 ? n : -1;
}

int
md_sentinel_check(const char *list, const char **why)
{
	struct md_sentinel_addr a[MD_SENTINEL_MAX];

	if (list == NULL || list[strspn(list, " \t,")] == '\0')
		return 0;
	return md_sentinel_parse(list, a, MD_SENTINEL_MAX, why) < 0 ? -1 : 0;
}
