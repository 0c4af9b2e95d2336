/*
 * doctor_redis_server.c - the Redis server's own settings that decide
 * whether accepted mail survives: persistence (and, on Redis 7.0 to 7.2,
 * whether the AOF can be replayed), the memory policy, and the replicas
 * redis_min_replicas waits for.  Read with INFO and CONFIG GET, which the
 * programs' own users may not run: --redis-user names one that may.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor_redis.h"

/* "field:value" of an INFO reply into out; 0, or -1 when absent. */
static int
info_field(const char *info, const char *field, char *out, size_t len)
{
	size_t n = strlen(field), k;
	const char *p = info;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, field, n) == 0 && p[n] == ':') {
			p += n + 1;
			k = strcspn(p, "\r\n");
			snprintf(out, len, "%.*s", (int)(k < len ? k : len - 1), p);
			return 0;
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return -1;
}

static long long
info_ll(const char *info, const char *field, long long dflt)
{
	char v[64];

	return info_field(info, field, v, sizeof v) == 0 ? strtoll(v, NULL, 10) : dflt;
}

/* The INFO text of one section (malloc'd), or NULL with why in err. */
static char *
info(struct md_redis *r, const char *section, char *err, size_t errlen)
{
	redisReply *rep = md_redis_cmd(r, "INFO %s", section);
	char *s = NULL;

	if (rep != NULL && rep->type == REDIS_REPLY_STRING)
		s = strdup(rep->str);
	else
		snprintf(err, errlen, "%s", md_redis_errstr(r));
	if (rep != NULL)
		freeReplyObject(rep);
	return s;
}

static void
check_persistence(struct md_doctor *d, struct md_redis *r, const char *pers)
{
	char fsync[32] = "", wstatus[16] = "";
	redisReply *rep;

	if (info_ll(pers, "aof_enabled", 0) == 0) {
		md_doctor_add(d, "redis.persistence", MD_CHECK_FAIL,
		    "set appendonly yes and appendfsync always in redis.conf "
		    "(doc/reliability.md)",
		    "AOF is off: mail answered 250 is lost when Redis stops or crashes");
		return;
	}
	rep = md_redis_cmd(r, "CONFIG GET appendfsync");
	if (rep != NULL && rep->type == REDIS_REPLY_ARRAY && rep->elements == 2 &&
	    rep->element[1]->type == REDIS_REPLY_STRING)
		snprintf(fsync, sizeof fsync, "%s", rep->element[1]->str);
	if (rep != NULL)
		freeReplyObject(rep);
	if (info_field(pers, "aof_last_write_status", wstatus, sizeof wstatus) == 0 &&
	    strcmp(wstatus, "ok") != 0)
		md_doctor_add(d, "redis.persistence", MD_CHECK_FAIL,
		    "see the Redis log: a full or failing disk",
		    "Redis's last AOF write failed (aof_last_write_status:%s): it refuses "
		    "writes, and the milter answers 451", wstatus);
	else if (strcmp(fsync, "always") == 0)
		md_doctor_add(d, "redis.persistence", MD_CHECK_OK, NULL,
		    "AOF on, appendfsync always: a record is on disk before the 250");
	else if (strcmp(fsync, "everysec") == 0)
		md_doctor_add(d, "redis.persistence", MD_CHECK_WARN,
		    "set appendfsync always (doc/reliability.md measures the cost)",
		    "AOF on, appendfsync everysec: a power loss or kernel crash loses up "
		    "to about a second of mail already answered 250");
	else
		md_doctor_add(d, "redis.persistence", MD_CHECK_FAIL,
		    "set appendfsync always (doc/reliability.md)",
		    "AOF on, appendfsync %s: the kernel decides when mail answered 250 "
		    "reaches the disk", *fsync ? fsync : "(unreadable)");
}

static void
check_memory(struct md_doctor *d, const char *mem)
{
	char policy[64] = "";
	long long max = info_ll(mem, "maxmemory", 0), used = info_ll(mem, "used_memory", 0);

	(void)info_field(mem, "maxmemory_policy", policy, sizeof policy);
	if (strncmp(policy, "allkeys", 7) == 0)
		md_doctor_add(d, "redis.memory", MD_CHECK_FAIL,
		    "set maxmemory-policy noeviction: when full, the milter answers 451 "
		    "and nothing is lost",
		    "maxmemory-policy %s may evict inbox records (mail answered 250) and "
		    "the view (valid addresses answered 550)", policy);
	else if (strcmp(policy, "noeviction") != 0)
		md_doctor_add(d, "redis.memory", MD_CHECK_WARN,
		    "set maxmemory-policy noeviction",
		    "maxmemory-policy %s evicts keys with a lifetime (the rate counters), "
		    "so rate limits can reset under memory pressure", policy);
	else if (max == 0)
		md_doctor_add(d, "redis.memory", MD_CHECK_WARN,
		    "set maxmemory (e.g. half the machine's memory) with maxmemory-policy "
		    "noeviction: full, Redis refuses writes and the milter answers 451",
		    "no maxmemory: when memory runs out the kernel kills Redis (%lld MB used)",
		    used >> 20);
	else if (used > max / 10 * 9)
		md_doctor_add(d, "redis.memory", MD_CHECK_WARN,
		    "raise maxmemory or find what fills Redis (is the worker running?)",
		    "%lld of %lld MB used: at maxmemory the milter answers 451",
		    used >> 20, max >> 20);
	else
		md_doctor_add(d, "redis.memory", MD_CHECK_OK, NULL,
		    "maxmemory %lld MB, %lld MB used, policy noeviction", max >> 20, used >> 20);
}

