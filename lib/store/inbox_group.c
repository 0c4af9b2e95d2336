/*
 * inbox_group.c - the consumer-group protocol on the inbox stream
 * (inbox_group.h).  The caller names the stream (<prefix>inbox, built
 * once at start-up) so that no call formats the key again.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "inbox_group.h"
#include "stream_names.h"

/* Reply error "NOGROUP ...": the group or the stream is gone. */
static void
note_nogroup(const redisReply *rep, int *nogroup)
{
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR && nogroup != NULL &&
	    strstr(rep->str, "NOGROUP") != NULL)
		*nogroup = 1;
}

int
md_group_ensure(struct md_redis *r, const char *stream, char *err, size_t errlen)
{
	redisReply *rep;
	int ok;

	rep = md_redis_cmd(r, "XGROUP CREATE %s " MD_GROUP_WORKERS " 0 MKSTREAM", stream);
	ok = rep != NULL && (rep->type != REDIS_REPLY_ERROR ||
	    strncmp(rep->str, "BUSYGROUP", 9) == 0);
	if (!ok)
		snprintf(err, errlen, "cannot create consumer group " MD_GROUP_WORKERS
		    " on %s: %s", stream, md_redis_errstr(r));
	if (rep != NULL)
		freeReplyObject(rep);
	return ok ? 0 : -1;
}

redisReply *
md_group_read(struct md_redis *r, const char *stream, const char *consumer,
    int history, int count, int block_ms, int *nogroup)
{
	redisReply *rep;

	if (history)
		rep = md_redis_cmd(r, "XREADGROUP GROUP " MD_GROUP_WORKERS
		    " %s COUNT %d STREAMS %s 0", consumer, count, stream);
	else
		rep = md_redis_cmd(r, "XREADGROUP GROUP " MD_GROUP_WORKERS
		    " %s COUNT %d BLOCK %d STREAMS %s >", consumer, count, block_ms,
		    stream);
	note_nogroup(rep, nogroup);
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR) {
		freeReplyObject(rep);
		return NULL;
	}
	return rep;
}

const redisReply *
md_group_read_entries(const redisReply *rep)
{
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 1 ||
	    rep->element[0]->type != REDIS_REPLY_ARRAY ||
	    rep->element[0]->elements != 2 ||
	    rep->element[0]->element[1]->type != REDIS_REPLY_ARRAY ||
	    rep->element[0]->element[1]->elements == 0)
		return NULL;
	return rep->element[0]->element[1];
}

redisReply *
md_group_autoclaim(struct md_redis *r, const char *stream, const char *consumer,
    int idle_ms, char *cursor, size_t cursorlen, int count, const redisReply **entries,
    int *nogroup)
{
	redisReply *rep;

	rep = md_redis_cmd(r, "XAUTOCLAIM %s " MD_GROUP_WORKERS " %s %d %s COUNT %d",
	    stream, consumer, idle_ms, cursor, count);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements < 2 ||
	    rep->element[0]->type != REDIS_REPLY_STRING ||
	    rep->element[1]->type != REDIS_REPLY_ARRAY) {
		note_nogroup(rep, nogroup);
		if (rep != NULL)
			freeReplyObject(rep);
		return NULL;
	}
	snprintf(cursor, cursorlen, "%s", rep->element[0]->str);
	*entries = rep->element[1];
	return rep;
}

long
md_group_deliveries(struct md_redis *r, const char *stream, const char *id)
{
	redisReply *rep;
	long n = 0;

	rep = md_redis_cmd(r, "XPENDING %s " MD_GROUP_WORKERS " %s %s 1", stream, id, id);
	if (rep != NULL && rep->type == REDIS_REPLY_ARRAY && rep->elements == 1 &&
	    rep->element[0]->type == REDIS_REPLY_ARRAY && rep->element[0]->elements == 4)
		n = (long)md_reply_int(rep->element[0]->element[3], 0);
	if (rep != NULL)
		freeReplyObject(rep);
	return n;
}

void
md_group_ack_gone(struct md_redis *r, const char *stream, const char *id)
{
	redisReply *rep;

	rep = md_redis_cmd(r, "XACK %s " MD_GROUP_WORKERS " %s", stream, id);
	if (rep != NULL)
		freeReplyObject(rep);
}

void
md_group_leave(struct md_redis *r, const char *stream, const char *consumer)
{
	redisReply *rep;
	long pending = -1;

	rep = md_redis_cmd(r, "XPENDING %s " MD_GROUP_WORKERS " - + 1 %s", stream, consumer);
	if (rep != NULL && rep->type == REDIS_REPLY_ARRAY)
		pending = (long)rep->elements;
	if (rep != NULL)
		freeReplyObject(rep);
	/* DELCONSUMER would drop pending entries: only an idle consumer goes. */
	if (pending == 0 && (rep = md_redis_cmd(r, "XGROUP DELCONSUMER %s " MD_GROUP_WORKERS
	    " %s", stream, consumer)) != NULL)
		freeReplyObject(rep);
}
