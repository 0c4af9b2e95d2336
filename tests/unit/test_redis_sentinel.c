/*
 * test_redis_sentinel.c - Sentinel discovery (lib/store/redis_sentinel.c) and the
 * failover path of lib/store/redis.c against a real redis-server primary, a real
 * replica and a real redis-sentinel on loopback ports: the primary is
 * found, a dead or ignorant sentinel is skipped, the sentinels' own
 * password or ACL user is used, a replica is refused by ROLE, -READONLY
 * makes the connection reconnect, and after SIGKILL of the primary the
 * same struct md_redis writes to the promoted replica.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <hiredis.h>

#include "conf.h"
#include "redis.h"
#include "redis_sentinel.h"
#include "unit.h"

#define NSRV	3	/* primary, replica, sentinel */

struct srv {
	pid_t	pid;
	int	port;
};

static char dir[64];
static struct srv srv[NSRV];
static struct md_config cfg;
static const char *sentinel_bin;

static int
free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static void
pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static long long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* A direct connection to 127.0.0.1:port (NULL if it fails). */
static redisContext *
direct(int port)
{
	struct timeval tv = { 1, 0 };
	redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);

	if (c != NULL && c->err) {
		redisFree(c);
		return NULL;
	}
	if (c != NULL)
		redisSetTimeout(c, tv);
	return c;
}

/* One command on a fresh connection, password pw if not NULL (caller frees). */
static redisReply *
admin(int port, const char *pw, const char *fmt, const char *a1, const char *a2)
{
	redisContext *c = direct(port);
	redisReply *rep = NULL;

	if (c == NULL)
		return NULL;
	if (pw != NULL && (rep = redisCommand(c, "AUTH %s", pw)) != NULL)
		freeReplyObject(rep);
	rep = redisCommand(c, fmt, a1, a2);
	redisFree(c);
	return rep;
}

static int
answers(int port)
{
	redisReply *rep = admin(port, NULL, "PING", NULL, NULL);
	int ok = rep != NULL;

	if (rep != NULL)
		freeReplyObject(rep);
	return ok;
}

/* Runs argv with the test as parent-death signal; waits until port answers. */
static void
spawn(struct srv *s, const char *const *argv)
{
	pid_t parent = getpid();
	int i;

	s->pid = fork();
	ck_assert_int_ge(s->pid, 0);
	if (s->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		execvp(argv[0], (char *const *)(void *)argv);
		_exit(127);
	}
	for (i = 0; i < 500 && !answers(s->port); i++)
		pause_ms(10);
	ck_assert_msg(answers(s->port), "%s on port %d did not start", argv[0], s->port);
}

static void
start_redis(struct srv *s, const char *name, int replica_of)
{
	char port[16], logf[128], of[16];
	const char *argv[24];
	int n = 0;

	snprintf(port, sizeof port, "%d", s->port);
	snprintf(logf, sizeof logf, "%s/%s.log", dir, name);
	snprintf(of, sizeof of, "%d", replica_of);
	argv[n++] = "redis-server";
	argv[n++] = "--bind";
	argv[n++] = "127.0.0.1";
	argv[n++] = "--port";
	argv[n++] = port;
	argv[n++] = "--save";
	argv[n++] = "";
	argv[n++] = "--dir";
	argv[n++] = dir;
	argv[n++] = "--dbfilename";
	argv[n++] = name;	/* one directory, one file each */
	argv[n++] = "--logfile";
	argv[n++] = logf;
	/* Diskless sync waits 5 s for more replicas by default. */
	argv[n++] = "--repl-diskless-sync-delay";
	argv[n++] = "0";
	if (replica_of > 0) {
		argv[n++] = "--replicaof";
		argv[n++] = "127.0.0.1";
		argv[n++] = of;
	}
	argv[n] = NULL;
	spawn(s, argv);
}

