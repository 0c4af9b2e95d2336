/*
 * rcpt_gate.c - the RCPT-time Redis checks as one script (see rcpt_gate.h).
 */
#include "config.h"

#include <string.h>

#include "lists.h"
#include "ratelimit.h"
#include "rcpt_gate.h"

/*
 * KEYS: ip cur/prev, sender cur/prev, block, allow, project cur/prev
 * (unused ones ""); ARGV: ip limit/weight/ttl, sender limit/weight/ttl,
 * address ("" = no list lookup), parent domains, project limit/weight/ttl.
 * A limit of 0 skips that rate.  Returns {list, over}.
 */
static struct md_script gate_script = {
	MD_RATELIMIT_LUA
	MD_LISTS_LUA
	"local function rate(k, a)\n"
	"  return tonumber(ARGV[a]) > 0 and\n"
	"    rate_hit(KEYS[k], KEYS[k + 1], ARGV[a], ARGV[a + 1], ARGV[a + 2]) == 1\n"
	"end\n"
	"if rate(1, 1) then return {0, 1} end\n"
	"if rate(3, 4) then return {0, 2} end\n"
	"local l = 0\n"
	"if ARGV[7] ~= '' then l = listed(KEYS[5], KEYS[6], ARGV[7], tonumber(ARGV[8])) end\n"
	"if l == 1 then return {1, 0} end\n"
	"if rate(7, 9) then return {l, 3} end\n"
	"return {l, 0}\n",
	""
};

static void
put_rate(const struct md_rate_args *a, const char **keys, const char **args)
{
	keys[0] = md_buf_str(&a->cur) != NULL ? md_buf_str(&a->cur) : "";
	keys[1] = md_buf_str(&a->prev) != NULL ? md_buf_str(&a->prev) : "";
	args[0] = a->limit;
	args[1] = a->weight;
	args[2] = a->ttl;
}

int
md_rcpt_gate(struct md_redis *r, const struct md_gate_req *q, struct md_gate_res *res)
{
	struct md_rate_args ip, snd, proj;
	struct md_lists_args la;
	const char *argv[8 + 11];
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
	put_rate(&ip, argv, argv + 8);
	put_rate(&snd, argv + 2, argv + 11);
	argv[4] = md_buf_str(&la.block) != NULL ? md_buf_str(&la.block) : "";
	argv[5] = md_buf_str(&la.allow) != NULL ? md_buf_str(&la.allow) : "";
	argv[14] = la.addr;
	argv[15] = la.maxlabels;
	put_rate(&proj, argv + 6, argv + 16);
	rep = md_redis_eval(r, &gate_script, 8, 8 + 11, argv, NULL);
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
