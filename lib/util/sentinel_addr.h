/*
 * sentinel_addr.h - the redis_sentinels list: "host:port, ..." parsed and
 * checked.  Apart from lib/store/redis_sentinel.c, which talks to the
 * sentinels, because the configuration's key check needs the parser and
 * lib/util must not depend on the store layer.
 */
#ifndef MD_SENTINEL_ADDR_H
#define MD_SENTINEL_ADDR_H

#include <stddef.h>

#define MD_SENTINEL_MAX		16	/* sentinels in redis_sentinels */
#define MD_SENTINEL_HOST_MAX	256

struct md_sentinel_addr {
	char	host[MD_SENTINEL_HOST_MAX];
	int	port;
};

/*
 * Parses "host:port[, host:port ...]" (separated by commas or blanks; an
 * IPv6 address as [addr]:port) into out (max entries).  Returns how many,
 * or -1 with *why saying what is wrong.
 */
int	md_sentinel_parse(const char *list, struct md_sentinel_addr *out, int max,
	    const char **why);
/* A port number of n bytes at s: 1..65535, or -1. */
int	md_sentinel_port(const char *s, size_t n);
/* The conf_keys.c key check for redis_sentinels: 0, or -1 with *why ("" is fine). */
int	md_sentinel_check(const char *list, const char **why);

#endif
