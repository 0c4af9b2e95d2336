/*
 * inbox_group.c - the consumer-group protocol on the inbox stream
 * (inbox_group.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
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
md_group_ensure(struct md_redis *r, char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep = NULL;
	int ok;

	if (md_key(r, &key, MD_STREAM_INBOX) != NULL)
		rep = md_redis_cmd(r, "XGROUP CREATE %s " MD_GROUP_WORKERS " 0 MKSTREAM",
		    md_buf_str(&key));
	ok = rep != NULL && (rep->type != REDIS_REPLY_ERROR ||
	    strncmp(rep->str, "BUSYGROUP", 9) == 0);
	if (!ok)
		snprintf(err, errlen, "cannot create consumer group " MD_GROUP_WORKERS
		    " on %s: %s", md_buf_str(&key), md_redis_errstr(r));
	if (rep != NULL)
		freeReplyObject(rep);
	md_buf_free(&key);
	return ok ? 0 : -1;
}

redisReply *
md_group_read(struct md_redis *r, const char *consumer, int history, int count,
    int block_ms, int *nogroup)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep = NULL;

	if (md_key(r, &key, MD_STREAM_INBOX) == NULL)
		return NULL;
	if (history)
		rep = md_redis_cmd(r, "XREADGROUP GROUP " MD_GROUP_WORKERS
		    " %s COUNT %d STREAMS %s 0", consumer, count, md_buf_str(&key));
	else
		rep = md_redis_cmd(r, "XREADGROUP GROUP " MD_GROUP_WORKERS
		    " %s COUNT %d BLOCK %d STREAMS %s >", consumer, count, block_ms,
		    md_buf_str(&key));
	md_buf_free(&key);
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
md_group_autoclaim(struct md_redis *r, const char *consumer, int idle_ms, char *cursor,
    size_t cursorlen, int count, const redisReply **entries, int *nogroup)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep = NULL;

	if (md_key(r, &key, MD_STREAM_INBOX) != NULL)
		rep = md_redis_cmd(r, "XAUTOCLAIM %s " MD_GROUP_WORKERS " %s %d %s COUNT %d",
		    md_buf_str(&key), consumer, idle_ms, cursor, count);
	md_buf_free(&key);
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
md_group_deliveries(struct md_redis *r, const char *id)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep = NULL;
	long n = 0;

	if (md_key(r, &key, MD_STREAM_INBOX) != NULL)
		rep = md_redis_cmd(r, "XPENDING %s " MD_GROUP_WORKERS " %s %s 1",
		    md_buf_str(&key), id, id);
	if (rep != NULL && rep->type == REDIS_REPLY_ARRAY && rep->elements == 1 &&
	    rep->element[0]->type == REDIS_REPLY_ARRAY && rep->element[0]->elements == 4)
		n = (long)md_reply_int(rep->element[0]->element[3], 0);
	if (rep != NULL)
		freeReplyObject(rep);
	md_buf_free(&key);
	return n;
}

void
md_group_ack_gone(struct md_redis *r, const char *id)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep = NULL;

	if (md_key(r, &key, MD_STREAM_INBOX) != NULL)
		rep = md_redis_cmd(r, "XACK %s " MD_GROUP_WORKERS " %s", md_buf_str(&key), id);
	if (rep != NULL)
		freeReplyObject(rep);
	md_buf_free(&key);
}

void
md_group_leave(struct md_redis *r, const char *consumer)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep = NULL;
	long pending = -1;

	if (md_key(r, &key, MD_STREAM_INBOX) == NULL)
		return;
	rep = md_redis_cmd(r, "XPENDING %s " MD_GROUP_WORKERS " - + 1 %s",
	    md_buf_str(&key), consumer);
	if (rep != NULL && rep->type == REDIS_REPLY_ARRAY)
		pending = (long)rep->elements;
	if (rep != NULL)
		freeReplyObject(rep);
	/* DELCONSUMER would drop pending entries: only an idle consumer goes. */
	if (pending == 0 && (rep = md_redis_cmd(r, "XGROUP DELCONSUMER %s " MD_GROUP_WORKERS
	    " %s", md_buf_str(&key), consumer)) != NULL)
		freeReplyObject(rep);
	md_buf_free(&key);
}
