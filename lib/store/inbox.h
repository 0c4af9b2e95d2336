/*
 * inbox.h - append accepted messages to the inbox stream, all or nothing.
 *
 * The milter may only answer 250 once every record of a message is in Redis.
 * One Lua call checks the backlog (XLEN) and XADDs every record, so a message
 * for three desk recipients is either three entries or none: a lost
 * connection halfway never leaves part of a message behind.
 */
#ifndef MD_INBOX_H
#define MD_INBOX_H

#include <stddef.h>

#include "record.h"
#include "redis.h"

enum md_inbox_result {
	MD_INBOX_OK = 0,
	MD_INBOX_FULL = 1,	/* backlog over the limit: tempfail, do not write */
	MD_INBOX_ERROR = -1	/* Redis unreachable, timed out or refused */
};

/*
 * XADDs n records to <p>inbox unless XLEN >= max_backlog.  On success the
 * stream ids are written to ids[i] (char[32] each) when ids is not NULL.
 * err receives a one-line reason on failure.
 */
enum md_inbox_result md_inbox_append(struct md_redis *r, long max_backlog,
	    struct md_record *const *recs, size_t n, char (*ids)[32],
	    char *err, size_t errlen);

#endif
