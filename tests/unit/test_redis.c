/*
 * test_redis.c - md_redis against a real redis-server: commands, binary
 * arguments, scripts, reconnect after a crash, AUTH/ACL, backoff, pool.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "redis.h"
#include "redis_fixture.h"
#include "unit.h"

static struct md_rfx rfx;
static struct md_config cfg;

static void
setup(void)
{
	ck_assert_int_eq(md_rfx_start(&rfx, NULL), 0);
	md_rfx_config(&rfx, &cfg);
}

static void
teardown(void)
{
	md_config_free(&cfg);
	md_rfx_cleanup(&rfx);
}

static long long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000LL + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void
expect_status(struct md_redis *r, const char *cmd, const char *want)
{
	redisReply *rep = md_redis_cmd(r, cmd);

	ck_assert_msg(rep != NULL, "%s: NULL (%s)", cmd, md_redis_errstr(r));
	ck_assert_msg(rep->type == REDIS_REPLY_STATUS || rep->type == REDIS_REPLY_STRING,
	    "%s: type %d %s", cmd, rep->type, rep->str ? rep->str : "");
	ck_assert_str_eq(rep->str, want);
	freeReplyObject(rep);
}

START_TEST(connect_and_commands)
{
	struct md_redis *r = md_redis_new(&cfg);
	md_buf key = MD_BUF_INIT;
	redisReply *rep;

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(md_redis_connect(r), 0);
	ck_assert_str_eq(md_redis_prefix(r), "maildesk:");
	ck_assert_str_eq(md_key(r, &key, "project:%s", "acme"), "maildesk:project:acme");
	ck_assert_str_eq(md_key(r, &key, "n"), "maildesk:n");	/* reset each time */
	rep = md_redis_cmd(r, "SET %s %s", md_buf_str(&key), "41");
	ck_assert(!md_reply_is_error(rep));
	freeReplyObject(rep);
	rep = md_redis_cmd(r, "INCR %s", md_buf_str(&key));
	ck_assert_int_eq(md_reply_int(rep, -1), 42);
	freeReplyObject(rep);
	rep = md_redis_cmd(r, "GET %s", md_buf_str(&key));
	ck_assert_int_eq(md_reply_int(rep, -1), 42);	/* numeric string */
	freeReplyObject(rep);
	rep = md_redis_cmd(r, "NOSUCHCOMMAND");
	ck_assert(md_reply_is_error(rep));
	ck_assert_int_eq(md_reply_int(rep, -7), -7);
	ck_assert_ptr_nonnull(strstr(md_redis_errstr(r), "unknown command"));
	freeReplyObject(rep);
	ck_assert(md_reply_is_error(NULL));
	md_buf_free(&key);
	md_redis_free(r);
}
END_TEST

START_TEST(binary_arguments)
{
	struct md_redis *r = md_redis_new(&cfg);
	const char bin[] = "a\0b\r\nc";
	const char *argv[3] = { "SET", "bin2", "x\0y" };
	const size_t lens[3] = { 3, 4, 3 };
	redisReply *rep;

	rep = md_redis_cmd(r, "SET bin %b", bin, sizeof bin - 1);	/* connects lazily */
	ck_assert(!md_reply_is_error(rep));
	freeReplyObject(rep);
	rep = md_redis_cmd(r, "GET bin");
	ck_assert_int_eq(rep->type, REDIS_REPLY_STRING);
	ck_assert_uint_eq(rep->len, sizeof bin - 1);
	ck_assert(memcmp(rep->str, bin, sizeof bin - 1) == 0);
	freeReplyObject(rep);
	rep = md_redis_cmdv(r, 3, argv, lens);
	ck_assert(!md_reply_is_error(rep));
	freeReplyObject(rep);
	rep = md_redis_cmd(r, "STRLEN bin2");
	ck_assert_int_eq(md_reply_int(rep, -1), 3);
	freeReplyObject(rep);
	md_redis_free(r);
}
END_TEST

static struct md_script concat = { .source =
	"redis.call('SET', KEYS[1], ARGV[1] .. ARGV[2])\n"
	"return redis.call('GET', KEYS[1])\n", .sha = "" };
