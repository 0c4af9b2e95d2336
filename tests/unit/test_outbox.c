/*
 * test_outbox.c - the sender loop against a real redis-server (started
 * here on a unix socket in a temp dir) and the scripted SMTP peer.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hiredis.h>

#include "conf.h"
#include "log.h"
#include "outbox.h"
#include "smtp_peer.h"
#include "unit.h"

static char dir[64], sock[128];
static pid_t redis_pid = -1;
static redisContext *rc;

static const char msg[] =
    "From: support+acme@desk.example\r\nTo: c@example.org\r\n"
    "Subject: Re: help [acme#12]\r\nMessage-ID: <m1@desk.example>\r\n\r\n"
    "Thank you!\r\n";

struct runner {
	pthread_t		 thr;
	struct md_config	 cfg;
	volatile sig_atomic_t	 stop;
	int			 rc;
};

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void
redis_start(void)
{
	redisContext *c;
	redisReply *r;
	int i;

	snprintf(dir, sizeof dir, "/tmp/md-outbox-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(sock, sizeof sock, "%s/redis.sock", dir);
	if ((redis_pid = fork()) == 0) {
		char logf[128];

		snprintf(logf, sizeof logf, "%s/redis.log", dir);
		execlp("redis-server", "redis-server", "--port", "0",
		    "--unixsocket", sock, "--unixsocketperm", "700",
		    "--dir", dir, "--save", "", "--appendonly", "no",
		    "--logfile", logf, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 250; i++) {	/* poll readiness, up to 5 s */
		c = redisConnectUnix(sock);
		if (c != NULL && !c->err) {
			r = redisCommand(c, "PING");
			if (r != NULL && r->type == REDIS_REPLY_STATUS) {
				freeReplyObject(r);
				redisFree(c);
				return;
			}
			if (r != NULL)
				freeReplyObject(r);
		}
		if (c != NULL)
			redisFree(c);
		if (waitpid(redis_pid, NULL, WNOHANG) == redis_pid)
			break;
		sleep_ms(20);
	}
	fprintf(stderr, "redis-server did not start\n");
	abort();
}

