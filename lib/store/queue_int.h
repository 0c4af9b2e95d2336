/*
 * queue_int.h - what queue.c and queue_retry.c share, for them only.
 */
#ifndef MD_QUEUE_INT_H
#define MD_QUEUE_INT_H

#include <stddef.h>

#include "redis.h"

/* err = why rep (NULL: the connection failed) is not the answer expected. */
void	md_queue_redis_err(struct md_redis *r, const redisReply *rep, char *err,
	    size_t errlen);

#endif