static struct md_script failing = { .source =
	"return {err='BOOM nope'}\n", .sha = "" };

START_TEST(eval_and_noscript_fallback)
{
	struct md_redis *r = md_redis_new(&cfg);
	const char *argv[3] = { "maildesk:k", "ab", "cd" };
	redisReply *rep;
	char sha[41];

	rep = md_redis_eval(r, &concat, 1, 3, argv, NULL);
	ck_assert_ptr_nonnull(rep);
	ck_assert_int_eq(rep->type, REDIS_REPLY_STRING);
	ck_assert_str_eq(rep->str, "abcd");
	freeReplyObject(rep);
	ck_assert_uint_eq(strlen(concat.sha), 40);
	memcpy(sha, concat.sha, sizeof sha);

	/* The server forgets the script; EVALSHA says NOSCRIPT, EVAL runs it. */
	rep = md_rfx_cmd(&rfx, "SCRIPT FLUSH");
	ck_assert(!md_reply_is_error(rep));
	freeReplyObject(rep);
	argv[1] = "x";
	rep = md_redis_eval(r, &concat, 1, 3, argv, NULL);
	ck_assert_ptr_nonnull(rep);
	ck_assert_str_eq(rep->str, "xcd");
	freeReplyObject(rep);
	ck_assert_str_eq(concat.sha, sha);
	/* ... and EVAL cached it again. */
	rep = md_rfx_cmd(&rfx, "SCRIPT EXISTS %s", sha);
	ck_assert_int_eq(rep->type, REDIS_REPLY_ARRAY);
	ck_assert_int_eq(rep->element[0]->integer, 1);
	freeReplyObject(rep);

	rep = md_redis_eval(r, &failing, 0, 0, NULL, NULL);
	ck_assert_ptr_nonnull(rep);
	ck_assert_int_eq(rep->type, REDIS_REPLY_ERROR);
	ck_assert_str_eq(rep->str, "BOOM nope");
	freeReplyObject(rep);
	ck_assert_ptr_null(md_redis_eval(r, &concat, 4, 3, argv, NULL));	/* nkeys > argc */
	md_redis_free(r);
}
END_TEST

/* Appends to ARGV[1] what the staged key ARGV[2] holds, then deletes it. */
static struct md_script take_staged = { .source =
	"local v = redis.call('GET', ARGV[2]) or ''\n"
	"redis.call('DEL', ARGV[2])\n"
	"return redis.call('APPEND', ARGV[1], v)\n", .sha = "" };

static void
pipe_calls(struct md_redis *r, int n, struct md_eval_call *c, long long *want)
{
	redisReply *reps[4];
	int i;

	ck_assert_int_eq(md_redis_eval_pipe(r, &take_staged, n, c, reps), n);
	for (i = 0; i < n; i++) {
		ck_assert_msg(reps[i]->type == REDIS_REPLY_INTEGER, "call %d: type %d %s",
		    i, reps[i]->type, reps[i]->str ? reps[i]->str : "");
		ck_assert_int_eq(reps[i]->integer, want[i]);
		freeReplyObject(reps[i]);
	}
}