static void
redis_stop(void)
{
	char cmd[128];

	if (redis_pid > 0) {
		kill(redis_pid, SIGTERM);
		waitpid(redis_pid, NULL, 0);
		redis_pid = -1;
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static void
setup(void)
{
	redisReply *r;

	md_log_open("test_outbox", 1, LOG_MAIL);
	rc = redisConnectUnix(sock);
	ck_assert(rc != NULL && !rc->err);
	r = redisCommand(rc, "FLUSHALL");
	ck_assert_ptr_nonnull(r);
	freeReplyObject(r);
}

static void
teardown(void)
{
	redisFree(rc);
}

static redisReply *
cmd(const char *fmt, ...)
{
	va_list ap;
	redisReply *r;

	va_start(ap, fmt);
	r = redisvCommand(rc, fmt, ap);
	va_end(ap);
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(r->type != REDIS_REPLY_ERROR, "%s", r->str);
	return r;
}

static long long
cmd_int(const char *fmt, ...)
{
	va_list ap;
	redisReply *r;
	long long v;

	va_start(ap, fmt);
	r = redisvCommand(rc, fmt, ap);
	va_end(ap);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->type, REDIS_REPLY_INTEGER);
	v = r->integer;
	freeReplyObject(r);
	return v;
}

/* Number of pending entries in the senders group (0 if no group yet). */
static long long
pending(void)
{
	redisReply *r = redisCommand(rc, "XPENDING t:outbox senders");
	long long v = 0;

	ck_assert_ptr_nonnull(r);
	if (r->type == REDIS_REPLY_ARRAY && r->elements > 0)
		v = r->element[0]->integer;
	freeReplyObject(r);
	return v;
}

/* Polls XLEN t:outbox until it is n (or ms pass); returns the last value. */
static long long
wait_xlen(long long n, int ms)
{
	long long v;

	while ((v = cmd_int("XLEN t:outbox")) != n && ms > 0) {
		sleep_ms(20);
		ms -= 20;
	}
	return v;
}

/* XADDs one outbox entry the way the tracker does; returns its id. */
static char *
add_entry_kind(const char *kind, const char *rcpt)
{
	redisReply *r = cmd("XADD t:outbox * kind %s project acme "
	    "iid 12 rcpt %s mail_from %s message_id m1@desk.example data %b "
	    "created 1700000000", kind, rcpt, "", msg, strlen(msg));
	char *id;

	ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
	id = strdup(r->str);
	freeReplyObject(r);
	return id;
}

static char *
add_entry(const char *rcpt)
{
	return add_entry_kind("confirmation", rcpt);
}

static void *
run(void *arg)
{
	struct runner *rn = arg;

	rn->rc = md_outbox_run(&rn->cfg, &rn->stop);
	return NULL;
}

static void
set(struct md_config *cfg, const char *k, const char *v)
{
	char err[256];

	ck_assert_msg(md_config_set(cfg, k, v, err, sizeof err) == 0, "%s", err);
}

static struct runner *
start(const struct smtp_peer *p, const char *relay_timeout_ms)
{
	struct runner *rn = calloc(1, sizeof *rn);
	char relay[64];

	ck_assert_ptr_nonnull(rn);
	snprintf(relay, sizeof relay, "smtp://127.0.0.1:%d", smtp_peer_port(p));
	md_config_defaults(&rn->cfg);
	set(&rn->cfg, "redis_socket", sock);
	set(&rn->cfg, "redis_prefix", "t:");
	set(&rn->cfg, "relay", relay);
	set(&rn->cfg, "relay_timeout_ms", relay_timeout_ms);
	set(&rn->cfg, "redis_command_timeout_ms", "1000");
	set(&rn->cfg, "retry_base_s", "1");
	set(&rn->cfg, "retry_max_s", "2");
	set(&rn->cfg, "worker_block_ms", "100");
	ck_assert_int_eq(pthread_create(&rn->thr, NULL, run, rn), 0);
	return rn;
}

static void
stop(struct runner *rn)
{
	long t0 = now_ms();

	rn->stop = 1;
	pthread_join(rn->thr, NULL);
	ck_assert_int_lt(now_ms() - t0, 2000);	/* within a BLOCK or a pause */
	ck_assert_int_eq(rn->rc, 0);
	md_config_free(&rn->cfg);
	free(rn);
}

START_TEST(sent_once_and_deleted)
{
	struct smtp_peer *p = smtp_peer_start(PEER_ACCEPT);
	struct runner *rn;
	char *id = add_entry("c@example.org"), *data, *from;

	rn = start(p, "2000");
	ck_assert_int_eq(smtp_peer_wait_delivered(p, 1, 5000), 1);
	ck_assert_int_eq(wait_xlen(0, 3000), 0);
	ck_assert_int_eq(cmd_int("EXISTS t:sent:%s", id), 1);
	ck_assert_int_gt(cmd_int("TTL t:sent:%s", id), 86400);
	ck_assert_int_eq(pending(), 0);
	sleep_ms(300);			/* a few more loop turns: nothing resent */
	stop(rn);
	ck_assert_int_eq(smtp_peer_delivered(p), 1);
	data = smtp_peer_last_data(p);
	from = smtp_peer_last_from(p);
	ck_assert_str_eq(data, msg);
	ck_assert_str_eq(from, "<>");
	free(data);
	free(from);
	free(id);
	smtp_peer_stop(p);
}
END_TEST

START_TEST(tempfail_retried_after_backoff)
{
	struct smtp_peer *p = smtp_peer_start(PEER_RCPT_450);
	struct runner *rn;
	char *id = add_entry("c@example.org");
	long t0, t1;

	rn = start(p, "2000");
	ck_assert_int_eq(smtp_peer_wait_sessions(p, 1, 5000), 1);
	t0 = now_ms();
	sleep_ms(200);
	ck_assert_int_eq(cmd_int("XLEN t:outbox"), 1);	/* kept */
	ck_assert_int_eq(pending(), 1);
	ck_assert_int_eq(smtp_peer_sessions(p), 1);	/* not hammered */
	smtp_peer_set_mode(p, PEER_ACCEPT);
	ck_assert_int_eq(smtp_peer_wait_delivered(p, 1, 6000), 1);
	t1 = now_ms();
	ck_assert_int_ge(t1 - t0, 700);		/* waited for the 1 s backoff */
	ck_assert_int_eq(wait_xlen(0, 3000), 0);
	ck_assert_int_eq(pending(), 0);
	sleep_ms(300);
	stop(rn);
	ck_assert_int_eq(smtp_peer_delivered(p), 1);
	ck_assert_int_eq(smtp_peer_sessions(p), 2);
	free(id);
	smtp_peer_stop(p);
}
END_TEST

START_TEST(permfail_noted_and_bounced)
{
	struct smtp_peer *p = smtp_peer_start(PEER_RCPT_550);
	struct runner *rn;
	redisReply *r, *f;
	char *id = add_entry("c@example.org");
	const char *text = "Mail to c@example.org failed permanently: "
	    "550 5.1.1 <rcpt>: Recipient address rejected: 5.1.1 User unknown";
	size_t i;
	int seen = 0;

	rn = start(p, "2000");
	ck_assert_int_eq(wait_xlen(0, 5000), 0);
	stop(rn);
	ck_assert_int_eq(smtp_peer_delivered(p), 0);
	ck_assert_int_eq(smtp_peer_sessions(p), 1);
	ck_assert_int_eq(pending(), 0);
	ck_assert_int_eq(cmd_int("EXISTS t:sent:%s", id), 0);
	r = cmd("XRANGE t:issue:acme:12:notes - +");
	ck_assert_int_eq(r->elements, 1);
	f = r->element[0]->element[1];
	for (i = 0; i + 1 < f->elements; i += 2) {
		const char *k = f->element[i]->str, *v = f->element[i + 1]->str;

		if (strcmp(k, "author") == 0 && strcmp(v, "maildesk") == 0)
			seen |= 1;
		if (strcmp(k, "kind") == 0 && strcmp(v, "system") == 0)
			seen |= 2;
		if (strcmp(k, "text") == 0 && strncmp(v, text, strlen(text)) == 0)
			seen |= 4;
		if (strcmp(k, "created") == 0 && atol(v) > 1700000000)
			seen |= 8;
	}
	ck_assert_int_eq(seen, 15);
	freeReplyObject(r);
	r = cmd("HGET t:bounced c@example.org");
	ck_assert_int_eq(r->type, REDIS_REPLY_STRING);
	ck_assert_int_eq(strncmp(r->str, "550 5.1.1", 9), 0);
	freeReplyObject(r);
	free(id);
	smtp_peer_stop(p);
}
END_TEST

/* A 5xx to the data refuses the message: noted, but nobody is marked bounced. */
START_TEST(refused_noted_not_bounced)
{
	struct smtp_peer *p = smtp_peer_start(PEER_DATA_554);
	struct runner *rn;
	redisReply *r;
	char *id = add_entry("c@example.org");

	rn = start(p, "2000");
	ck_assert_int_eq(wait_xlen(0, 5000), 0);
	stop(rn);
	ck_assert_int_eq(pending(), 0);
	ck_assert_int_eq(cmd_int("EXISTS t:sent:%s", id), 0);
	ck_assert_int_eq(cmd_int("HLEN t:bounced"), 0);
	r = cmd("XRANGE t:issue:acme:12:notes - +");
	ck_assert_uint_eq(r->elements, 1);
	ck_assert_ptr_nonnull(strstr(r->element[0]->element[1]->element[5]->str,
	    "refused the mail to c@example.org for good"));
	freeReplyObject(r);
	free(id);
	smtp_peer_stop(p);
}
END_TEST

START_TEST(sent_marker_not_resent)
{
	struct smtp_peer *p = smtp_peer_start(PEER_ACCEPT);
	struct runner *rn;
	char *id;

	/* A sender recorded the send, then died before its XACK. */
	freeReplyObject(cmd("XGROUP CREATE t:outbox senders 0 MKSTREAM"));
	id = add_entry("c@example.org");
	freeReplyObject(cmd("XREADGROUP GROUP senders dead-1 COUNT 1 STREAMS "
	    "t:outbox >"));
	freeReplyObject(cmd("SET t:sent:%s 1700000000", id));
	rn = start(p, "300");
	ck_assert_int_eq(wait_xlen(0, 8000), 0);
	stop(rn);
	ck_assert_int_eq(pending(), 0);
	ck_assert_int_eq(smtp_peer_sessions(p), 0);
	free(id);
	smtp_peer_stop(p);
}
END_TEST

/*
 * A sender died after handing the mail over (handover marker, no sent
 * marker): it may have been delivered.  A confirmation is dropped with a
 * note on the issue instead of being sent a second time; a responder's
 * comment is sent again.
 */
START_TEST(handed_over_not_resent)
{
	struct smtp_peer *p = smtp_peer_start(PEER_ACCEPT);
	struct runner *rn;
	redisReply *r;
	char *id, *id2;

	freeReplyObject(cmd("XGROUP CREATE t:outbox senders 0 MKSTREAM"));
	id = add_entry("c@example.org");
	id2 = add_entry_kind("note", "d@example.org");
	freeReplyObject(cmd("XREADGROUP GROUP senders dead-1 COUNT 2 STREAMS "
	    "t:outbox >"));
	freeReplyObject(cmd("SET t:handover:%s dead-1", id));
	freeReplyObject(cmd("SET t:handover:%s dead-1", id2));
	rn = start(p, "300");
	ck_assert_int_eq(wait_xlen(0, 8000), 0);
	stop(rn);
	ck_assert_int_eq(pending(), 0);
	ck_assert_int_eq(smtp_peer_delivered(p), 1);
	{
		char *to = smtp_peer_last_rcpt(p);

		ck_assert_str_eq(to, "<d@example.org>");
		free(to);
	}
	ck_assert_int_eq(cmd_int("EXISTS t:handover:%s", id2), 0);
	ck_assert_int_eq(cmd_int("EXISTS t:sent:%s", id2), 1);
	free(id2);
	ck_assert_int_eq(cmd_int("EXISTS t:handover:%s", id), 0);
	ck_assert_int_eq(cmd_int("HLEN t:bounced"), 0);	/* not a bounce */
	r = cmd("XRANGE t:issue:acme:12:notes - +");
	ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
	ck_assert_uint_eq(r->elements, 1);
	ck_assert_ptr_nonnull(strstr(r->element[0]->element[1]->element[5]->str,
	    "may not have been delivered"));
	freeReplyObject(r);
	free(id);
	smtp_peer_stop(p);
}
END_TEST

/* Refused after the handover (451 after the dot): cleared and retried. */
START_TEST(handover_marker_cleared)
{
	struct smtp_peer *p = smtp_peer_start(PEER_DATA_451);
	struct runner *rn;
	char *id = add_entry("c@example.org");

	rn = start(p, "2000");
	ck_assert_int_eq(smtp_peer_wait_sessions(p, 1, 5000), 1);
	smtp_peer_set_mode(p, PEER_ACCEPT);
	ck_assert_int_eq(smtp_peer_wait_delivered(p, 1, 8000), 1);
	ck_assert_int_eq(wait_xlen(0, 3000), 0);
	stop(rn);
	ck_assert_int_eq(cmd_int("EXISTS t:handover:%s", id), 0);
	ck_assert_int_eq(cmd_int("EXISTS t:sent:%s", id), 1);
	free(id);
	smtp_peer_stop(p);
}
END_TEST

START_TEST(dead_senders_entry_claimed)
{
	struct smtp_peer *p = smtp_peer_start(PEER_ACCEPT);
	struct runner *rn;
	char *id;
	long t0;

	freeReplyObject(cmd("XGROUP CREATE t:outbox senders 0 MKSTREAM"));
	id = add_entry("c@example.org");
	/* a sender that read the entry and died */
	freeReplyObject(cmd("XREADGROUP GROUP senders dead-1 COUNT 1 STREAMS "
	    "t:outbox >"));
	t0 = now_ms();
	rn = start(p, "300");	/* floor: 300 + 1000 + 1000 ms of idle */
	ck_assert_int_eq(smtp_peer_wait_delivered(p, 1, 8000), 1);
	ck_assert_int_ge(now_ms() - t0, 2000);	/* not while it may be sending */
	ck_assert_int_eq(wait_xlen(0, 3000), 0);
	stop(rn);
	ck_assert_int_eq(pending(), 0);
	ck_assert_int_eq(smtp_peer_delivered(p), 1);
	free(id);
	smtp_peer_stop(p);
}
END_TEST

START_TEST(many_entries_all_sent)
{
	struct smtp_peer *p = smtp_peer_start(PEER_ACCEPT);
	struct runner *rn;
	char *ids[25];
	int i;

	for (i = 0; i < 25; i++)
		ids[i] = add_entry("c@example.org");
	rn = start(p, "2000");
	ck_assert_int_eq(smtp_peer_wait_delivered(p, 25, 10000), 25);
	ck_assert_int_eq(wait_xlen(0, 3000), 0);
	sleep_ms(200);
	stop(rn);
	ck_assert_int_eq(smtp_peer_delivered(p), 25);
	for (i = 0; i < 25; i++) {
		ck_assert_int_eq(cmd_int("EXISTS t:sent:%s", ids[i]), 1);
		free(ids[i]);
	}
	smtp_peer_stop(p);
}
END_TEST

START_TEST(relay_down_not_hammered)
{
	struct smtp_peer *p = smtp_peer_start(PEER_CLOSE);
	struct runner *rn;
	char *ids[5];
	int i, n;

	for (i = 0; i < 5; i++)
		ids[i] = add_entry("c@example.org");
	rn = start(p, "2000");
	ck_assert_int_ge(smtp_peer_wait_sessions(p, 1, 5000), 1);
	sleep_ms(2500);
	n = smtp_peer_sessions(p);
	/* one try, then a pause of retry_base_s per outage, not one per mail */
	ck_assert_int_le(n, 4);
	ck_assert_int_eq(cmd_int("XLEN t:outbox"), 5);
	smtp_peer_set_mode(p, PEER_ACCEPT);
	ck_assert_int_eq(smtp_peer_wait_delivered(p, 5, 10000), 5);
	ck_assert_int_eq(wait_xlen(0, 3000), 0);
	stop(rn);
	ck_assert_int_eq(smtp_peer_delivered(p), 5);
	for (i = 0; i < 5; i++)
		free(ids[i]);
	smtp_peer_stop(p);
}
END_TEST

START_TEST(redis_down_waits_and_stops)
{
	struct smtp_peer *p = smtp_peer_start(PEER_ACCEPT);
	struct runner *rn = calloc(1, sizeof *rn);
	char nowhere[160];

	snprintf(nowhere, sizeof nowhere, "%s/nowhere.sock", dir);
	md_config_defaults(&rn->cfg);
	set(&rn->cfg, "redis_socket", nowhere);
	set(&rn->cfg, "worker_block_ms", "100");
	ck_assert_int_eq(pthread_create(&rn->thr, NULL, run, rn), 0);
	sleep_ms(700);
	stop(rn);
	ck_assert_int_eq(smtp_peer_sessions(p), 0);
	smtp_peer_stop(p);
}
END_TEST

static Suite *
outbox_suite(void)
{
	Suite *s = suite_create("outbox");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, redis_start, redis_stop);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, sent_once_and_deleted);
	tcase_add_test(tc, tempfail_retried_after_backoff);
	tcase_add_test(tc, permfail_noted_and_bounced);
	tcase_add_test(tc, refused_noted_not_bounced);
	tcase_add_test(tc, sent_marker_not_resent);
	tcase_add_test(tc, dead_senders_entry_claimed);
	tcase_add_test(tc, handed_over_not_resent);
	tcase_add_test(tc, handover_marker_cleared);
	tcase_add_test(tc, many_entries_all_sent);
	tcase_add_test(tc, relay_down_not_hammered);
	tcase_add_test(tc, redis_down_waits_and_stops);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(outbox_suite)
