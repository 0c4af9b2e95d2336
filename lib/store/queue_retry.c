/*
 * queue_retry.c - "maildesk queue retry": the CLI asks, a worker moves.
 *
 * Putting a dead record back means writing the inbox, which only the
 * milter (new mail) and the worker may do: the CLI's Redis user may not,
 * so that a stolen CLI credential cannot inject records that look as if
 * they came through the milter's checks.  The CLI therefore appends a
 * request to <p>retry, after checking that the record is dead so that a
 * typo is answered at once; the worker serves the requests in its loop
 * with one Lua script per round (lib/lua/queue_retry.lua), which moves the
 * records, writes the outcome to <p>retry:<request id> and removes the
 * request, atomically: a record asked for twice, or a request two workers
 * see, moves once, and the second request reads "not dead".  The CLI
 * polls the outcome; a request no worker has served yet stays, and
 * nothing is lost either way.  --all moves at most 100 records per call,
 * one call per worker step, so a long dead stream does not hold up inbox
 * reads; the count in the outcome grows meanwhile.  A request Redis keeps
 * refusing (md_queue_retry_fail) is given up rather than retried forever.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "queue.h"
#include "queue_int.h"
#include "stream_names.h"

#define SERVE_ROUND	"100"	/* records per script call of an --all request */

/* The id of the first entry of an XRANGE/XREVRANGE reply into id, or "". */
static void
first_entry_id(const redisReply *rep, char *id, size_t idlen)
{
	*id = '\0';
	if (rep->elements >= 1 && rep->element[0]->type == REDIS_REPLY_ARRAY &&
	    rep->element[0]->elements == 2 &&
	    rep->element[0]->element[0]->type == REDIS_REPLY_STRING)
		snprintf(id, idlen, "%s", rep->element[0]->element[0]->str);
}

/*
 * The dead record dead_id, or (NULL) the newest one: its id into found
 * ("" when there is none).  0 or -1.
 */
