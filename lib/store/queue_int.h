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

/*
 * rep, which must be an array, and room for as many elements of elsize
 * bytes in *room (calloc'd; NULL when it is empty): 0, or -1 (err set,
 * rep freed).
 */
int	md_queue_array_room(struct md_redis *r, redisReply *rep, size_t elsize,
	    void **room, char *err, size_t errlen);

#endif