/* A sentinel watching "m" at the primary's port; pw: its own requirepass. */
static void
start_sentinel(struct srv *s, int primary, const char *pw)
{
	char conf[128], port[16];
	const char *argv[4];
	FILE *fp;

	snprintf(conf, sizeof conf, "%s/sentinel.conf", dir);
	snprintf(port, sizeof port, "%d", s->port);
	fp = fopen(conf, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "port %d\nbind 127.0.0.1\ndir %s\nlogfile %s/sentinel.log\n"
	    "sentinel monitor m 127.0.0.1 %d 1\n"
	    "sentinel down-after-milliseconds m 400\n"
	    "sentinel failover-timeout m 3000\n", s->port, dir, dir, primary);
	if (pw != NULL)
		fprintf(fp, "requirepass %s\n", pw);
	fclose(fp);
	argv[0] = sentinel_bin;
	argv[1] = conf;
	argv[2] = strcmp(sentinel_bin, "redis-server") == 0 ? "--sentinel" : NULL;
	argv[3] = NULL;
	spawn(s, argv);
}

static void
stop(struct srv *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
			;
		s->pid = 0;
	}
}

/* The sentinel knows n replicas of m (it learns them from the primary's INFO). */
static int
sentinel_knows_replicas(const char *pw, size_t n)
{
	redisReply *rep = admin(srv[2].port, pw, "SENTINEL replicas %s", "m", NULL);
	int ok = rep != NULL && rep->type == REDIS_REPLY_ARRAY && rep->elements >= n;

	if (rep != NULL)
		freeReplyObject(rep);
	return ok;
}

static int
replica_linked(void)
{
	redisReply *rep = admin(srv[1].port, NULL, "INFO %s", "replication", NULL);
	int ok = rep != NULL && rep->type == REDIS_REPLY_STRING &&
	    strstr(rep->str, "master_link_status:up") != NULL;

	if (rep != NULL)
		freeReplyObject(rep);
	return ok;
}

/* Primary, linked replica and a sentinel that knows both; sentinel password pw. */
static void
start_all(const char *pw)
{
	char err[256], list[64];
	int i;

	for (i = 0; i < NSRV; i++)
		srv[i].port = free_port();
	start_redis(&srv[0], "primary", 0);
	start_redis(&srv[1], "replica", srv[0].port);
	for (i = 0; i < 500 && !replica_linked(); i++)
		pause_ms(10);
	ck_assert_msg(replica_linked(), "the replica did not link");
	start_sentinel(&srv[2], srv[0].port, pw);
	for (i = 0; i < 500 && !sentinel_knows_replicas(pw, 1); i++)
		pause_ms(20);
	ck_assert_msg(sentinel_knows_replicas(pw, 1), "the sentinel did not see the replica");
	md_config_defaults(&cfg);
	snprintf(list, sizeof list, "127.0.0.1:%d", srv[2].port);
	ck_assert_int_eq(md_config_set(&cfg, "redis_sentinels", list, err, sizeof err), 0);
	ck_assert_int_eq(md_config_set(&cfg, "redis_master_name", "m", err, sizeof err), 0);
	ck_assert_int_eq(md_config_set(&cfg, "redis_connect_timeout_ms", "500", err,
	    sizeof err), 0);
	ck_assert_int_eq(md_config_set(&cfg, "redis_command_timeout_ms", "1000", err,
	    sizeof err), 0);
	if (pw != NULL)
		ck_assert_int_eq(md_config_set(&cfg, "redis_sentinel_password", pw, err,
		    sizeof err), 0);
}

