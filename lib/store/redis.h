/*
 * redis.h - a hiredis (0.14) connection with timeouts, auth and reconnect.
 *
 * hiredis leaves a context unusable after any I/O error or timeout; this
 * wrapper notices (NULL reply), frees the context and reconnects on the next
 * command, re-applying the command timeout, keepalive, AUTH and SELECT that
 * redisReconnect() in 0.14 forgets.  A struct md_redis is not thread safe:
 * one per thread, or borrow one from a struct md_redis_pool.  Programs must
 * ignore SIGPIPE (hiredis writes to a socket the server may have closed).
 */
#ifndef MD_REDIS_H
#define MD_REDIS_H

#include <stddef.h>
#include <hiredis.h>

#include "buf.h"
#include "conf.h"

struct md_redis;

/* Copies what it needs from cfg; does not connect yet. */
struct md_redis *md_redis_new(const struct md_config *cfg);
void	 md_redis_free(struct md_redis *r);
/*
 * Connects now (0) or returns -1; md_redis_errstr() says why.  Ignores the
 * backoff window (an explicit request), but a failure extends it.
 */
int	 md_redis_connect(struct md_redis *r);
/*
 * The last failure as "redis <socket or host:port>: <why>": connect errors,
 * timeouts, a closed connection, error replies, and inside the backoff
 * window "unavailable (retrying in Nms): <last connect error>".
 */
const char *md_redis_errstr(const struct md_redis *r);
/* The configured key prefix ("maildesk:"). */
const char *md_redis_prefix(const struct md_redis *r);

/*
 * Runs one command (printf-style as redisCommand, %b for binary).  Connects
 * first if needed.  Returns the reply (caller freeReplyObject()s it), or NULL
 * on connection/timeout failure.  A REDIS_REPLY_ERROR reply is returned as
 * is: check reply->type (its text is also in md_redis_errstr()).  Never
 * retries by itself: a command whose reply was lost may or may not have run.
 * After a NULL reply the connection is closed; the next command reconnects,
 * except that after a failed connect, commands fail at once (NULL) until a
 * capped exponential backoff (100ms doubling to 5s, with jitter) expires.
 */
redisReply *md_redis_cmd(struct md_redis *r, const char *fmt, ...);
redisReply *md_redis_cmdv(struct md_redis *r, int argc, const char **argv,
	    const size_t *lens);
/* argv/lens as for redisCommandArgv (lens NULL: strlen of each argv). */

/* Builds "<prefix><fmt...>" into b (reset first); returns md_buf_str(b), NULL on ENOMEM. */
const char *md_key(const struct md_redis *r, md_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Lua scripts: EVALSHA with a fallback to EVAL on NOSCRIPT (server restarted
 * or SCRIPT FLUSH; EVAL caches it again).  sha is filled lazily by SCRIPT
 * LOAD on first use, under a lock: a static md_script may be shared by
 * threads using different connections.  argv holds the nkeys keys first,
 * then the arguments.
 */
struct md_script {
	const char	*source;
	char		 sha[41];
};
redisReply *md_redis_eval(struct md_redis *r, struct md_script *s, int nkeys,
	    int argc, const char **argv, const size_t *lens);

/*
 * Several calls of one script (no keys) in one round trip: every EVALSHA
 * is written before any reply is read, so Redis parses them from one read
 * and answers in one write instead of paying a round trip each.  A call
 * may bring plain commands that run just before its script (pre) and just
 * after it (post), in one MULTI/EXEC with it: large values set that way
 * reach the script as keys, not as arguments, which Lua would copy and
 * hash byte by byte, and a post DEL removes whatever the script left of
 * them, even when it failed.  out[i] is
 * the script's reply to calls[i], as md_redis_eval would return it; a
 * connection lost on the way leaves that call and every later one NULL
 * (each may or may not have run).  Calls answered NOSCRIPT are run again
 * one by one with EVAL afterwards, so they may run after later calls of
 * the batch: only for calls that do not depend on each other.  Returns how
 * many got a reply.
 */
struct md_cmd {
	int			 argc;
	const char		**argv;
	const size_t		*lens;
};
struct md_eval_call {
	int			 argc;
	const char		**argv;
	const size_t		*lens;
	int			 npre;
	const struct md_cmd	*pre;
	int			 npost;		/* after the script, same transaction */
	const struct md_cmd	*post;
};
int	md_redis_eval_pipe(struct md_redis *r, struct md_script *s, int ncalls,
	    const struct md_eval_call *calls, redisReply **out);

/*
 * A fixed pool of connections for threaded programs (the milter): acquire
 * waits up to wait_ms (<= 0: does not wait) for a free connection and returns
 * NULL on timeout.  Connections connect lazily on their first command.
 * md_redis_pool_free: every connection must have been released.
 */
struct md_redis_pool;
struct md_redis_pool *md_redis_pool_new(const struct md_config *cfg, int size);
struct md_redis *md_redis_pool_acquire(struct md_redis_pool *p, int wait_ms);
void	 md_redis_pool_release(struct md_redis_pool *p, struct md_redis *r);
void	 md_redis_pool_free(struct md_redis_pool *p);

/* Small helpers over a reply. */
int	 md_reply_is_error(const redisReply *rep);	/* NULL or ERROR */
/*
 * WAIT: blocks until n replicas acknowledged every write made so far on
 * this connection, or timeout_ms passed.  Returns how many did (it may be
 * fewer than n), -1 on error.
 */
int	md_redis_wait_replicas(struct md_redis *r, int n, int timeout_ms);

long long md_reply_int(const redisReply *rep, long long dflt);	/* INTEGER or numeric STRING */

#endif
