/*
 * redis_int.h - what redis_cmd.c (commands) and redis_eval.c (scripts)
 * need of a connection that redis.c otherwise keeps to itself (lib only;
 * programs use redis.h).
 */
#ifndef MD_REDIS_INT_H
#define MD_REDIS_INT_H

#include "redis.h"

/* The live hiredis context; NULL while disconnected (and after md_redis_drop). */
redisContext	*md_redis_ctx(struct md_redis *r);

/* Connected, or a fresh attempt made unless inside the backoff window. */
int	md_redis_ensure(struct md_redis *r);

/*
 * Notes a reply read from the context: NULL forgets the context (it is
 * unusable), an error reply becomes md_redis_errstr(), and -READONLY makes
 * the next command reconnect.  Returns rep.
 */
redisReply	*md_redis_checked(struct md_redis *r, redisReply *rep);

/* Frees the context, with whatever sits unsent in its output buffer. */
void	md_redis_drop(struct md_redis *r);

/* md_redis_errstr() becomes "redis <endpoint>: " and the message. */
void	md_redis_set_err(struct md_redis *r, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