static void
setup(void)
{
	char cmd[96];

	snprintf(dir, sizeof dir, "/tmp/md-sentinel-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof cmd, "chmod 755 '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	signal(SIGPIPE, SIG_IGN);
	memset(srv, 0, sizeof srv);
}

static void
teardown(void)
{
	char cmd[96];
	int i;

	for (i = 0; i < NSRV; i++)
		stop(&srv[i]);
	md_config_free(&cfg);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* The server's port as ROLE/INFO would not tell: ask CONFIG GET port. */
static int
port_of(struct md_redis *r)
{
	redisReply *rep = md_redis_cmd(r, "CONFIG GET port");
	int port = -1;

	if (rep != NULL && rep->type == REDIS_REPLY_ARRAY && rep->elements == 2)
		port = atoi(rep->element[1]->str);
	if (rep != NULL)
		freeReplyObject(rep);
	return port;
}

static int
set_ok(struct md_redis *r, const char *v)
{
	redisReply *rep = md_redis_cmd(r, "SET k %s", v);
	int ok = !md_reply_is_error(rep);

	if (rep != NULL)
		freeReplyObject(rep);
	return ok;
}

START_TEST(parse_lists)
{
	struct md_sentinel_addr a[MD_SENTINEL_MAX];
	const char *why;

	ck_assert_int_eq(md_sentinel_parse("10.0.0.1:26379, s2.example:26380 [::1]:5", a,
	    MD_SENTINEL_MAX, &why), 3);
	ck_assert_str_eq(a[0].host, "10.0.0.1");
	ck_assert_int_eq(a[0].port, 26379);
	ck_assert_str_eq(a[1].host, "s2.example");
	ck_assert_int_eq(a[1].port, 26380);
	ck_assert_str_eq(a[2].host, "::1");
	ck_assert_int_eq(a[2].port, 5);
	ck_assert_int_eq(md_sentinel_parse("s1", a, MD_SENTINEL_MAX, &why), -1);
	ck_assert_ptr_nonnull(strstr(why, "port is missing"));
	ck_assert_int_eq(md_sentinel_parse("s1:0", a, MD_SENTINEL_MAX, &why), -1);
	ck_assert_int_eq(md_sentinel_parse("s1:65536", a, MD_SENTINEL_MAX, &why), -1);
	ck_assert_int_eq(md_sentinel_parse("s1:2x", a, MD_SENTINEL_MAX, &why), -1);
	ck_assert_int_eq(md_sentinel_parse(":26379", a, MD_SENTINEL_MAX, &why), -1);
	ck_assert_int_eq(md_sentinel_parse("[::1:26379", a, MD_SENTINEL_MAX, &why), -1);
	ck_assert_int_eq(md_sentinel_parse(" , ", a, MD_SENTINEL_MAX, &why), -1);
	ck_assert_int_eq(md_sentinel_parse("a:1,b:2,c:3", a, 2, &why), -1);
	ck_assert_int_eq(md_sentinel_check("", &why), 0);
	ck_assert_int_eq(md_sentinel_check("a:1", &why), 0);
	ck_assert_int_eq(md_sentinel_check("a", &why), -1);
}
END_TEST

START_TEST(config_keys)
{
	char err[256];

	md_config_defaults(&cfg);
	ck_assert_int_eq(md_config_set(&cfg, "redis_sentinels", "s1", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "port is missing"));
	ck_assert_int_eq(md_config_set(&cfg, "redis_sentinels", "s1:26379,s2:26379", err,
	    sizeof err), 0);
	/* Without the master's name the sentinels cannot be asked. */
	ck_assert_int_eq(md_config_validate(&cfg, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "redis_master_name"));
	ck_assert_int_eq(md_config_set(&cfg, "redis_master_name", "m", err, sizeof err), 0);
	ck_assert_int_eq(md_config_validate(&cfg, err, sizeof err), 0);
	md_config_free(&cfg);
}
END_TEST

START_TEST(finds_the_primary)
{
	struct md_redis *r;
	char list[96], err[256];

	start_all(NULL);
	r = md_redis_new(&cfg);
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(md_redis_connect(r) == 0, "%s", md_redis_errstr(r));
	ck_assert(set_ok(r, "1"));
	ck_assert_int_eq(port_of(r), srv[0].port);
	md_redis_free(r);

	/* A dead sentinel first, then one that knows no "m": both skipped. */
	snprintf(list, sizeof list, "127.0.0.1:%d 127.0.0.1:%d", free_port(), srv[2].port);
	ck_assert_int_eq(md_config_set(&cfg, "redis_sentinels", list, err, sizeof err), 0);
	r = md_redis_new(&cfg);
	ck_assert_msg(md_redis_connect(r) == 0, "%s", md_redis_errstr(r));
	ck_assert_int_eq(port_of(r), srv[0].port);
	md_redis_free(r);

	ck_assert_int_eq(md_config_set(&cfg, "redis_master_name", "other", err, sizeof err), 0);
	r = md_redis_new(&cfg);
	ck_assert_int_eq(md_redis_connect(r), -1);
	ck_assert_msg(strstr(md_redis_errstr(r), "does not know a master named 'other'") != NULL,
	    "%s", md_redis_errstr(r));
	ck_assert_ptr_nonnull(strstr(md_redis_errstr(r), "redis master other: "));
	md_redis_free(r);
}
END_TEST

START_TEST(sentinel_password)
{
	struct md_redis *r;
	char err[256];

	start_all("s3cret");
	r = md_redis_new(&cfg);
	ck_assert_msg(md_redis_connect(r) == 0, "%s", md_redis_errstr(r));
	ck_assert(set_ok(r, "1"));
	md_redis_free(r);
	ck_assert_int_eq(md_config_set(&cfg, "redis_sentinel_password", "wrong", err,
	    sizeof err), 0);
	r = md_redis_new(&cfg);
	ck_assert_int_eq(md_redis_connect(r), -1);
	ck_assert_msg(strstr(md_redis_errstr(r), "AUTH failed") != NULL, "%s",
	    md_redis_errstr(r));
	md_redis_free(r);
}
END_TEST

/* Sentinels with ACL users of their own (Redis 6.2+): redis_sentinel_username. */
START_TEST(sentinel_acl_user)
{
	struct md_redis *r;
	redisReply *rep;
	char err[256];

	start_all(NULL);
	rep = admin(srv[2].port, NULL, "ACL SETUSER desk on >%s -@all "
	    "+sentinel|get-master-addr-by-name", "pw1", NULL);
	ck_assert_msg(rep != NULL && rep->type == REDIS_REPLY_STATUS, "%s",
	    rep != NULL && rep->str ? rep->str : "no reply");
	freeReplyObject(rep);
	rep = admin(srv[2].port, NULL, "ACL SETUSER default off", NULL, NULL);
	freeReplyObject(rep);
	r = md_redis_new(&cfg);		/* no credentials for the sentinel */
	ck_assert_int_eq(md_redis_connect(r), -1);
	ck_assert_msg(strstr(md_redis_errstr(r), "NOAUTH") != NULL, "%s", md_redis_errstr(r));
	md_redis_free(r);
	ck_assert_int_eq(md_config_set(&cfg, "redis_sentinel_username", "desk", err,
	    sizeof err), 0);
	ck_assert_int_eq(md_config_set(&cfg, "redis_sentinel_password", "pw1", err,
	    sizeof err), 0);
	r = md_redis_new(&cfg);
	ck_assert_msg(md_redis_connect(r) == 0, "%s", md_redis_errstr(r));
	ck_assert(set_ok(r, "1"));
	md_redis_free(r);
}
END_TEST

START_TEST(role_refuses_a_replica)
{
	redisContext *c;
	char role[32], err[128];

	start_all(NULL);
	c = direct(srv[1].port);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(md_redis_role_is_master(c, role, sizeof role, err, sizeof err), 0);
	ck_assert_str_eq(role, "slave");
	redisFree(c);
	c = direct(srv[0].port);
	ck_assert_int_eq(md_redis_role_is_master(c, role, sizeof role, err, sizeof err), 1);
	redisFree(c);
	c = direct(srv[2].port);
	ck_assert_int_eq(md_redis_role_is_master(c, role, sizeof role, err, sizeof err), 0);
	ck_assert_str_eq(role, "sentinel");
	redisFree(c);
}
END_TEST

/* Plain redis_host: a primary turned replica answers -READONLY; we reconnect. */
START_TEST(readonly_reconnects)
{
	static struct md_script wr = { "return redis.call('SET', 'k', ARGV[1])", "" };
	struct md_redis *r;
	redisReply *rep;
	const char *argv[1] = { "x" };
	char err[256], port[16], of[16];
	long long id1, id2;

	start_all(NULL);
	snprintf(port, sizeof port, "%d", srv[0].port);
	md_config_set(&cfg, "redis_sentinels", "", err, sizeof err);
	md_config_set(&cfg, "redis_port", port, err, sizeof err);
	r = md_redis_new(&cfg);
	ck_assert(set_ok(r, "1"));
	rep = md_redis_cmd(r, "CLIENT ID");
	id1 = md_reply_int(rep, -1);
	freeReplyObject(rep);
	/* What a failover does to the old primary: now a replica of the other. */
	snprintf(of, sizeof of, "%d", srv[1].port);
	rep = admin(srv[1].port, NULL, "REPLICAOF NO ONE", NULL, NULL);
	freeReplyObject(rep);
	rep = admin(srv[0].port, NULL, "REPLICAOF 127.0.0.1 %s", of, NULL);
	ck_assert_ptr_nonnull(rep);
	freeReplyObject(rep);
	rep = md_redis_cmd(r, "SET k 2");
	ck_assert(md_reply_is_error(rep));
	ck_assert_msg(strncmp(rep->str, "READONLY", 8) == 0, "%s", rep->str);
	freeReplyObject(rep);
	/* A new connection (behind a VIP or proxy it would reach the new primary). */
	rep = md_redis_cmd(r, "CLIENT ID");
	id2 = md_reply_int(rep, -1);
	freeReplyObject(rep);
	ck_assert_int_ne(id1, id2);
	/* A script's write on a replica is recognised too. */
	rep = md_redis_eval(r, &wr, 0, 1, argv, NULL);
	ck_assert(md_reply_is_error(rep));
	freeReplyObject(rep);
	rep = md_redis_cmd(r, "CLIENT ID");
	ck_assert_int_ne(md_reply_int(rep, -1), id2);
	freeReplyObject(rep);
	md_redis_free(r);
}
END_TEST

/* SIGKILL of the primary: Sentinel promotes the replica and we follow. */
START_TEST(follows_a_failover)
{
	struct md_redis *r;
	long long t0, took;
	int fails = 0;

	start_all(NULL);
	r = md_redis_new(&cfg);
	ck_assert(set_ok(r, "before"));
	ck_assert_int_eq(port_of(r), srv[0].port);
	stop(&srv[0]);
	t0 = now_ms();
	while (!set_ok(r, "after")) {
		fails++;
		ck_assert_msg(now_ms() - t0 < 20000, "no new primary after 20 s: %s",
		    md_redis_errstr(r));
		pause_ms(50);
	}
	took = now_ms() - t0;
	ck_assert_int_gt(fails, 0);
	ck_assert_int_eq(port_of(r), srv[1].port);
	fprintf(stderr, "# writes failed for %lld ms (%d tries) until the promoted replica took them\n",
	    took, fails);
	md_redis_free(r);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("redis_sentinel");
	TCase *tc = tcase_create("parse");
	TCase *live = tcase_create("live");

	tcase_add_test(tc, parse_lists);
	tcase_add_test(tc, config_keys);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(live, setup, teardown);
	tcase_set_timeout(live, 60);
	tcase_add_test(live, finds_the_primary);
	tcase_add_test(live, sentinel_password);
	tcase_add_test(live, sentinel_acl_user);
	tcase_add_test(live, role_refuses_a_replica);
	tcase_add_test(live, readonly_reconnects);
	tcase_add_test(live, follows_a_failover);
	suite_add_tcase(s, live);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	if (system("redis-server --version >/dev/null 2>&1") != 0) {
		printf("1..0 # SKIP redis-server not installed\n");
		return EXIT_SUCCESS;
	}
	/* Debian's redis-sentinel package; the same binary runs as redis-server --sentinel. */
	sentinel_bin = system("command -v redis-sentinel >/dev/null 2>&1") == 0 ?
	    "redis-sentinel" : "redis-server";
	sr = srunner_create(suite());
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
