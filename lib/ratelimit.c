/*
 * ratelimit.c - two-window sliding rate limits in Redis (see ratelimit.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ratelimit.h"

#define ID_MAX	128

/*
 * KEYS[1] current window, KEYS[2] previous window.
 * ARGV[1] limit, ARGV[2] weight of the previous window, ARGV[3] ttl.
 * Returns 1 (over, not counted) or 0 (counted).
 */
static struct md_script hit_script = {
	"local cur = tonumber(redis.call('GET', KEYS[1]) or '0')\n"
	"local prev = tonumber(redis.call('GET', KEYS[2]) or '0')\n"
	"if cur + prev * tonumber(ARGV[2]) >= tonumber(ARGV[1]) then return 1 end\n"
	"redis.call('INCR', KEYS[1])\n"
	"if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end\n"
	"return 0\n",
	""
};

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
md_ratelimit_hit(struct md_redis *r, const char *kind, const char *id,
    const struct md_rate *rate, long now)
{
	md_buf cur = MD_BUF_INIT, prev = MD_BUF_INIT;
	char limit[32], weight[32], ttl[32];
	const char *argv[5];
	redisReply *rep = NULL;
	double w;
	int rc = -1;

	if (rate == NULL || rate->count <= 0 || rate->seconds <= 0)
		return 0;
	if (window_keys(r, kind, id, rate, now, &cur, &prev, &w) < 0)
		goto out;
	snprintf(limit, sizeof limit, "%ld", rate->count);
	snprintf(weight, sizeof weight, "%.6f", w);
	snprintf(ttl, sizeof ttl, "%ld", rate->seconds * 2);
	argv[0] = md_buf_str(&cur);
	argv[1] = md_buf_str(&prev);
	argv[2] = limit;
	argv[3] = weight;
	argv[4] = ttl;
	rep = md_redis_eval(r, &hit_script, 2, 5, argv, NULL);
	if (rep != NULL && rep->type == REDIS_REPLY_INTEGER)
		rc = rep->integer == 1 ? 1 : 0;
out:
	if (rep != NULL)
		freeReplyObject(rep);
	md_buf_free(&cur);
	md_buf_free(&prev);
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
