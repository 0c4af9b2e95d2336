/*
 * ratelimit.c - two-window sliding rate limits in Redis (see ratelimit.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lua.h"
#include "ratelimit.h"

#define ID_MAX	128

void
md_ratelimit_id(const char *id, char *out, size_t outlen)
{
	uint64_t h = 1469598103934665603ULL;
	size_t len = strlen(id), i;
	int plain = len <= ID_MAX;

	for (i = 0; i < len; i++) {
		h = (h ^ (unsigned char)(id[i] >= 'A' && id[i] <= 'Z' ? id[i] + 32 : id[i])) *
		    1099511628211ULL;
		if ((unsigned char)id[i] <= 0x20 || id[i] == 0x7f)
			plain = 0;
	}
	if (!plain || len + 1 > outlen) {
		snprintf(out, outlen, "h:%016llx", (unsigned long long)h);
		return;
	}
	for (i = 0; i < len; i++)
		out[i] = id[i] >= 'A' && id[i] <= 'Z' ? (char)(id[i] + 32) : id[i];
	out[len] = '\0';
}

/* Builds both keys and the weight of the previous window; -1 on ENOMEM. */
static int
window_keys(struct md_redis *r, const char *kind, const char *id,
    const struct md_rate *rate, long now, md_buf *cur, md_buf *prev, double *weight)
{
	char nid[ID_MAX + 1];
	long start = now - now % rate->seconds;

	md_ratelimit_id(id != NULL ? id : "", nid, sizeof nid);
	*weight = 1.0 - (double)(now - start) / (double)rate->seconds;
	if (md_key(r, cur, "rate:%s:%s:%ld", kind, nid, start) == NULL ||
	    md_key(r, prev, "rate:%s:%s:%ld", kind, nid, start - rate->seconds) == NULL)
		return -1;
	return 0;
}

int
md_ratelimit_args(struct md_redis *r, const char *kind, const char *id,
    const struct md_rate *rate, long now, struct md_rate_args *a)
{
	double w;

	memset(a, 0, sizeof *a);
	snprintf(a->limit, sizeof a->limit, "0");
	if (rate == NULL || rate->count <= 0 || rate->seconds <= 0)
		return 0;
	if (window_keys(r, kind, id, rate, now, &a->cur, &a->prev, &w) < 0)
		return -1;
	snprintf(a->limit, sizeof a->limit, "%ld", rate->count);
	snprintf(a->weight, sizeof a->weight, "%.6f", w);
	snprintf(a->ttl, sizeof a->ttl, "%ld", rate->seconds * 2);
	return 1;
}

void
md_ratelimit_args_free(struct md_rate_args *a)
{
	md_buf_free(&a->cur);
	md_buf_free(&a->prev);
}

int
md_ratelimit_hit(struct md_redis *r, const char *kind, const char *id,
    const struct md_rate *rate, long now)
{
	struct md_rate_args a;
	const char *argv[MD_LUA_ARGC(RATE_HIT_ONE)];
	redisReply *rep = NULL;
	int rc;

	if ((rc = md_ratelimit_args(r, kind, id, rate, now, &a)) <= 0)
		goto out;
	argv[MD_LUA_KEY(RATE_HIT_ONE, CUR)] = md_buf_str(&a.cur);
	argv[MD_LUA_KEY(RATE_HIT_ONE, PREV)] = md_buf_str(&a.prev);
	argv[MD_LUA_ARG(RATE_HIT_ONE, LIMIT)] = a.limit;
	argv[MD_LUA_ARG(RATE_HIT_ONE, WEIGHT)] = a.weight;
	argv[MD_LUA_ARG(RATE_HIT_ONE, TTL)] = a.ttl;
	rep = md_redis_eval(r, &md_lua_rate_hit_one, MD_LUA_NKEYS(RATE_HIT_ONE),
	    MD_LUA_ARGC(RATE_HIT_ONE), argv, NULL);
	rc = rep != NULL && rep->type == REDIS_REPLY_INTEGER ? rep->integer == 1 : -1;
out:
	if (rep != NULL)
		freeReplyObject(rep);
	md_ratelimit_args_free(&a);
	return rc;
}

double
md_ratelimit_peek(struct md_redis *r, const char *kind, const char *id,
    const struct md_rate *rate, long now)
{
	md_buf cur = MD_BUF_INIT, prev = MD_BUF_INIT;
	redisReply *rep = NULL;
	double w, est = -1;

	if (rate == NULL || rate->count <= 0 || rate->seconds <= 0)
		return 0;
	if (window_keys(r, kind, id, rate, now, &cur, &prev, &w) < 0)
		goto out;
	rep = md_redis_cmd(r, "MGET %s %s", md_buf_str(&cur), md_buf_str(&prev));
	if (rep != NULL && rep->type == REDIS_REPLY_ARRAY && rep->elements == 2)
		est = (double)md_reply_int(rep->element[0], 0) +
		    (double)md_reply_int(rep->element[1], 0) * w;
out:
	if (rep != NULL)
		freeReplyObject(rep);
	md_buf_free(&cur);
	md_buf_free(&prev);
	return est;
}
