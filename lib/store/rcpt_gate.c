/*
 * rcpt_gate.c - the RCPT-time Redis checks as one script (see rcpt_gate.h).
 */
#include "config.h"

#include <string.h>

#include "lists.h"
#include "lua.h"
#include "ratelimit.h"
#include "rcpt_gate.h"

/* One rate's keys and arguments into their named slots (lib/lua/rcpt_gate.lua). */
static void
put_rate(const struct md_rate_args *a, const char **cur, const char **prev,
    const char **limit, const char **weight, const char **ttl)
{
	*cur = md_buf_str(&a->cur);
	*prev = md_buf_str(&a->prev);
	*limit = a->limit;
	*weight = a->weight;
	*ttl = a->ttl;
}

#define GATE_RATE(a, who) put_rate(a, \
	&argv[MD_LUA_KEY(RCPT_GATE, who##_CUR)], &argv[MD_LUA_KEY(RCPT_GATE, who##_PREV)], \
	&argv[MD_LUA_ARG(RCPT_GATE, who##_LIMIT)], &argv[MD_LUA_ARG(RCPT_GATE, who##_WEIGHT)], \
	&argv[MD_LUA_ARG(RCPT_GATE, who##_TTL)])

int
md_rcpt_gate(struct md_redis *r, const struct md_gate_req *q, struct md_gate_res *res)
{
	struct md_rate_args ip, snd, proj;
	struct md_lists_args la;
	const char *argv[MD_LUA_ARGC(RCPT_GATE)];
	const char *sender = *q->sender != '\0' ? q->sender : "<>";
	redisReply *rep = NULL;
	int rc = -1, bad = 0;

	memset(res, 0, sizeof *res);
	/* Each call initialises its struct first, so all run before "out". */
	bad |= md_ratelimit_args(r, "ip", *q->client_ip ? q->client_ip : "<>",
	    q->rate_ip, q->now, &ip) < 0;
	bad |= md_ratelimit_args(r, "sender", sender, q->rate_sender, q->now, &snd) < 0;
	bad |= md_ratelimit_args(r, "project", q->project, q->rate_project, q->now,
	    &proj) < 0;
	bad |= md_lists_args(r, q->project, q->sender, &la) < 0;
	if (bad)
		goto out;
	rc = 0;
	if (strcmp(ip.limit, "0") == 0 && strcmp(snd.limit, "0") == 0 &&
	    strcmp(proj.limit, "0") == 0 && la.addr[0] == '\0')
		goto out;	/* nothing to ask Redis */
	rc = -1;
	GATE_RATE(&ip, IP);
	GATE_RATE(&snd, SENDER);
	GATE_RATE(&proj, PROJECT);
	argv[MD_LUA_KEY(RCPT_GATE, BLOCK)] = md_buf_str(&la.block);
	argv[MD_LUA_KEY(RCPT_GATE, ALLOW)] = md_buf_str(&la.allow);
	argv[MD_LUA_ARG(RCPT_GATE, ADDR)] = la.addr;
	argv[MD_LUA_ARG(RCPT_GATE, MAXLABELS)] = la.maxlabels;
	rep = md_redis_eval(r, &md_lua_rcpt_gate, MD_LUA_NKEYS(RCPT_GATE),
	    MD_LUA_ARGC(RCPT_GATE), argv, NULL);
	if (rep != NULL && rep->type == REDIS_REPLY_ARRAY && rep->elements == 2) {
		res->list = (int)md_reply_int(rep->element[0], 0);
		res->over = (enum md_gate_over)md_reply_int(rep->element[1], 0);
		rc = 0;
	}
out:
	if (rep != NULL)
		freeReplyObject(rep);
	md_ratelimit_args_free(&ip);
	md_ratelimit_args_free(&snd);
	md_ratelimit_args_free(&proj);
	md_lists_args_free(&la);
	return rc;
}
