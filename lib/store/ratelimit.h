/*
 * ratelimit.h - "N messages per S seconds" limits kept in Redis.
 *
 * Sliding window, estimated from two fixed windows (the Cloudflare /
 * Redis-cell style approximation): with window start w = now - now % S,
 *
 *	estimate = count(w) + count(w - S) * (1 - (now - w) / S)
 *
 * Counters live at <p>rate:<kind>:<id>:<window start> and expire by
 * themselves after 2*S seconds.  One Lua script reads both counters and
 * increments the current one, atomically, and only when the message is
 * allowed: a refused attempt is not counted, so a sender that retries later
 * gets through as soon as its estimate drops below the limit.
 *
 * kind is "ip", "sender" or "project" (any [a-z]+ works); id is lower-cased,
 * and ids longer than 128 bytes (or with control characters) are replaced
 * by "h:" + 16 hex digits of their FNV-1a hash, bounding key sizes.
 */
#ifndef MD_RATELIMIT_H
#define MD_RATELIMIT_H

#include <stddef.h>

#include "buf.h"
#include "conf.h"
#include "redis.h"

/*
 * Counts one message for (kind, id) at time now (seconds, time(NULL)).
 * Returns 1 over the limit (not counted), 0 allowed (counted), -1 on a
 * Redis error (md_redis_errstr(r)).  rate->count <= 0 or rate->seconds <= 0
 * disables the limit: 0 without touching Redis.
 */
int	md_ratelimit_hit(struct md_redis *r, const char *kind, const char *id,
	    const struct md_rate *rate, long now);

/*
 * For scripts that combine this check with others in one round trip
 * (rcpt_gate.c): the two window keys and the ARGV of one check.  Returns 1
 * filled in, 0 the limit is disabled (limit "0", no keys), -1 ENOMEM.
 */
struct md_rate_args {
	md_buf	cur, prev;
	char	limit[24], weight[24], ttl[24];
};
int	md_ratelimit_args(struct md_redis *r, const char *kind, const char *id,
	    const struct md_rate *rate, long now, struct md_rate_args *a);
void	md_ratelimit_args_free(struct md_rate_args *a);


/* Current estimate for (kind, id) without counting; -1 on error. */
double	md_ratelimit_peek(struct md_redis *r, const char *kind, const char *id,
	    const struct md_rate *rate, long now);

/* The normalized id as used in keys (lower case or "h:<hash>"). */
void	md_ratelimit_id(const char *id, char *out, size_t outlen);

#endif
