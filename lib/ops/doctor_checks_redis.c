/*
 * doctor_checks_redis.c - Redis as each program sees it: reachable, each
 * program's login, what each login may do, the server's persistence,
 * memory and replicas, and the inbox and dead-letter queues.
 *
 * What a login may do is probed as that login, not read from ACL GETUSER:
 * the programs' users may not run ACL commands, and the probe answers the
 * question that matters (can the milter XADD?) whatever wrote the rules.
 * Redis checks a command's ACL before it runs it, so every probe is a
 * command that does nothing even when it is allowed: it names a key that
 * does not exist (<p>rkey:doctor-probe), an ID no entry has (XDEL 0-0), or
 * fails after the ACL check (XADD with ID 0-0, HSET with an odd number of
 * arguments, EVALSHA of a script nobody loaded).  NOPERM means denied;
 * any other answer, an error included, means allowed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clock.h"
#include "doctor_checks.h"
#include "queue.h"
#include "redis.h"

#define ADV_ACL	"load contrib/redis-users.acl and give each program its own user " \
		"and password (maildesk.conf(5), LEAST PRIVILEGE)"

/* The probes; '@' at the start of an argument stands for redis_prefix. */
struct acl_probe {
	const char	*what;
	const char	*argv[8];
};

static const struct acl_probe probes[] = {
	/*  0 */ { "XLEN <p>inbox", { "XLEN", "@inbox" } },
	/*  1 */ { "XADD <p>inbox", { "XADD", "@inbox", "0-0", "doctor", "probe" } },
	/*  2 */ { "XRANGE <p>inbox", { "XRANGE", "@inbox", "+", "-", "COUNT", "1" } },
	/*  3 */ { "XACK <p>inbox", { "XACK", "@inbox", "workers", "0-0" } },
	/*  4 */ { "XDEL <p>inbox", { "XDEL", "@inbox", "0-0" } },
	/*  5 */ { "XADD <p>dead", { "XADD", "@dead", "0-0", "doctor", "probe" } },
	/*  6 */ { "XLEN <p>dead", { "XLEN", "@dead" } },
	/*  7 */ { "XDEL <p>dead", { "XDEL", "@dead", "0-0" } },
	/*  8 */ { "GET <p>rate:*", { "GET", "@rate:doctor-probe" } },
	/*  9 */ { "EXPIRE <p>rate:*", { "EXPIRE", "@rate:doctor-probe", "1" } },
	/* 10 */ { "HGET <p>project:*", { "HGET", "@project:doctor-probe", "enabled" } },
	/* 11 */ { "HSET <p>project:*", { "HSET", "@project:doctor-probe", "f", "v", "odd" } },
	/* 12 */ { "DEL <p>rkey:*", { "DEL", "@rkey:doctor-probe" } },
	/* 13 */ { "HGET <p>rkey:*", { "HGET", "@rkey:doctor-probe", "project" } },
	/* 14 */ { "SISMEMBER <p>projects", { "SISMEMBER", "@projects", "doctor-probe" } },
	/* 15 */ { "SCAN", { "SCAN", "0", "MATCH", "@doctor-probe", "COUNT", "1" } },
	/* 16 */ { "CONFIG GET", { "CONFIG", "GET", "maxmemory" } },
	/* 17 */ { "GET (a key outside the prefix)", { "GET", "doctor-probe-outside" } },
	/* 18 */ { "EVALSHA on <p>inbox", { "EVALSHA",
	    "0000000000000000000000000000000000000000", "1", "@inbox" } },
	/* 19 */ { "EVALSHA on <p>project:*", { "EVALSHA",
	    "0000000000000000000000000000000000000000", "1", "@project:doctor-probe" } },
};
#define NPROBES	(sizeof probes / sizeof probes[0])

/*
 * Per program, one character per probe: 'n' needs it, 'x' must not have
 * it, '-' either (contrib/redis-users.acl and doc/redis-schema.md).
 */
static const struct role {
	const char	*name;		/* config key prefix */
	const char	*program;
	const char	*rights;	/* NPROBES characters */
} roles[] = {
	/*                           01234567890123456789 */
	{ "milter", "maildesk-milter", "nnxxxxxxnnnxxnnxxxn-" },
	{ "worker", "maildesk-worker", "nxnnnn--xxxxn--xxxn-" },
	{ "web", "maildesk-web",       "xxxxxxxxxxnnnnn-xxxn" },
	{ "cli", "maildesk-cli",       "nnnxxxnnxxnnnnnnxxnn" },
};
#define NROLES	(sizeof roles / sizeof roles[0])

