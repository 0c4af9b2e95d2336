/*
 * inbox_group.h - the consumer side of the inbox stream: every command of
 * the consumer-group protocol the worker speaks, in one place.
 *
 * The worker (worker/inbox.c) decides what to do with entries; this file
 * only knows how to read, claim, count and leave.  A reply error NOGROUP
 * (the stream or group was deleted by hand) sets *nogroup, and the caller
 * creates the group again with md_group_ensure().  stream is the full
 * key, "<redis_prefix>" MD_STREAM_INBOX (stream_names.h).
 */
#ifndef MD_INBOX_GROUP_H
#define MD_INBOX_GROUP_H

#include <stddef.h>

#include "redis.h"

/* Creates the group (and the stream) if missing: 0, or -1 (err). */
int	md_group_ensure(struct md_redis *r, const char *stream, char *err, size_t errlen);

/*
 * XREADGROUP for consumer: history = 1 re-reads its own pending entries
 * (after a crash), else waits up to block_ms for new ones.  Returns the
 * reply (NIL when nothing came; freeReplyObject it), or NULL on trouble
 * (md_redis_errstr(r)).
 */
redisReply *md_group_read(struct md_redis *r, const char *stream,
	    const char *consumer, int history, int count, int block_ms, int *nogroup);

/* The [[stream, [entries]]] of a read: the entries array, or NULL if none. */
const redisReply *md_group_read_entries(const redisReply *rep);

/*
 * One XAUTOCLAIM page from *cursor (start with "0-0"): the reply (free
 * it), with *entries pointing into it and cursor advanced ("0-0" when the
 * pending list was walked through); NULL on trouble.
 */
redisReply *md_group_autoclaim(struct md_redis *r, const char *stream,
	    const char *consumer, int idle_ms, char *cursor, size_t cursorlen, int count,
	    const redisReply **entries, int *nogroup);

/* How often entry id was delivered (XPENDING), 0 if unknown. */
long	md_group_deliveries(struct md_redis *r, const char *stream, const char *id);

/* Acknowledges an entry that was deleted while pending (nothing to file). */
void	md_group_ack_gone(struct md_redis *r, const char *stream, const char *id);

/* Removes consumer from the group when nothing is pending on it. */
void	md_group_leave(struct md_redis *r, const char *stream, const char *consumer);

#endif
