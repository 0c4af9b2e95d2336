/*
 * redis_cmd.c - running one command on a connection of redis.c and reading
 * its reply: md_redis_cmd/cmdv, the prefixed key names, the reply helpers
 * and WAIT.
 *
 * Split from redis.c, which keeps the connection alive (connect, AUTH,
 * SELECT, Sentinel, backoff, reconnect after a failover): a command only
 * asks it for a live context first (md_redis_ensure) and hands the reply
 * back for inspection (md_redis_checked), through redis_int.h as
 * redis_eval.c does for the scripts.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#include "redis.h"
#include "redis_int.h"

redisReply *
md_redis_cmd(struct md_redis *r, const char *fmt, ...)
{
	va_list ap;
	redisReply *rep;

	if (r == NULL || md_redis_ensure(r) < 0)
		return NULL;
	va_start(ap, fmt);
	rep = redisvCommand(md_redis_ctx(r), fmt, ap);
	va_end(ap);
	return md_redis_checked(r, rep);
}

redisReply *
md_redis_cmdv(struct md_redis *r, int argc, const char **argv, const size_t *lens)
{
	if (r == NULL || argc < 1 || md_redis_ensure(r) < 0)
		return NULL;
	return md_redis_checked(r, redisCommandArgv(md_redis_ctx(r), argc, argv,
	    lens));
}

const char *
md_key(const struct md_redis *r, md_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	md_buf_reset(b);
	if (md_buf_puts(b, md_redis_prefix(r)) < 0)
		return NULL;
	va_start(ap, fmt);
	rc = md_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc < 0 ? NULL : md_buf_str(b);
}

int
md_reply_is_error(const redisReply *rep)
{
	return rep == NULL || rep->type == REDIS_REPLY_ERROR;
}

int
md_redis_wait_replicas(struct md_redis *r, int n, int timeout_ms)
{
	redisReply *rep = md_redis_cmd(r, "WAIT %d %d", n, timeout_ms);
	int v = -1;

	if (rep != NULL && rep->type == REDIS_REPLY_INTEGER)
		v = (int)rep->integer;
	if (rep != NULL)
		freeReplyObject(rep);
	return v;
}

long long
md_reply_int(const redisReply *rep, long long dflt)
{
	char *end;
	long long v;

	if (rep == NULL)
		return dflt;
	if (rep->type == REDIS_REPLY_INTEGER)
		return rep->integer;
	if ((rep->type != REDIS_REPLY_STRING && rep->type != REDIS_REPLY_STATUS) ||
	    rep->str == NULL || rep->len == 0)
		return dflt;
	errno = 0;
	v = strtoll(rep->str, &end, 10);
	if (errno != 0 || end != rep->str + rep->len)
		return dflt;
	return v;
}