/* The configuration as one login sees it (strings borrowed from cfg). */
static struct md_redis *
login(const struct md_config *cfg, const char *user, const char *password)
{
	struct md_config as = *cfg;

	as.redis_username = (char *)(user ? user : "");
	as.redis_password = (char *)(password ? password : "");
	return md_redis_new(&as);
}

static const char *
pick(const char *own, const char *shared)
{
	return own != NULL && *own != '\0' ? own : shared;
}

static void
role_login(const struct md_config *cfg, const struct role *ro, const char **user,
    const char **password)
{
	if (strcmp(ro->name, "milter") == 0) {
		*user = pick(cfg->milter_redis_username, cfg->redis_username);
		*password = pick(cfg->milter_redis_password, cfg->redis_password);
	} else if (strcmp(ro->name, "worker") == 0) {
		*user = pick(cfg->worker_redis_username, cfg->redis_username);
		*password = pick(cfg->worker_redis_password, cfg->redis_password);
	} else if (strcmp(ro->name, "web") == 0) {
		*user = pick(cfg->web_redis_username, cfg->redis_username);
		*password = pick(cfg->web_redis_password, cfg->redis_password);
	} else {
		*user = pick(cfg->cli_redis_username, cfg->redis_username);
		*password = pick(cfg->cli_redis_password, cfg->redis_password);
	}
}

/*
 * Runs the words of pre (NULL-terminated, may be NULL) followed by those
 * of words, where a word starting with '@' is a key: redis_prefix and the
 * rest.  NULL on a lost connection (or out of memory).
 */
static redisReply *
run_words(struct md_redis *r, const char *const *pre, const char *const *words)
{
	md_buf keys[12];
	const char *argv[12];
	redisReply *rep = NULL;
	int argc = 0, nkeys = 0, ok = 1;

	for (; pre != NULL && *pre != NULL && argc < 12; pre++)
		argv[argc++] = *pre;
	for (; *words != NULL && argc < 12; words++) {
		if (**words != '@') {
			argv[argc++] = *words;
			continue;
		}
		md_buf_init(&keys[nkeys]);
		if ((argv[argc++] = md_key(r, &keys[nkeys], "%s", *words + 1)) == NULL)
			ok = 0;
		nkeys++;
	}
	if (ok)
		rep = md_redis_cmdv(r, argc, argv, NULL);
	while (nkeys-- > 0)
		md_buf_free(&keys[nkeys]);
	return rep;
}

static int
is_noperm(const redisReply *rep)
{
	return rep->type == REDIS_REPLY_ERROR && rep->str != NULL &&
	    strncmp(rep->str, "NOPERM", 6) == 0;
}

static void
list_add(char *list, size_t len, const char *what)
{
	size_t used = strlen(list);

	snprintf(list + used, len - used, "%s%s", used ? ", " : "", what);
}

/* The probes of one program's login; returns -1 when the connection failed. */
static int
check_acl(struct md_doctor *d, struct md_redis *r, const struct role *ro, const char *who)
{
	char name[48], lacks[400] = "", extra[400] = "";
	int need = 0, forbid = 0;
	redisReply *rep;
	size_t i;

	snprintf(name, sizeof name, "redis.acl.%s", ro->name);
	for (i = 0; i < NPROBES; i++) {
		if (ro->rights[i] == '-')
			continue;
		if ((rep = run_words(r, NULL, probes[i].argv)) == NULL) {
			md_doctor_add(d, name, MD_CHECK_FAIL, NULL, "%s: %s", probes[i].what,
			    md_redis_errstr(r));
			return -1;
		}
		if (ro->rights[i] == 'n') {
			need++;
			if (is_noperm(rep))
				list_add(lacks, sizeof lacks, probes[i].what);
		} else {
			forbid++;
			if (!is_noperm(rep))
				list_add(extra, sizeof extra, probes[i].what);
		}
		freeReplyObject(rep);
	}
	if (*lacks != '\0')
		md_doctor_add(d, name, MD_CHECK_FAIL,
		    "give the user the rights of its line in contrib/redis-users.acl "
		    "(redis-cli ACL LOAD after editing the aclfile)",
		    "%s may not do what %s needs: %s", who, ro->program, lacks);
	else if (*extra != '\0')
		md_doctor_add(d, name, MD_CHECK_WARN, ADV_ACL,
		    "%s may do more than %s needs: %s", who, ro->program, extra);
	else
		md_doctor_add(d, name, MD_CHECK_OK, NULL,
		    "%s may do the %d things %s needs and none of %d others",
		    who, need, ro->program, forbid);
	return 0;
}

