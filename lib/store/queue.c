/*
 * queue.c - the inbox stream and its dead letters (Redis), as the worker
 * and admins use them: backlog, pending entries, acknowledgement, dead
 * letters.
 *
 * A record that keeps failing is moved to <p>dead with the reason so the
 * inbox never blocks on it; "maildesk queue retry" has a worker put it back
 * unchanged once the cause (a missing project, a bug) is fixed
 * (queue_retry.c).  Issues themselves
 * live in PostgreSQL: nothing here touches the tracker of record.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lua.h"
#include "queue.h"
#include "queue_int.h"
#include "stream_names.h"

void
md_queue_redis_err(struct md_redis *r, const redisReply *rep, char *err, size_t errlen)
{
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR)
		snprintf(err, errlen, "redis: %s", rep->str);
	else if (rep != NULL)
		snprintf(err, errlen, "redis: unexpected reply (type %d)", rep->type);
	else
		snprintf(err, errlen, "%s", md_redis_errstr(r));
}

int
md_queue_array_room(struct md_redis *r, redisReply *rep, size_t elsize, void **room,
    char *err, size_t errlen)
{
	*room = NULL;
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
		md_queue_redis_err(r, rep, err, errlen);
		if (rep != NULL)
			freeReplyObject(rep);
		return -1;
	}
	if (rep->elements > 0 && (*room = calloc(rep->elements, elsize)) == NULL) {
		freeReplyObject(rep);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static long
xlen(struct md_redis *r, const char *name, int *failed)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	long v;

	rep = md_redis_cmd(r, "XLEN %s", md_key(r, &key, "%s", name));
	md_buf_free(&key);
	if (rep == NULL || rep->type != REDIS_REPLY_INTEGER)
		*failed = 1;
	v = (long)md_reply_int(rep, -1);
	if (rep != NULL)
		freeReplyObject(rep);
	return v;
}

/* XINFO GROUPS <p>stream, picking group; a missing stream is not an error. */
static int
group_stats(struct md_redis *r, const char *stream, const char *group,
    struct md_group_stats *g)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	size_t k, f;

	memset(g, 0, sizeof *g);
	g->consumers = -1;
	g->lag = -1;
	rep = md_redis_cmd(r, "XINFO GROUPS %s", md_key(r, &key, "%s", stream));
	md_buf_free(&key);
	if (rep == NULL)
		return -1;
	for (k = 0; rep->type == REDIS_REPLY_ARRAY && k < rep->elements; k++) {
		const redisReply *e = rep->element[k];
		struct md_group_stats s = { -1, 0, -1, "" };
		int match = 0;

		for (f = 0; e->type == REDIS_REPLY_ARRAY && f + 1 < e->elements; f += 2) {
			const char *n = e->element[f]->str;
			const redisReply *v = e->element[f + 1];

			if (n == NULL)
				continue;
			if (strcmp(n, "name") == 0)
				match = v->str != NULL && strcmp(v->str, group) == 0;
			else if (strcmp(n, "consumers") == 0)
				s.consumers = (long)md_reply_int(v, 0);
			else if (strcmp(n, "pending") == 0)
				s.pending = (long)md_reply_int(v, 0);
			else if (strcmp(n, "lag") == 0)
				s.lag = (long)md_reply_int(v, -1);
			else if (strcmp(n, "last-delivered-id") == 0 && v->str != NULL)
				snprintf(s.last_id, sizeof s.last_id, "%s", v->str);
		}
		if (match)
			*g = s;
	}
	freeReplyObject(rep);
	return 0;
}

int
md_queue_stats(struct md_redis *r, struct md_queue_stats *out, char *err, size_t errlen)
{
	int failed = 0;

	memset(out, 0, sizeof *out);
	out->inbox = xlen(r, MD_STREAM_INBOX, &failed);
	out->dead = xlen(r, MD_STREAM_DEAD, &failed);
	if (failed || group_stats(r, MD_STREAM_INBOX, MD_GROUP_WORKERS, &out->workers) < 0) {
		md_queue_redis_err(r, NULL, err, errlen);
		return -1;
	}
	return 0;
}

int
md_queue_pending(struct md_redis *r, size_t max, struct md_pending **out,
    size_t *n, char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	void *room;
	size_t k;

	*out = NULL;
	*n = 0;
	rep = md_redis_cmd(r, "XPENDING %s " MD_GROUP_WORKERS " - + %lu",
	    md_key(r, &key, MD_STREAM_INBOX),
	    (unsigned long)(max > 0 ? max : 100));
	md_buf_free(&key);
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR && strstr(rep->str, "NOGROUP")) {
		freeReplyObject(rep);
		return 0;	/* nobody ever consumed: nothing pending */
	}
	if (md_queue_array_room(r, rep, sizeof **out, &room, err, errlen) < 0)
		return -1;
	*out = room;
	for (k = 0; k < rep->elements; k++) {
		const redisReply *e = rep->element[k];
		struct md_pending *p = &(*out)[*n];

		if (e->type != REDIS_REPLY_ARRAY || e->elements != 4)
			continue;
		snprintf(p->id, sizeof p->id, "%s", e->element[0]->str);
		snprintf(p->consumer, sizeof p->consumer, "%s", e->element[1]->str);
		p->idle_ms = md_reply_int(e->element[2], 0);
		p->deliveries = (long)md_reply_int(e->element[3], 0);
		(*n)++;
	}
	freeReplyObject(rep);
	return 0;
}

void
md_dead_free(struct md_dead *d, size_t n)
{
	size_t k;

	for (k = 0; d != NULL && k < n; k++) {
		free(d[k].orig_id);
		free(d[k].error);
		free(d[k].project);
		free(d[k].kind);
		free(d[k].from);
		free(d[k].subject);
		free(d[k].received);
	}
	free(d);
}

