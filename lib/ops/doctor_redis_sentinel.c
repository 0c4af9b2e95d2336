/*
 * doctor_redis_sentinel.c - with redis_sentinels, where is the master?
 *
 * The programs ask the sentinels in turn and take the first answer
 * (lib/store/redis.c).  doctor asks every one of them, through the same
 * lib/store/redis_sentinel.c, one sentinel per question: the report then
 * says which sentinels answered and what each named, so a dead sentinel
 * (one less vote when the primary fails) or two naming different masters
 * (a failover under way, or sentinels that do not see each other) shows
 * up before it matters.  The Redis checks then run against the master
 * most of them named.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "doctor_redis.h"
#include "redis_sentinel.h"

struct answer {
	char	host[MD_SENTINEL_HOST_MAX];
	int	port;
	int	ok;		/* this sentinel named a master */
	int	votes;		/* sentinels naming the same address as this one */
};

/* "host:port", an IPv6 address in brackets. */
static void
addr_str(const char *host, int port, char *out, size_t len)
{
	snprintf(out, len, strchr(host, ':') != NULL ? "[%s]:%d" : "%s:%d", host, port);
}

/* The answer most sentinels gave (the first of equals); -1 when none. */
static int
most_named(struct answer *ans, int n)
{
	int i, k, best = -1;

	for (i = 0; i < n; i++) {
		if (!ans[i].ok)
			continue;
		for (k = 0; k < n; k++)
			ans[i].votes += ans[k].ok && ans[k].port == ans[i].port &&
			    strcmp(ans[k].host, ans[i].host) == 0;
		if (best < 0 || ans[i].votes > ans[best].votes)
			best = i;
	}
	return best;
}

int
md_doctor_redis_sentinel(struct md_doctor *d, const struct md_config *cfg,
    const struct md_doctor_opts *opts, char *host, size_t hostlen, int *port)
{
	struct md_sentinel_addr addr[MD_SENTINEL_MAX];
	struct answer ans[MD_SENTINEL_MAX];
	struct md_sentinel_query q;
	char named[400] = "", silent[400] = "", err[300], one[600], master[300];
	const char *why = "";
	int i, n, first, best, answered = 0, agree = 1;

	if ((n = md_sentinel_parse(cfg->redis_sentinels, addr, MD_SENTINEL_MAX, &why)) <= 0) {
		md_doctor_add(d, "redis.sentinel", MD_CHECK_FAIL, NULL, "redis_sentinels: %s", why);
		return -1;
	}
	memset(&q, 0, sizeof q);
	q.n = 1;
	q.master_name = cfg->redis_master_name;
	q.username = cfg->redis_sentinel_username;
	q.password = cfg->redis_sentinel_password;
	q.timeout_ms = opts->timeout_ms;
	memset(ans, 0, sizeof ans);
	for (i = 0; i < n; i++) {
		q.sentinels = &addr[i];
		first = 0;
		addr_str(addr[i].host, addr[i].port, one, sizeof one);
		if (md_sentinel_get_master(&q, &first, ans[i].host, sizeof ans[i].host,
		    &ans[i].port, err, sizeof err) < 0) {
			md_doctor_list_add(silent, sizeof silent, err);	/* "sentinel h:p: why" */
			continue;
		}
		ans[i].ok = 1;
		answered++;
		addr_str(ans[i].host, ans[i].port, master, sizeof master);
		snprintf(one + strlen(one), sizeof one - strlen(one), " names %s", master);
		md_doctor_list_add(named, sizeof named, one);
	}
	if ((best = most_named(ans, n)) < 0) {
		md_doctor_add(d, "redis.sentinel", MD_CHECK_FAIL,
		    "start redis-sentinel, or fix redis_sentinels, redis_master_name and "
		    "redis_sentinel_password (doc/scaling.md)",
		    "none of the %d sentinel(s) named master %s: %s; the programs cannot "
		    "find Redis, and the milter answers 451 to desk mail", n,
		    cfg->redis_master_name, silent);
		return -1;
	}
	agree = ans[best].votes == answered;
	snprintf(host, hostlen, "%s", ans[best].host);
	*port = ans[best].port;
	addr_str(host, *port, master, sizeof master);
	if (!agree)
		md_doctor_add(d, "redis.sentinel", MD_CHECK_WARN,
		    "run doctor again in a minute (a failover under way); if it stays, the "
		    "sentinels do not see each other: SENTINEL MASTER on each",
		    "the sentinels disagree on master %s: %s; checking %s, named by %d of %d%s%s",
		    cfg->redis_master_name, named, master, ans[best].votes, n,
		    *silent ? "; " : "", silent);
	else if (answered < n)
		md_doctor_add(d, "redis.sentinel", MD_CHECK_WARN,
		    "start the silent sentinels, or drop them from redis_sentinels: with "
		    "fewer than a quorum no replica is promoted when the primary fails",
		    "%d of %d sentinels answered: %s; %s", answered, n, named, silent);
	else
		md_doctor_add(d, "redis.sentinel", MD_CHECK_OK, NULL,
		    "%d sentinel(s) answered: %s (master %s)", answered, named,
		    cfg->redis_master_name);
	return 0;
}