START_TEST(eval_pipe_with_staged_values)
{
	struct md_redis *r = md_redis_new(&cfg);
	const char *a1[] = { "p:out", "p:stage1" }, *a2[] = { "p:out", "p:stage2" };
	const char *s1[] = { "SET", "p:stage1", "hello\0" }, *s2[] = { "SET", "p:stage2", "world" };
	const size_t l1[] = { 3, 8, 6 };
	const char *bad[] = { "SET", "p:stage2" };	/* wrong arity: refused while queueing */
	struct md_cmd pre1 = { 3, s1, l1 }, pre2 = { 3, s2, NULL }, wrong = { 2, bad, NULL };
	struct md_eval_call c[3] = {
		{ .argc = 2, .argv = a1, .npre = 1, .pre = &pre1 },
		{ .argc = 2, .argv = a2, .npre = 1, .pre = &pre2 },
		{ .argc = 2, .argv = a2 },	/* no transaction: stage2 is gone */
	};
	long long want[3] = { 6, 11, 11 };
	redisReply *rep;

	pipe_calls(r, 3, c, want);
	rep = md_rfx_cmd(&rfx, "EXISTS p:stage1 p:stage2");
	ck_assert_int_eq(rep->integer, 0);
	freeReplyObject(rep);

	/* Forgotten script: the whole call, staging included, runs again by EVAL. */
	freeReplyObject(md_rfx_cmd(&rfx, "SCRIPT FLUSH"));
	want[0] = 17, want[1] = 22;
	pipe_calls(r, 2, c, want);

	/* A refused command names the cause, not just EXECABORT; the script did not run. */
	c[1].pre = &wrong;
	{
		redisReply *reps[2];

		ck_assert_int_eq(md_redis_eval_pipe(r, &take_staged, 2, c, reps), 2);
		ck_assert_int_eq(reps[0]->type, REDIS_REPLY_INTEGER);
		ck_assert_int_eq(reps[1]->type, REDIS_REPLY_ERROR);
		ck_assert_ptr_nonnull(strstr(reps[1]->str, "wrong number of arguments"));
		freeReplyObject(reps[0]);
		freeReplyObject(reps[1]);
	}
	md_redis_free(r);
}
END_TEST

START_TEST(crash_then_reconnect_reapplies_select)
{
	struct md_redis *r;
	redisReply *rep;
	char err[256];

	md_config_set(&cfg, "redis_db", "3", err, sizeof err);
	r = md_redis_new(&cfg);
	rep = md_redis_cmd(r, "CLIENT INFO");
	ck_assert_ptr_nonnull(strstr(rep->str, " db=3 "));
	freeReplyObject(rep);

	md_rfx_kill(&rfx);
	ck_assert_ptr_null(md_redis_cmd(r, "PING"));
	ck_assert_msg(strstr(md_redis_errstr(r), rfx.sock) != NULL &&
	    strstr(md_redis_errstr(r), "connection closed") != NULL,
	    "errstr: %s", md_redis_errstr(r));

	ck_assert_int_eq(md_rfx_restart(&rfx), 0);
	rep = md_redis_cmd(r, "CLIENT INFO");
	ck_assert_msg(rep != NULL, "no reconnect: %s", md_redis_errstr(r));
	ck_assert_ptr_nonnull(strstr(rep->str, " db=3 "));
	freeReplyObject(rep);
	md_redis_free(r);
}
END_TEST

/*
 * One connection finding the server gone makes the others reconnect before
 * their next command: after a restart (or a failover) the milter's idle
 * pool connections do not each fail one message.
 */
START_TEST(restart_seen_by_one_reconnects_all)
{
	struct md_redis *a = md_redis_new(&cfg), *b = md_redis_new(&cfg);
	redisReply *rep;

	expect_status(a, "PING", "PONG");
	expect_status(b, "PING", "PONG");
	ck_assert_int_eq(md_rfx_restart(&rfx), 0);
	ck_assert_ptr_null(md_redis_cmd(a, "PING"));	/* the one that finds out */
	rep = md_redis_cmd(b, "PING");
	ck_assert_msg(rep != NULL, "b failed too: %s", md_redis_errstr(b));
	freeReplyObject(rep);
	expect_status(a, "PING", "PONG");
	/* A timeout is not a lost server: b keeps its connection. */
	rep = md_redis_cmd(b, "CLIENT ID");
	ck_assert_ptr_null(md_redis_cmd(a, "BLPOP nothing 2"));	/* past the 1 s timeout */
	ck_assert_ptr_nonnull(strstr(md_redis_errstr(a), "timed out"));
	{
		redisReply *again = md_redis_cmd(b, "CLIENT ID");

		ck_assert_int_eq(md_reply_int(again, -1), md_reply_int(rep, -2));
		freeReplyObject(again);
	}
	freeReplyObject(rep);
	md_redis_free(a);
	md_redis_free(b);
}
END_TEST

