/*
 * rcpt_gate.h - every Redis check of a desk recipient in one round trip.
 *
 * At RCPT time the milter used to ask Redis four times per desk message:
 * rate per client address, rate per sender, block/allow lists, rate per
 * project.  Each is a round trip while Postfix waits for the RCPT reply.
 * md_rcpt_gate() runs them as one script with the same semantics and the
 * same order as the separate calls (ratelimit.h, lists.h):
 *
 *   1. client and sender rates (only those asked for; the milter asks at
 *      the first desk recipient of a message): the first one over its
 *      limit ends the script; a refused attempt is not counted;
 *   2. the block/allow lists of the recipient's project: a block ends it;
 *   3. the project rate (when asked for), also for allow-listed senders.
 *
 * All keys are passed as KEYS.
 */
#ifndef MD_RCPT_GATE_H
#define MD_RCPT_GATE_H

#include "conf.h"
#include "lua.h"
#include "redis.h"

struct md_gate_req {
	const char		*client_ip;	/* "" when unknown */
	const char		*sender;	/* MAIL FROM, "" for <> */
	const char		*project;
	const struct md_rate	*rate_ip;	/* NULL: not counted now */
	const struct md_rate	*rate_sender;
	const struct md_rate	*rate_project;
	long			 now;		/* time(NULL) */
};

/* What lib/lua/rcpt_gate.lua answers (lib/lua/constants.def). */
enum md_gate_over {
	MD_GATE_UNDER = MD_LUA_GATE_UNDER,
	MD_GATE_OVER_IP = MD_LUA_GATE_OVER_IP,
	MD_GATE_OVER_SENDER = MD_LUA_GATE_OVER_SENDER,
	MD_GATE_OVER_PROJECT = MD_LUA_GATE_OVER_PROJECT,
};

struct md_gate_res {
	int			list;		/* MD_LIST_NONE, _BLOCK, _ALLOW */
	enum md_gate_over	over;
};

/* 0 with *res filled in, -1 on Redis trouble (md_redis_errstr(r)). */
int	md_rcpt_gate(struct md_redis *r, const struct md_gate_req *q,
	    struct md_gate_res *res);

#endif