/* Each program's login, then its rights. */
static void
check_logins(struct md_doctor *d, const struct md_config *cfg)
{
	const char *user, *password;
	char name[48], who[160];
	struct md_redis *r;
	redisReply *rep;
	size_t i;

	for (i = 0; i < NROLES; i++) {
		role_login(cfg, &roles[i], &user, &password);
		snprintf(name, sizeof name, "redis.login.%s", roles[i].name);
		if (*user != '\0')
			snprintf(who, sizeof who, "user %s", user);
		else
			snprintf(who, sizeof who, "the default user%s",
			    *password != '\0' ? " (AUTH with a password)" : "");
		if ((r = login(cfg, user, password)) == NULL) {
			md_doctor_add(d, name, MD_CHECK_FAIL, NULL, "out of memory");
			continue;
		}
		rep = md_redis_connect(r) == 0 ? md_redis_cmd(r, "PING") : NULL;
		if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
			md_doctor_add(d, name, MD_CHECK_FAIL,
			    "set the password of the user's line in the ACL file as "
			    "<program>_redis_password (maildesk.conf(5))",
			    "%s cannot log in as %s: %s", roles[i].program, who,
			    md_redis_errstr(r));
		} else {
			md_doctor_add(d, name, MD_CHECK_OK, NULL, "%s logs in as %s",
			    roles[i].program, who);
			check_acl(d, r, &roles[i], who);
		}
		if (rep != NULL)
			freeReplyObject(rep);
		md_redis_free(r);
	}
}

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
check_replicas(struct md_doctor *d, const struct md_config *cfg, const char *repl)
{
	char role[32] = "", key[32], line[256];
	int i, online = 0, n = (int)info_ll(repl, "connected_slaves", 0);

	(void)info_field(repl, "role", role, sizeof role);
	if (strcmp(role, "master") != 0) {
		md_doctor_add(d, "redis.replicas", MD_CHECK_FAIL,
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
		rep = run_words(r, dryrun, cmds[i]);
		if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
			if (rep != NULL)
				freeReplyObject(rep);
			return;		/* no ACL DRYRUN for this login: nothing to say */
		}
		if (rep->type != REDIS_REPLY_STATUS || strcmp(rep->str, "OK") != 0)
			list_add(denied, sizeof denied, cmds[i][0]);
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

/* Persistence, memory and replicas, as a login that may run INFO and CONFIG. */
static void
check_server(struct md_doctor *d, const struct md_config *cfg,
    const struct md_doctor_opts *opts)
{
	const char *user = opts->redis_user ? opts->redis_user : cfg->redis_username;
	const char *pass = opts->redis_user ? opts->redis_password : cfg->redis_password;
	char *pers = NULL, *mem = NULL, *repl = NULL, *server = NULL, err[512];
	struct md_redis *r;

	if ((r = login(cfg, user, pass)) == NULL)
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
		check_replicas(d, cfg, repl);
	}
	free(pers);
	free(mem);
	free(repl);
	free(server);
	md_redis_free(r);
}

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

	role_login(cfg, &roles[NROLES - 1], &user, &password);
	if ((r = login(cfg, user, password)) == NULL)
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

void
md_doctor_check_redis(struct md_doctor *d, const struct md_config *cfg,
    const struct md_doctor_opts *opts)
{
	struct md_redis *r;
	redisReply *rep;
	char where[300];
	long long start;

	if (cfg->redis_socket != NULL && *cfg->redis_socket != '\0')
		snprintf(where, sizeof where, "%s", cfg->redis_socket);
	else
		snprintf(where, sizeof where, "%s:%d", cfg->redis_host, cfg->redis_port);
	/* Reachable at all: any answer counts, NOAUTH included. */
	if ((r = login(cfg, "", "")) == NULL)
		return;
	start = md_now_ms();
	rep = md_redis_connect(r) == 0 ? md_redis_cmd(r, "PING") : NULL;
	if (rep == NULL) {
		md_doctor_add(d, "redis", MD_CHECK_FAIL,
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
	check_logins(d, cfg);
	check_server(d, cfg, opts);
	check_queues(d, cfg);
}