static int
find_dead(struct md_redis *r, const char *dead_id, char *found, size_t foundlen,
    char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	int rc = -1;

	if (dead_id != NULL)
		rep = md_redis_cmd(r, "XRANGE %s %s %s", md_key(r, &key, MD_STREAM_DEAD),
		    dead_id, dead_id);
	else
		rep = md_redis_cmd(r, "XREVRANGE %s + - COUNT 1",
		    md_key(r, &key, MD_STREAM_DEAD));
	md_buf_free(&key);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
		md_queue_redis_err(r, rep, err, errlen);
	} else {
		first_entry_id(rep, found, foundlen);
		rc = 0;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

int
md_queue_retry_ask(struct md_redis *r, const char *dead_id, char *req,
    size_t reqlen, char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	char found[64];
	int rc = -1;

	*req = '\0';
	if (find_dead(r, dead_id, found, sizeof found, err, errlen) < 0)
		return -1;
	if (*found == '\0') {
		if (dead_id != NULL)
			snprintf(err, errlen, "no dead record %s", dead_id);
		else
			snprintf(err, errlen, "no dead records");
		return MD_QUEUE_NOTFOUND;
	}
	rep = md_redis_cmd(r, "XADD %s * %s %s", md_key(r, &key, MD_QUEUE_RETRY_KEY),
	    dead_id != NULL ? "id" : "upto", found);
	md_buf_free(&key);
	if (rep == NULL || rep->type != REDIS_REPLY_STRING) {
		md_queue_redis_err(r, rep, err, errlen);
	} else {
		snprintf(req, reqlen, "%s", rep->str);
		rc = 0;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

static enum md_retry_state
state_of(const char *s)
{
	if (strcmp(s, "done") == 0)
		return MD_RETRY_DONE;
	if (strcmp(s, "nosuch") == 0)
		return MD_RETRY_NOSUCH;
	if (strcmp(s, "gone") == 0)
		return MD_RETRY_GONE;
	if (strcmp(s, "failed") == 0)
		return MD_RETRY_FAILED;
	return MD_RETRY_BAD;
}

/*
 * A string reply into out.  One that does not fit is not cut short (a
 * stream id cut short can be another valid id): out gets its start and
 * "...", which is no stream id, for the script to call malformed and the
 * log to show.  outlen must be at least 4.
 */
static void
copy_str(const redisReply *v, char *out, size_t outlen)
{
	if (v->type != REDIS_REPLY_STRING)
		return;
	if (snprintf(out, outlen, "%s", v->str) >= (int)outlen)
		memcpy(out + outlen - 4, "...", 4);
}

/*
 * [state, count, new_id, error], as HMGET of an outcome or the script
 * return it, into out (no state, a nil: MD_RETRY_WAITING); rep is freed.
 * 0, 1 when the script says "more" (call again; count so far), or -1.
 * count is written with each round of the script, state once at the end.
 */
static int
outcome_reply(struct md_redis *r, redisReply *rep, struct md_retry_outcome *out,
    char *err, size_t errlen)
{
	int rc = -1;

	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements < 1) {
		md_queue_redis_err(r, rep, err, errlen);
	} else if (rep->element[0]->type == REDIS_REPLY_STRING &&
	    strcmp(rep->element[0]->str, "more") == 0) {
		if (rep->elements > 1)
			out->count = (long)md_reply_int(rep->element[1], 0);
		rc = 1;
	} else {
		if (rep->element[0]->type == REDIS_REPLY_STRING)
			out->state = state_of(rep->element[0]->str);
		if (rep->elements > 1)
			out->count = (long)md_reply_int(rep->element[1], 0);
		if (rep->elements > 2)
			copy_str(rep->element[2], out->new_id, sizeof out->new_id);
		if (rep->elements > 3)
			copy_str(rep->element[3], out->error, sizeof out->error);
		rc = 0;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

int
md_queue_retry_outcome(struct md_redis *r, const char *req,
    struct md_retry_outcome *out, char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;

	memset(out, 0, sizeof *out);
	rep = md_redis_cmd(r, "HMGET %s state count new_id error",
	    md_key(r, &key, MD_QUEUE_RETRY_KEY ":%s", req));
	md_buf_free(&key);
	return outcome_reply(r, rep, out, err, errlen) < 0 ? -1 : 0;
}

/* One [id, [field, value ...]] entry of <p>retry into q: 0, or -1 if malformed. */
static int
request_from_entry(struct md_retry_request *q, const redisReply *e)
{
	const redisReply *f;
	size_t k;

	memset(q, 0, sizeof *q);
	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
	    e->element[0]->type != REDIS_REPLY_STRING ||
	    e->element[1]->type != REDIS_REPLY_ARRAY)
		return -1;
	snprintf(q->id, sizeof q->id, "%s", e->element[0]->str);
	f = e->element[1];
	for (k = 0; k + 1 < f->elements; k += 2) {
		if (f->element[k]->type != REDIS_REPLY_STRING)
			continue;
		if (strcmp(f->element[k]->str, "id") == 0)
			copy_str(f->element[k + 1], q->dead_id, sizeof q->dead_id);
		else if (strcmp(f->element[k]->str, "upto") == 0)
			copy_str(f->element[k + 1], q->upto, sizeof q->upto);
	}
	return 0;
}

int
md_queue_retry_requests(struct md_redis *r, size_t max,
    struct md_retry_request **out, size_t *n, char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	void *room;
	size_t k;

	*out = NULL;
	*n = 0;
	rep = md_redis_cmd(r, "XRANGE %s - + COUNT %lu",
	    md_key(r, &key, MD_QUEUE_RETRY_KEY), (unsigned long)(max > 0 ? max : 10));
	md_buf_free(&key);
	if (md_queue_array_room(r, rep, sizeof **out, &room, err, errlen) < 0)
		return -1;
	*out = room;
	for (k = 0; k < rep->elements; k++)
		if (request_from_entry(&(*out)[*n], rep->element[k]) == 0)
			(*n)++;
	freeReplyObject(rep);
	return 0;
}

/*
 * Whether an error reply is about the request itself: a Lua error (ERR)
 * or one of its keys of the wrong type.  Others (OOM, BUSY, LOADING,
 * READONLY, NOPERM ...) are Redis not serving anyone just now, or not
 * set up for it: every request would meet them, none is to blame.
 */
static int
refused(const redisReply *rep)
{
	return rep != NULL && rep->type == REDIS_REPLY_ERROR &&
	    (strncmp(rep->str, "ERR ", 4) == 0 || strncmp(rep->str, "WRONGTYPE ", 10) == 0);
}

/* One round of the script: 1 more to do, 0 finished (*out set), -1 or MD_QUEUE_REFUSED. */
static int
serve_round(struct md_redis *r, const char **argv,
    struct md_retry_outcome *out, char *err, size_t errlen)
{
	redisReply *rep;
	int blame, rc;

	rep = md_redis_eval(r, &md_lua_queue_retry, MD_LUA_NKEYS(QUEUE_RETRY),
	    MD_LUA_ARGC(QUEUE_RETRY), argv, NULL);
	blame = refused(rep);
	rc = outcome_reply(r, rep, out, err, errlen);	/* frees rep */
	return rc < 0 && blame ? MD_QUEUE_REFUSED : rc;
}

int
md_queue_retry_serve(struct md_redis *r, const struct md_retry_request *q,
    struct md_retry_outcome *out, char *err, size_t errlen)
{
	md_buf dead = MD_BUF_INIT, inbox = MD_BUF_INIT, reqs = MD_BUF_INIT, res = MD_BUF_INIT;
	const char *argv[MD_LUA_ARGC(QUEUE_RETRY)];
	char ttl[32];
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(ttl, sizeof ttl, "%d", MD_QUEUE_RETRY_TTL);
	argv[MD_LUA_KEY(QUEUE_RETRY, DEAD)] = md_key(r, &dead, MD_STREAM_DEAD);
	argv[MD_LUA_KEY(QUEUE_RETRY, INBOX)] = md_key(r, &inbox, MD_STREAM_INBOX);
	argv[MD_LUA_KEY(QUEUE_RETRY, REQUESTS)] = md_key(r, &reqs, MD_QUEUE_RETRY_KEY);
	argv[MD_LUA_KEY(QUEUE_RETRY, RESULT)] = md_key(r, &res, MD_QUEUE_RETRY_KEY ":%s",
	    q->id);
	argv[MD_LUA_ARG(QUEUE_RETRY, REQ)] = q->id;
	argv[MD_LUA_ARG(QUEUE_RETRY, ID)] = q->dead_id;
	argv[MD_LUA_ARG(QUEUE_RETRY, UPTO)] = q->upto;
	argv[MD_LUA_ARG(QUEUE_RETRY, MAX)] = SERVE_ROUND;
	argv[MD_LUA_ARG(QUEUE_RETRY, TTL)] = ttl;
	if (md_buf_failed(&dead) || md_buf_failed(&inbox) || md_buf_failed(&reqs) ||
	    md_buf_failed(&res)) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	} else {
		/*
		 * One round per call: the caller comes back for the rest.  The
		 * rounds end: records buried meanwhile have ids after upto.
		 */
		rc = serve_round(r, argv, out, err, errlen);
	}
	md_buf_free(&dead);
	md_buf_free(&inbox);
	md_buf_free(&reqs);
	md_buf_free(&res);
	return rc;
}

int
md_queue_retry_fail(struct md_redis *r, const char *req, const char *why,
    char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	int rc = -1;

	/*
	 * Best effort: the result key may be what made the request fail (not
	 * a hash); the worker's Redis user may not delete it, and the CLI
	 * then reports Redis's error on reading it.  The request goes anyway.
	 */
	rep = md_redis_cmd(r, "HSET %s state failed error %s",
	    md_key(r, &key, MD_QUEUE_RETRY_KEY ":%s", req), why);
	if (rep != NULL && rep->type == REDIS_REPLY_INTEGER) {
		freeReplyObject(rep);
		rep = md_redis_cmd(r, "EXPIRE %s %d", md_key(r, &key,
		    MD_QUEUE_RETRY_KEY ":%s", req), MD_QUEUE_RETRY_TTL);
	}
	if (rep == NULL) {
		md_queue_redis_err(r, rep, err, errlen);
		md_buf_free(&key);
		return -1;
	}
	freeReplyObject(rep);
	rep = md_redis_cmd(r, "XDEL %s %s", md_key(r, &key, MD_QUEUE_RETRY_KEY), req);
	md_buf_free(&key);
	if (rep == NULL || rep->type != REDIS_REPLY_INTEGER)
		md_queue_redis_err(r, rep, err, errlen);
	else
		rc = 0;
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}