static int
dead_from_entry(struct md_dead *d, const redisReply *e)
{
	char **const all[] = { &d->orig_id, &d->error, &d->project, &d->kind,
	    &d->from, &d->subject, &d->received };
	const char *const names[] = { "orig_id", "error", "project", "kind",
	    "from", "subject", "received" };
	const redisReply *f = e->element[1];
	size_t k, j;

	snprintf(d->id, sizeof d->id, "%s", e->element[0]->str);
	for (k = 0; f->type == REDIS_REPLY_ARRAY && k + 1 < f->elements; k += 2) {
		const char *n = f->element[k]->str;
		const redisReply *v = f->element[k + 1];

		if (strcmp(n, "failures") == 0)
			d->failures = (long)md_reply_int(v, 0);
		else if (strcmp(n, "dead_at") == 0)
			d->dead_at = (long)md_reply_int(v, 0);
		for (j = 0; j < sizeof all / sizeof all[0]; j++)
			if (*all[j] == NULL && strcmp(n, names[j]) == 0 &&
			    (*all[j] = md_strndup(v->str, v->len)) == NULL)
				return -1;
	}
	for (j = 0; j < sizeof all / sizeof all[0]; j++)
		if (*all[j] == NULL && (*all[j] = strdup("")) == NULL)
			return -1;
	return 0;
}

int
md_queue_dead(struct md_redis *r, size_t max, struct md_dead **out, size_t *n,
    char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	size_t k;
	int rc = 0;

	*out = NULL;
	*n = 0;
	rep = md_redis_cmd(r, "XRANGE %s - + COUNT %lu", md_key(r, &key, MD_STREAM_DEAD),
	    (unsigned long)(max > 0 ? max : 100));
	md_buf_free(&key);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
		md_queue_redis_err(r, rep, err, errlen);
		rc = -1;
	} else if (rep->elements > 0 &&
	    (*out = calloc(rep->elements, sizeof **out)) == NULL) {
		rc = -1;
		snprintf(err, errlen, "out of memory");
	}
	for (k = 0; rc == 0 && k < rep->elements; k++) {
		const redisReply *e = rep->element[k];

		if (e->type != REDIS_REPLY_ARRAY || e->elements != 2)
			continue;
		(*n)++;
		if (dead_from_entry(&(*out)[*n - 1], e) < 0) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
	}
	if (rep != NULL)
		freeReplyObject(rep);
	if (rc < 0) {
		md_dead_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int
md_queue_bury(struct md_redis *r, const char *entry_id, const char *error,
    long failures, char *err, size_t errlen)
{
	md_buf inbox = MD_BUF_INIT, dead = MD_BUF_INIT;
	char fl[32], now[32];
	const char *argv[MD_LUA_ARGC(QUEUE_BURY)];
	redisReply *rep = NULL;
	int rc = -1;

	snprintf(fl, sizeof fl, "%ld", failures);
	snprintf(now, sizeof now, "%lld", (long long)time(NULL));
	argv[MD_LUA_KEY(QUEUE_BURY, INBOX)] = md_key(r, &inbox, MD_STREAM_INBOX);
	argv[MD_LUA_KEY(QUEUE_BURY, DEAD)] = md_key(r, &dead, MD_STREAM_DEAD);
	argv[MD_LUA_ARG(QUEUE_BURY, ID)] = entry_id;
	argv[MD_LUA_ARG(QUEUE_BURY, ERROR)] = error != NULL ? error : "";
	argv[MD_LUA_ARG(QUEUE_BURY, FAILURES)] = fl;
	argv[MD_LUA_ARG(QUEUE_BURY, NOW)] = now;
	if (md_buf_failed(&inbox) || md_buf_failed(&dead))
		snprintf(err, errlen, "out of memory");
	else if ((rep = md_redis_eval(r, &md_lua_queue_bury,
	    MD_LUA_NKEYS(QUEUE_BURY), MD_LUA_ARGC(QUEUE_BURY), argv, NULL)) == NULL ||
	    rep->type != REDIS_REPLY_INTEGER)
		md_queue_redis_err(r, rep, err, errlen);
	else
		rc = 0;
	if (rep != NULL)
		freeReplyObject(rep);
	md_buf_free(&inbox);
	md_buf_free(&dead);
	return rc;
}

int
md_queue_ack(struct md_redis *r, const char *const *ids, size_t n, char *err,
    size_t errlen)
{
	md_buf inbox = MD_BUF_INIT;
	const char **argv;
	redisReply *rep = NULL;
	size_t k;
	int rc = -1;

	if (n == 0)
		return 0;
	if ((argv = calloc(MD_LUA_ARGC(QUEUE_ACK) + n, sizeof *argv)) == NULL ||
	    (argv[MD_LUA_KEY(QUEUE_ACK, INBOX)] = md_key(r, &inbox, MD_STREAM_INBOX)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(argv);
		md_buf_free(&inbox);
		return -1;
	}
	for (k = 0; k < n; k++)
		argv[MD_LUA_ARG(QUEUE_ACK, IDS) + k] = ids[k];
	if ((rep = md_redis_eval(r, &md_lua_queue_ack, MD_LUA_NKEYS(QUEUE_ACK),
	    MD_LUA_ARGC(QUEUE_ACK) + (int)n, argv, NULL)) == NULL ||
	    rep->type != REDIS_REPLY_INTEGER)
		md_queue_redis_err(r, rep, err, errlen);
	else
		rc = 0;
	if (rep != NULL)
		freeReplyObject(rep);
	free(argv);
	md_buf_free(&inbox);
	return rc;
}
