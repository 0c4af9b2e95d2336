/*
 * redis_sentinel.c - asks Redis Sentinel where the primary is (hiredis 0.14).
 *
 * Each question is a fresh short-lived connection: a process asks only
 * when it (re)connects, i.e. at start and after a failover, so keeping
 * connections to every sentinel open would buy nothing.  The sentinels are
 * tried one after the other, starting with the one that answered last
 * time, so a dead sentinel costs one connect timeout once, not on every
 * reconnect.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "redis_sentinel.h"

/* A reply's text for an error message, never NULL. */
static const char *
ctx_why(const redisContext *c)
{
	if (c == NULL)
		return "out of memory";
	if (c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK))
		return "timed out";
	return c->errstr[0] ? c->errstr : "connection lost";
}

/* One sentinel: 0 with the master's address, -1 with err. */
static int
ask_one(const struct md_sentinel_query *q, const struct md_sentinel_addr *a,
    char *host, size_t hostlen, int *port, char *err, size_t errlen)
{
	redisContext *c = redisConnectWithTimeout(a->host, a->port,
	    md_ms_timeval(q->timeout_ms));
	redisReply *rep = NULL;
	int rc = -1;

	if (c == NULL || c->err) {
		snprintf(err, errlen, "sentinel %s:%d: connect: %s", a->host, a->port,
		    ctx_why(c));
		goto out;
	}
	if (redisSetTimeout(c, md_ms_timeval(q->timeout_ms)) != REDIS_OK) {
		snprintf(err, errlen, "sentinel %s:%d: %s", a->host, a->port, ctx_why(c));
		goto out;
	}
	if (q->password != NULL && *q->password != '\0') {
		if (q->username != NULL && *q->username != '\0')
			rep = redisCommand(c, "AUTH %s %s", q->username, q->password);
		else
			rep = redisCommand(c, "AUTH %s", q->password);
		if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
			snprintf(err, errlen, "sentinel %s:%d: AUTH failed: %s", a->host,
			    a->port, rep != NULL ? rep->str : ctx_why(c));
			goto out;
		}
		freeReplyObject(rep);
	}
	rep = redisCommand(c, "SENTINEL get-master-addr-by-name %s", q->master_name);
	if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
		snprintf(err, errlen, "sentinel %s:%d: %s", a->host, a->port,
		    rep != NULL ? rep->str : ctx_why(c));
		goto out;
	}
	/* A nil reply: this sentinel does not monitor that name. */
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
	    rep->element[0]->type != REDIS_REPLY_STRING ||
	    rep->element[1]->type != REDIS_REPLY_STRING) {
		snprintf(err, errlen, "sentinel %s:%d: does not know a master named '%s'",
		    a->host, a->port, q->master_name);
		goto out;
	}
	*port = md_sentinel_port(rep->element[1]->str, rep->element[1]->len);
	if (rep->element[0]->len == 0 || rep->element[0]->len >= hostlen || *port < 0) {
		snprintf(err, errlen, "sentinel %s:%d: unusable master address", a->host,
		    a->port);
		goto out;
	}
	memcpy(host, rep->element[0]->str, rep->element[0]->len);
	host[rep->element[0]->len] = '\0';
	rc = 0;
out:
	if (rep != NULL)
		freeReplyObject(rep);
	if (c != NULL)
		redisFree(c);
	return rc;
}

int
md_sentinel_get_master(const struct md_sentinel_query *q, int *first, char *host,
    size_t hostlen, int *port, char *err, size_t errlen)
{
	int i, k;

	if (q->n <= 0) {
		snprintf(err, errlen, "no sentinels configured");
		return -1;
	}
	if (*first < 0 || *first >= q->n)
		*first = 0;
	for (i = 0; i < q->n; i++) {
		k = (*first + i) % q->n;
		if (ask_one(q, &q->sentinels[k], host, hostlen, port, err, errlen) == 0) {
			*first = k;
			return 0;
		}
	}
	return -1;
}

int
md_redis_role_is_master(redisContext *c, char *role, size_t rolelen, char *err,
    size_t errlen)
{
	redisReply *rep = redisCommand(c, "ROLE");
	int rc = -1;

	if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
		snprintf(err, errlen, "ROLE failed: %s%s", rep != NULL ? rep->str : ctx_why(c),
		    rep != NULL && strncmp(rep->str, "NOPERM", 6) == 0 ?
		    " (the user needs +role to follow Sentinel)" : "");
	} else if (rep->type != REDIS_REPLY_ARRAY || rep->elements < 1 ||
	    rep->element[0]->type != REDIS_REPLY_STRING) {
		snprintf(err, errlen, "ROLE failed: unexpected reply");
	} else {
		snprintf(role, rolelen, "%s", rep->element[0]->str);
		rc = strcmp(rep->element[0]->str, "master") == 0;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}