static void
check_replicas(struct md_doctor *d, const struct md_config *cfg, const char *repl,
    int via_sentinel)
{
	char role[32] = "", key[32], line[256];
	int i, online = 0, n = (int)info_ll(repl, "connected_slaves", 0);

	(void)info_field(repl, "role", role, sizeof role);
	if (strcmp(role, "master") != 0) {
		/* Right after a failover a sentinel may still name the old primary. */
		md_doctor_add(d, "redis.replicas", MD_CHECK_FAIL, via_sentinel ?
		    "run doctor again in a minute; if it stays, see SENTINEL MASTER on the "
		    "sentinels (a failover that does not finish)" :
		    "point redis_host/redis_socket at the primary",
		    "this Redis is a %s: it refuses the milter's writes", role);
		return;
	}
	for (i = 0; i < n && i < 64; i++) {
		snprintf(key, sizeof key, "slave%d", i);
		if (info_field(repl, key, line, sizeof line) == 0 &&
		    strstr(line, "state=online") != NULL)
			online++;
	}
	if (cfg->redis_min_replicas <= 0)
		md_doctor_add(d, "redis.replicas", MD_CHECK_OK, NULL,
		    "primary with %d replica(s) online; the milter waits for none "
		    "(redis_min_replicas = 0)", online);
	else if (online < cfg->redis_min_replicas)
		md_doctor_add(d, "redis.replicas", MD_CHECK_FAIL,
		    "start the replicas or lower redis_min_replicas (doc/scaling.md)",
		    "%d replica(s) online, redis_min_replicas = %d: the milter answers 451 "
		    "to all desk mail", online, cfg->redis_min_replicas);
	else
		md_doctor_add(d, "redis.replicas", MD_CHECK_OK, NULL,
		    "%d replica(s) online, redis_min_replicas = %d", online,
		    cfg->redis_min_replicas);
}

/*
 * Redis 7.0 to 7.2 check a MULTI/EXEC block of the AOF against the default
 * user's rights when they load it (redis/redis#14541): a default user
 * without @write on <p>* makes a restart drop every script's writes
 * (doc/redis-schema.md, "The default user's rights and the AOF").
 */
static void
check_aof_replay(struct md_doctor *d, struct md_redis *r, const char *server)
{
	static const char *const dryrun[] = { "ACL", "DRYRUN", "default", NULL };
	static const char *const cmds[][6] = {
		{ "XADD", "@inbox", "*", "f", "v", NULL },
		{ "HSET", "@project:doctor-probe", "f", "v", NULL, NULL },
	};
	char version[32] = "", denied[300] = "";
	redisReply *rep;
	size_t i;

	(void)info_field(server, "redis_version", version, sizeof version);
	if (strncmp(version, "7.0.", 4) != 0 && strncmp(version, "7.1.", 4) != 0 &&
	    strncmp(version, "7.2.", 4) != 0)
		return;
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		rep = md_doctor_redis_words(r, dryrun, cmds[i]);
		if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
			if (rep != NULL)
				freeReplyObject(rep);
			return;		/* no ACL DRYRUN for this login: nothing to say */
		}
		if (rep->type != REDIS_REPLY_STATUS || strcmp(rep->str, "OK") != 0)
			md_doctor_list_add(denied, sizeof denied, cmds[i][0]);
		freeReplyObject(rep);
	}
	if (*denied != '\0')
		md_doctor_add(d, "redis.aof_replay", MD_CHECK_FAIL,
		    "give the default user the rights of contrib/redis-users.acl's first "
		    "line (off, no password, +@write -@dangerous on the prefix)",
		    "Redis %s replays the AOF's scripts with the default user's rights, "
		    "and it may not %s: after a restart, accepted mail and the view are gone",
		    version, denied);
	else
		md_doctor_add(d, "redis.aof_replay", MD_CHECK_OK, NULL,
		    "the default user may replay the AOF's writes (Redis %s)", version);
}

void
md_doctor_redis_server(struct md_doctor *d, const struct md_config *cfg,
    const struct md_doctor_opts *opts, int via_sentinel)
{
	const char *user = opts->redis_user ? opts->redis_user : cfg->redis_username;
	const char *pass = opts->redis_user ? opts->redis_password : cfg->redis_password;
	char *pers = NULL, *mem = NULL, *repl = NULL, *server = NULL, err[512];
	struct md_redis *r;

	if ((r = md_doctor_redis_login(cfg, user, pass)) == NULL)
		return;
	if ((pers = info(r, "persistence", err, sizeof err)) == NULL ||
	    (mem = info(r, "memory", err, sizeof err)) == NULL ||
	    (repl = info(r, "replication", err, sizeof err)) == NULL ||
	    (server = info(r, "server", err, sizeof err)) == NULL)
		md_doctor_add(d, "redis.server", MD_CHECK_WARN,
		    "run `REDISCLI_AUTH=... maildesk doctor --redis-user admin` (the admin "
		    "user of contrib/redis-users.acl) to check them",
		    "persistence, memory and replicas not checked: %s%s%s may not read "
		    "the server's settings (%s)", *user ? "user " : "",
		    *user ? user : "the default user", opts->redis_user ? "" :
		    " (redis_username)", err);
	else {
		check_persistence(d, r, pers);
		if (info_ll(pers, "aof_enabled", 0))
			check_aof_replay(d, r, server);
		check_memory(d, mem);
		check_replicas(d, cfg, repl, via_sentinel);
	}
	free(pers);
	free(mem);
	free(repl);
	free(server);
	md_redis_free(r);
}