START_TEST(command_timeout_kills_only_that_command)
{
	struct md_redis *r;
	char err[256];

	md_config_set(&cfg, "redis_command_timeout_ms", "200", err, sizeof err);
	r = md_redis_new(&cfg);
	/* BLPOP 1s outlives the 200ms socket timeout: hiredis gives up. */
	ck_assert_ptr_null(md_redis_cmd(r, "BLPOP nothing 1"));
	ck_assert_msg(strstr(md_redis_errstr(r), "timed out after 200 ms") != NULL,
	    "errstr: %s", md_redis_errstr(r));
	expect_status(r, "PING", "PONG");	/* fresh connection */
	md_redis_free(r);
}
END_TEST

START_TEST(backoff_fails_fast)
{
	struct md_redis *r = md_redis_new(&cfg);
	struct timespec t0;
	redisReply *rep = NULL;
	int i;

	expect_status(r, "PING", "PONG");
	md_rfx_kill(&rfx);
	ck_assert_ptr_null(md_redis_cmd(r, "PING"));	/* reply lost */
	ck_assert_ptr_null(md_redis_cmd(r, "PING"));	/* connect refused */
	ck_assert_ptr_nonnull(strstr(md_redis_errstr(r), "connect"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 100; i++)
		ck_assert_ptr_null(md_redis_cmd(r, "PING"));
	ck_assert_int_lt(ms_since(&t0), 50);
	ck_assert_msg(strstr(md_redis_errstr(r), "unavailable (retrying in ") != NULL,
	    "errstr: %s", md_redis_errstr(r));

	/* Back up: a call after the window reconnects. */
	ck_assert_int_eq(md_rfx_restart(&rfx), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (rep == NULL && ms_since(&t0) < 3000) {
		if ((rep = md_redis_cmd(r, "PING")) == NULL)
			usleep(10 * 1000);
	}
	ck_assert_msg(rep != NULL, "no reconnect: %s", md_redis_errstr(r));
	freeReplyObject(rep);
	md_redis_free(r);
}
END_TEST

START_TEST(auth_requirepass)
{
	static const char *const extra[] = { "--requirepass", "s3cret", NULL };
	struct md_redis *r;
	redisReply *rep;
	char err[256];

	md_rfx_cleanup(&rfx);
	ck_assert_int_eq(md_rfx_start(&rfx, extra), 0);
	md_config_free(&cfg);
	md_rfx_config(&rfx, &cfg);

	r = md_redis_new(&cfg);		/* no password configured */
	rep = md_redis_cmd(r, "PING");
	ck_assert(md_reply_is_error(rep));
	ck_assert_ptr_nonnull(strstr(rep->str, "NOAUTH"));
	freeReplyObject(rep);
	md_redis_free(r);

	md_config_set(&cfg, "redis_password", "wrong", err, sizeof err);
	r = md_redis_new(&cfg);
	ck_assert_int_eq(md_redis_connect(r), -1);
	ck_assert_msg(strstr(md_redis_errstr(r), "AUTH failed") != NULL,
	    "errstr: %s", md_redis_errstr(r));
	md_redis_free(r);

	md_config_set(&cfg, "redis_password", "s3cret", err, sizeof err);
	r = md_redis_new(&cfg);
	expect_status(r, "PING", "PONG");
	/* A restarted server needs AUTH again on the new connection. */
	ck_assert_int_eq(md_rfx_restart(&rfx), 0);
	ck_assert_ptr_null(md_redis_cmd(r, "PING"));
	expect_status(r, "PING", "PONG");
	md_redis_free(r);
}
END_TEST

START_TEST(auth_acl_user)
{
	struct md_redis *r;
	redisReply *rep;
	char err[256];

	rep = md_rfx_cmd(&rfx, "ACL SETUSER desk on >pw ~maildesk:* +@all");
	ck_assert(!md_reply_is_error(rep));
	freeReplyObject(rep);
	md_config_set(&cfg, "redis_username", "desk", err, sizeof err);
	md_config_set(&cfg, "redis_password", "pw", err, sizeof err);
	r = md_redis_new(&cfg);
	rep = md_redis_cmd(r, "ACL WHOAMI");
	ck_assert_msg(rep != NULL, "%s", md_redis_errstr(r));
	ck_assert_str_eq(rep->str, "desk");
	freeReplyObject(rep);
	expect_status(r, "SET maildesk:a 1", "OK");
	rep = md_redis_cmd(r, "SET other:a 1");
	ck_assert(md_reply_is_error(rep));
	ck_assert_ptr_nonnull(strstr(rep->str, "NOPERM"));
	freeReplyObject(rep);
	md_redis_free(r);

	md_config_set(&cfg, "redis_password", "bad", err, sizeof err);
	r = md_redis_new(&cfg);
	ck_assert_int_eq(md_redis_connect(r), -1);
	ck_assert_ptr_nonnull(strstr(md_redis_errstr(r), "WRONGPASS"));
	md_redis_free(r);
}
END_TEST

struct late_release {
	struct md_redis_pool	*p;
	struct md_redis		*r;
};

static void *
release_later(void *arg)
{
	struct late_release *lr = arg;

	usleep(50 * 1000);
	md_redis_pool_release(lr->p, lr->r);
	return NULL;
}

START_TEST(pool_waits_then_times_out)
{
	struct md_redis_pool *p = md_redis_pool_new(&cfg, 2);
	struct md_redis *a, *b, *c;
	struct late_release lr;
	struct timespec t0;
	pthread_t th;
	long long waited;

	ck_assert_ptr_nonnull(p);
	a = md_redis_pool_acquire(p, 0);
	b = md_redis_pool_acquire(p, 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	expect_status(a, "PING", "PONG");	/* lazily connected */
	ck_assert_ptr_null(md_redis_pool_acquire(p, 0));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_ptr_null(md_redis_pool_acquire(p, 120));
	waited = ms_since(&t0);
	ck_assert_int_ge(waited, 110);
	ck_assert_int_lt(waited, 1000);

	lr.p = p;
	lr.r = b;
	ck_assert_int_eq(pthread_create(&th, NULL, release_later, &lr), 0);
	c = md_redis_pool_acquire(p, 2000);
	pthread_join(th, NULL);
	ck_assert_ptr_eq(c, b);
	md_redis_pool_release(p, a);
	md_redis_pool_release(p, c);
	md_redis_pool_free(p);
	ck_assert_ptr_null(md_redis_pool_new(&cfg, 0));
}
END_TEST

START_TEST(reply_int_parsing)
{
	redisReply s = { 0 };

	s.type = REDIS_REPLY_STRING;
	s.str = (char *)"12x";
	s.len = 3;
	ck_assert_int_eq(md_reply_int(&s, 5), 5);
	s.str = (char *)"-12";
	ck_assert_int_eq(md_reply_int(&s, 5), -12);
	s.type = REDIS_REPLY_NIL;
	ck_assert_int_eq(md_reply_int(&s, 5), 5);
	ck_assert_int_eq(md_reply_int(NULL, 9), 9);
}
END_TEST

static Suite *
redis_suite(void)
{
	Suite *s = suite_create("redis");
	TCase *tc = tcase_create("redis");

	tcase_set_timeout(tc, 20);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, connect_and_commands);
	tcase_add_test(tc, binary_arguments);
	tcase_add_test(tc, eval_and_noscript_fallback);
	tcase_add_test(tc, eval_pipe_with_staged_values);
	tcase_add_test(tc, crash_then_reconnect_reapplies_select);
	tcase_add_test(tc, restart_seen_by_one_reconnects_all);
	tcase_add_test(tc, command_timeout_kills_only_that_command);
	tcase_add_test(tc, backoff_fails_fast);
	tcase_add_test(tc, auth_requirepass);
	tcase_add_test(tc, auth_acl_user);
	tcase_add_test(tc, pool_waits_then_times_out);
	tcase_add_test(tc, reply_int_parsing);
	suite_add_tcase(s, tc);
	return s;
}

MD_RFX_MAIN(redis_suite)
