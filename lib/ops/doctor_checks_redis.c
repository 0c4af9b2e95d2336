/*
 * doctor_checks_redis.c - Redis as each program sees it: found through
 * Sentinel when redis_sentinels is set, reachable, each program's login and
 * what it may do (doctor_redis_acl.c), the server's persistence, memory
 * and replicas (doctor_redis_server.c), and the inbox and dead-letter
 * queues (here).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "doctor_checks.h"
#include "doctor_redis.h"
#include "queue.h"
#include "sentinel_addr.h"

/* Age in seconds of the oldest record in <p>inbox (-1 when empty or unknown). */
static long long
oldest_age_s(struct md_redis *r)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	long long age = -1;

	rep = md_redis_cmd(r, "XRANGE %s - + COUNT 1", md_key(r, &key, "inbox"));
	md_buf_free(&key);
	if (rep != NULL && rep->type == REDIS_REPLY_ARRAY && rep->elements == 1 &&
	    rep->element[0]->type == REDIS_REPLY_ARRAY && rep->element[0]->elements >= 1 &&
	    rep->element[0]->element[0]->type == REDIS_REPLY_STRING)
		age = (long long)time(NULL) - strtoll(rep->element[0]->element[0]->str, NULL, 10) / 1000;
	if (rep != NULL)
		freeReplyObject(rep);
	return age;
}

/* The queues, read as the CLI's own login (the rights `maildesk queue` has). */
static void
check_queues(struct md_doctor *d, const struct md_config *cfg)
{
	const char *user, *password;
	struct md_queue_stats qs;
	struct md_redis *r;
	char err[512];
	long long age;

	md_doctor_redis_role_login(cfg, "cli", &user, &password);
	if ((r = md_doctor_redis_login(cfg, user, password)) == NULL)
		return;
	if (md_queue_stats(r, &qs, err, sizeof err) < 0) {
		md_doctor_add(d, "redis.inbox", MD_CHECK_FAIL, NULL, "%s", err);
		md_redis_free(r);
		return;
	}
	age = oldest_age_s(r);
	if (qs.inbox >= cfg->inbox_max_backlog)
		md_doctor_add(d, "redis.inbox", MD_CHECK_FAIL,
		    "start maildesk-worker (or more of them); its log says why it stopped",
		    "%ld records waiting, inbox_max_backlog = %ld: the milter answers 451 "
		    "to desk mail", qs.inbox, cfg->inbox_max_backlog);
	else if (qs.workers.consumers < 0)
		md_doctor_add(d, "redis.inbox", MD_CHECK_WARN,
		    "start maildesk-worker (systemctl status maildesk-worker)",
		    "%ld records waiting; no worker has ever read the inbox", qs.inbox);
	else if (age > 300)
		md_doctor_add(d, "redis.inbox", MD_CHECK_WARN,
		    "is maildesk-worker running, and can it reach PostgreSQL? (its log)",
		    "%ld records waiting, the oldest for %lld s", qs.inbox, age);
	else
		md_doctor_add(d, "redis.inbox", MD_CHECK_OK, NULL,
		    "%ld records waiting (oldest %lld s), %ld with %ld worker(s)",
		    qs.inbox, age < 0 ? 0 : age, qs.workers.pending, qs.workers.consumers);
	if (qs.dead > 0)
		md_doctor_add(d, "redis.dead", MD_CHECK_WARN,
		    "`maildesk queue dead` says why; fix that, then `maildesk queue retry --all`",
		    "%ld dead letters: mail the worker gave up filing", qs.dead);
	else
		md_doctor_add(d, "redis.dead", MD_CHECK_OK, NULL, "no dead letters");
	md_redis_free(r);
}

/* As lib/store/redis.c decides it: a list with at least one name in it. */
static int
has_sentinels(const struct md_config *cfg)
{
	return cfg->redis_sentinels != NULL &&
	    cfg->redis_sentinels[strspn(cfg->redis_sentinels, " \t,")] != '\0';
}

void
md_doctor_check_redis(struct md_doctor *d, const struct md_config *cfg,
    const struct md_doctor_opts *opts)
{
	struct md_config at = *cfg;
	char host[MD_SENTINEL_HOST_MAX], where[400];
	struct md_redis *r;
	redisReply *rep;
	long long start;
	int port, via_sentinel = has_sentinels(cfg);

	if (via_sentinel) {
		if (md_doctor_redis_sentinel(d, cfg, opts, host, sizeof host, &port) < 0)
			return;
		/*
		 * Every check below talks to that one master, not through
		 * Sentinel again: the server the results are about is the one
		 * reported, even if a failover starts meanwhile.
		 */
		at.redis_sentinels = (char *)"";
		at.redis_socket = (char *)"";
		at.redis_host = host;
		at.redis_port = port;
		snprintf(where, sizeof where, "%s:%d (master %s, from Sentinel)", host, port,
		    cfg->redis_master_name);
	} else if (cfg->redis_socket != NULL && *cfg->redis_socket != '\0')
		snprintf(where, sizeof where, "%s", cfg->redis_socket);
	else
		snprintf(where, sizeof where, "%s:%d", cfg->redis_host, cfg->redis_port);
	/* Reachable at all: any answer counts, NOAUTH included. */
	if ((r = md_doctor_redis_login(&at, "", "")) == NULL)
		return;
	start = md_now_ms();
	rep = md_redis_connect(r) == 0 ? md_redis_cmd(r, "PING") : NULL;
	if (rep == NULL) {
		md_doctor_add(d, "redis", MD_CHECK_FAIL, via_sentinel ?
		    "start Redis there, or see why the sentinels name it (SENTINEL MASTER)" :
		    "start Redis (systemctl status redis-server), or fix redis_host, "
		    "redis_port or redis_socket",
		    "Redis at %s does not answer: %s; the milter answers 451 to desk mail",
		    where, md_redis_errstr(r));
		md_redis_free(r);
		return;
	}
	freeReplyObject(rep);
	md_redis_free(r);
	md_doctor_add(d, "redis", MD_CHECK_OK, NULL, "Redis at %s answers in %lld ms", where,
	    md_now_ms() - start);
	md_doctor_redis_logins(d, &at);
	md_doctor_redis_server(d, &at, opts, via_sentinel);
	check_queues(d, &at);
}
