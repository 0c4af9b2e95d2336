/*
 * test_outbox.c - the sender loop (worker/outbox.c) and the outbox table
 * (lib/outbox_store.c) against a real PostgreSQL (pg_fixture.h) and the
 * scripted SMTP peer.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "log.h"
#include "outbox.h"
#include "outbox_store.h"
#include "pg_fixture.h"
#include "smtp_peer.h"
#include "store.h"

static const char msg[] =
    "From: support+acme@desk.example\r\nTo: c@example.org\r\n"
    "Subject: Re: help [acme#12]\r\nMessage-ID: <m1@desk.example>\r\n\r\n"
    "Thank you!\r\n";

static struct md_db *db;	/* the test's own connection */

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

/* Runs one statement with up to two text arguments; aborts on failure. */
static void
sql(const char *q, const char *a1, const char *a2)
{
	struct md_sqlp p;
	char e[512];

	md_sqlp_init(&p);
	if (a1 != NULL)
		md_sqlp_str(&p, a1);
	if (a2 != NULL)
		md_sqlp_str(&p, a2);
	ck_assert_msg(md_db_exec(db, q, a1 != NULL ? &p : NULL, e, sizeof e) == 0,
	    "%s: %s", q, e);
	md_sqlp_free(&p);
}

static long long
num(const char *q, const char *arg)
{
	return md_pgfx_num(q, arg);
}

/* The row's state ("" when it is gone). */
static char *
state_of(long long id)
{
	char s[32];

	snprintf(s, sizeof s, "%lld", id);
	return md_pgfx_value("SELECT state FROM outbox WHERE id = $1::bigint", s);
}

static int
state_is(long long id, const char *want)
{
	char *s = state_of(id);
	int ok = strcmp(s, want) == 0;

	free(s);
	return ok;
}

/* Polls the row's state until it is want (or ms pass). */
static int
wait_state(long long id, const char *want, int ms)
{
	while (!state_is(id, want)) {
		if (ms <= 0)
			return 0;
		sleep_ms(20);
		ms -= 20;
	}
	return 1;
}

static long long
rows_in(const char *state)
{
	return num("SELECT count(*) FROM outbox WHERE state = $1", state);
}

/* Inserts one outbox row the way the tracker does; returns its id. */
static long long
add_row(const char *kind, const char *rcpt)
{
	struct md_sqlp p;
	PGresult *res;
	long long id;
	char e[512];

	md_sqlp_init(&p);
	md_sqlp_str(&p, kind);
	md_sqlp_str(&p, rcpt);
	md_sqlp_bin(&p, msg, strlen(msg));
	res = md_db_query(db, "INSERT INTO outbox (project, iid, kind, rcpt, mail_from,"
	    " message_id, data, created) VALUES ('acme', 12, $1, $2, '',"
	    " 'm1@desk.example', $3, extract(epoch FROM now())::bigint) RETURNING id",
	    &p, e, sizeof e);
	md_sqlp_free(&p);
	ck_assert_msg(res != NULL, "%s", e);
	id = md_db_ll(res, 0, 0);
	PQclear(res);
	return id;
}

static long long
add(const char *rcpt)
{
	return add_row("confirmation", rcpt);
}

/* A row as a sender that died left it (claim expired, maybe a marker). */
static void
left_by_dead_sender(long long id, const char *handover)
{
	char s[32];

	snprintf(s, sizeof s, "%lld", id);
	sql("UPDATE outbox SET claimed_by = 'dead-1', attempts = 1,"
	    " claimed_until = extract(epoch FROM now())::bigint - 5, handover = $2"
	    " WHERE id = $1::bigint", s, handover);
}

static long long
notes_like(const char *pattern)
{
	return num("SELECT count(*) FROM notes WHERE kind = 'system' AND text LIKE $1",
	    pattern);
}

static void
setup(void)
{
	md_log_open("test_outbox", 1, LOG_MAIL);
	md_pgfx_fresh();
	db = md_db_new(md_pgfx_conninfo);
	ck_assert_ptr_nonnull(db);
	/* acme#12, the issue the mails are about */
	sql("INSERT INTO projects (name, created) VALUES ('acme', 1700000000)", NULL, NULL);
	sql("INSERT INTO issues (project, iid, title, author, created, updated)"
	    " VALUES ('acme', 12, 'help', 'c@example.org', 1700000000, 1700000000)",
	    NULL, NULL);
}

static void
teardown(void)
{
	md_db_free(db);
	db = NULL;
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
start_with(const struct smtp_peer *p, const char *relay_timeout_ms,
    const char *block_ms)
{
	struct runner *rn = calloc(1, sizeof *rn);
	char relay[64];

	ck_assert_ptr_nonnull(rn);
	snprintf(relay, sizeof relay, "smtp://127.0.0.1:%d", smtp_peer_port(p));
	md_config_defaults(&rn->cfg);
	md_pgfx_config(&rn->cfg);
	set(&rn->cfg, "relay", relay);
	set(&rn->cfg, "relay_timeout_ms", relay_timeout_ms);
	set(&rn->cfg, "retry_base_s", "1");
	set(&rn->cfg, "retry_max_s", "2");
	set(&rn->cfg, "worker_block_ms", block_ms);
	ck_assert_int_eq(pthread_create(&rn->thr, NULL, run, rn), 0);
	return rn;
}

static struct runner *
start(const struct smtp_peer *p, const char *relay_timeout_ms)
{
	return start_with(p, relay_timeout_ms, "100");
}

static void
stop(struct runner *rn)
{
	long t0 = now_ms();

	rn->stop = 1;
	pthread_join(rn->thr, NULL);
	ck_assert_int_lt(now_ms() - t0, 2000);	/* within a wait or a pause */
	ck_assert_int_eq(rn->rc, 0);
	md_config_free(&rn->cfg);
	free(rn);
}

START_TEST(sent_once_and_kept)
{
	struct smtp_peer *p = smtp_peer_start(PEER_ACCEPT);
	struct runner *rn;
	long long id = add("c@example.org");
	char *data, *from;

	rn = start(p, "2000");
	ck_assert_int_eq(smtp_peer_wait_delivered(p, 1, 5000), 1);
	ck_assert(wait_state(id, "sent", 3000));
	sleep_ms(300);			/* a few more loop turns: nothing resent */
	stop(rn);
	ck_assert_int_eq(smtp_peer_delivered(p), 1);
	ck_assert_int_eq(num("SELECT count(*) FROM outbox WHERE state = 'sent'"
	    " AND done_at IS NOT NULL AND handover IS NULL AND claimed_until IS NULL"
	    " AND attempts = 1", NULL), 1);
	data = smtp_peer_last_data(p);
	from = smtp_peer_last_from(p);
	ck_assert_str_eq(data, msg);
	ck_assert_str_eq(from, "<>");
	free(data);
	free(from);
	smtp_peer_stop(p);
}
END_TEST

START_TEST(tempfail_retried_after_backoff)
{
	struct smtp_peer *p = smtp_peer_start(PEER_RCPT_450);
	struct runner *rn;
	long long id = add("c@example.org");
	long t0, t1;

	rn = start(p, "2000");
	ck_assert_int_eq(smtp_peer_wait_sessions(p, 1, 5000), 1);
	t0 = now_ms();
	sleep_ms(200);
	ck_assert(state_is(id, "queued"));		/* kept */
	ck_assert_int_eq(num("SELECT count(*) FROM outbox WHERE last_error LIKE '450%'"
	    " AND next_attempt > extract(epoch FROM now()) - 1 AND claimed_until IS NULL",
	    NULL), 1);
	ck_assert_int_eq(smtp_peer_sessions(p), 1);	/* not hammered */
	smtp_peer_set_mode(p, PEER_ACCEPT);
	ck_assert_int_eq(smtp_peer_wait_delivered(p, 1, 6000), 1);
	t1 = now_ms();
	ck_assert_int_ge(t1 - t0, 700);		/* waited for the 1 s backoff */
	ck_assert(wait_state(id, "sent", 3000));
	sleep_ms(300);
	stop(rn);
	ck_assert_int_eq(smtp_peer_delivered(p), 1);
	ck_assert_int_eq(smtp_peer_sessions(p), 2);
	ck_assert_int_eq(num("SELECT attempts FROM outbox", NULL), 2);
	smtp_peer_stop(p);
}
END_TEST

START_TEST(permfail_noted_and_bounced)
{
	struct smtp_peer *p = smtp_peer_start(PEER_RCPT_550);
	struct runner *rn;
	long long id = add("C@example.org");

	rn = start(p, "2000");
	ck_assert(wait_state(id, "failed", 5000));
	stop(rn);
	ck_assert_int_eq(smtp_peer_delivered(p), 0);
	ck_assert_int_eq(smtp_peer_sessions(p), 1);
	ck_assert_int_eq(notes_like("Mail to C@example.org failed permanently: "
	    "550 5.1.1 <rcpt>: Recipient address rejected: 5.1.1 User unknown%"), 1);
	ck_assert_int_eq(num("SELECT count(*) FROM notes n JOIN issues i ON"
	    " i.id = n.issue_id WHERE i.iid = 12 AND n.created > 1700000000", NULL), 1);
	ck_assert_int_eq(num("SELECT count(*) FROM bounced WHERE email = 'c@example.org'"
	    " AND reason LIKE '550 5.1.1%'", NULL), 1);
	ck_assert_int_eq(num("SELECT count(*) FROM outbox WHERE last_error LIKE"
	    " '550 5.1.1%' AND done_at IS NOT NULL", NULL), 1);
	smtp_peer_stop(p);
}
END_TEST

/* A 5xx to the data refuses the message: noted, but nobody is marked bounced. */
START_TEST(refused_noted_not_bounced)
{
	struct smtp_peer *p = smtp_peer_start(PEER_DATA_554);
	struct runner *rn;
	long long id = add("c@example.org");

	rn = start(p, "2000");
	ck_assert(wait_state(id, "dropped", 5000));
	stop(rn);
	ck_assert_int_eq(num("SELECT count(*) FROM bounced", NULL), 0);
	ck_assert_int_eq(notes_like("%refused the mail to c@example.org for good%"), 1);
	smtp_peer_stop(p);
}
END_TEST

/* A 5xx before RCPT (the relay wants TLS) is ours to fix: retried. */
START_TEST(refused_before_rcpt_retried)
{
	struct smtp_peer *p = smtp_peer_start(PEER_MAIL_530);
	struct runner *rn;
	long long id = add("c@example.org");

	rn = start(p, "2000");
	ck_assert_int_eq(smtp_peer_wait_sessions(p, 1, 5000), 1);
	sleep_ms(200);
	ck_assert(state_is(id, "queued"));
	smtp_peer_set_mode(p, PEER_ACCEPT);
	ck_assert(wait_state(id, "sent", 6000));
	stop(rn);
	ck_assert_int_eq(num("SELECT count(*) FROM bounced", NULL), 0);
	ck_assert_int_eq(notes_like("%"), 0);
	smtp_peer_stop(p);
}
END_TEST

/*
 * A sender died after handing the mail over (handover marker set, claim
 * expired): it may have been delivered.  A confirmation is dropped with a
 * note on the issue instead of being sent a second time; a responder's
 * comment is sent again.
 */
START_TEST(handed_over_not_resent)
{
	struct smtp_peer *p = smtp_peer_start(PEER_ACCEPT);
	struct runner *rn;
	long long id, id2;
	char *to;

	id = add("c@example.org");
	id2 = add_row("note", "d@example.org");
	left_by_dead_sender(id, "dead-1");
	left_by_dead_sender(id2, "dead-1");
	rn = start(p, "300");
	ck_assert(wait_state(id, "dropped", 5000));
	ck_assert(wait_state(id2, "sent", 5000));
	sleep_ms(200);
	stop(rn);
	ck_assert_int_eq(smtp_peer_delivered(p), 1);
	to = smtp_peer_last_rcpt(p);
	ck_assert_str_eq(to, "<d@example.org>");
	free(to);
	ck_assert_int_eq(num("SELECT count(*) FROM outbox WHERE handover IS NOT NULL",
	    NULL), 0);
	ck_assert_int_eq(num("SELECT count(*) FROM bounced", NULL), 0);	/* no bounce */
	ck_assert_int_eq(notes_like("The confirmation mail to c@example.org may not "
	    "have been delivered%"), 1);
	ck_assert_int_eq(notes_like("%"), 1);
	smtp_peer_stop(p);
}
END_TEST

/* Refused after the handover (451 after the dot): marker cleared, retried. */
START_TEST(handover_marker_cleared)
{
	struct smtp_peer *p = smtp_peer_start(PEER_DATA_451);
	struct runner *rn;
	long long id = add("c@example.org");

	rn = start(p, "2000");
	ck_assert_int_eq(smtp_peer_wait_sessions(p, 1, 5000), 1);
	sleep_ms(200);
	ck_assert(state_is(id, "queued"));
	ck_assert_int_eq(num("SELECT count(*) FROM outbox WHERE handover IS NULL"
	    " AND last_error LIKE '451%'", NULL), 1);
	smtp_peer_set_mode(p, PEER_ACCEPT);
	ck_assert_int_eq(smtp_peer_wait_delivered(p, 1, 8000), 1);
	ck_assert(wait_state(id, "sent", 3000));
	stop(rn);
	ck_assert_int_eq(num("SELECT count(*) FROM outbox WHERE handover IS NULL", NULL), 1);
	smtp_peer_stop(p);
}
END_TEST

/*
 * No answer after the data: the relay may have the mail.  The sender's
 * own marker stays, so the retry decides as after a dead sender: the
 * confirmation is not sent again, the responder's note is.
 */
START_TEST(no_answer_keeps_marker)
{
	struct smtp_peer *p = smtp_peer_start(PEER_DATA_HANGUP);
	struct runner *rn;
	long long id = add("c@example.org"), id2;
	char *who;

	rn = start(p, "2000");
	ck_assert_int_eq(smtp_peer_wait_sessions(p, 1, 5000), 1);
	sleep_ms(300);
	who = md_pgfx_value("SELECT coalesce(handover, '') FROM outbox", NULL);
	ck_assert_msg(strstr(who, "-") != NULL, "handover '%s'", who);	/* host-pid-n */
	free(who);
	smtp_peer_set_mode(p, PEER_ACCEPT);
	ck_assert(wait_state(id, "dropped", 6000));
	ck_assert_int_eq(smtp_peer_delivered(p), 1);	/* the peer had it: once */
	ck_assert_int_eq(smtp_peer_sessions(p), 1);
	ck_assert_int_eq(notes_like("%may not have been delivered%"), 1);
	/* the same for a responder's mail: sent again */
	smtp_peer_set_mode(p, PEER_DATA_HANGUP);
	id2 = add_row("close", "c@example.org");
	ck_assert_int_eq(smtp_peer_wait_sessions(p, 2, 5000), 2);
	/* Not before the peer had the data and hung up: a session that has
	 * only started would be accepted at once (seen under load). */
	for (int waited = 0; smtp_peer_delivered(p) < 2 && waited < 5000; waited += 20)
		sleep_ms(20);
	ck_assert_int_eq(smtp_peer_delivered(p), 2);
	smtp_peer_set_mode(p, PEER_ACCEPT);
	ck_assert(wait_state(id2, "sent", 6000));
	stop(rn);
	ck_assert_int_eq(smtp_peer_delivered(p), 3);	/* the close notice twice */
	ck_assert_int_eq(notes_like("%may not have been delivered%"), 1);
	smtp_peer_stop(p);
}
END_TEST

/* A live claim of another sender is respected until its lease ends. */
START_TEST(live_claim_respected)
{
	struct smtp_peer *p = smtp_peer_start(PEER_ACCEPT);
	struct runner *rn;
	long long id = add("c@example.org");
	char s[32];

	snprintf(s, sizeof s, "%lld", id);
	sql("UPDATE outbox SET claimed_by = 'busy-1', attempts = 1, claimed_until ="
	    " extract(epoch FROM now())::bigint + 2 WHERE id = $1::bigint", s, NULL);
	rn = start(p, "300");
	sleep_ms(1000);
	ck_assert_int_eq(smtp_peer_sessions(p), 0);
	ck_assert(wait_state(id, "sent", 5000));	/* once the lease is over */
	stop(rn);
	ck_assert_int_eq(smtp_peer_delivered(p), 1);
	smtp_peer_stop(p);
}
END_TEST

/* A claim lost to another sender: the old owner records nothing. */
START_TEST(lost_claim_records_nothing)
{
	struct md_store st;
	struct md_config cfg;
	struct md_outbox_mail *m;
	size_t n;
	char err[512];
	long long id = add("c@example.org");

	md_config_defaults(&cfg);
	md_pgfx_config(&cfg);
	ck_assert_msg(md_store_open(&st, &cfg, 1, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(md_outbox_claim(&st, "a", 60, 10, &m, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(m[0].id, id);
	ck_assert_int_eq(m[0].attempts, 1);
	ck_assert_str_eq(m[0].handover, "");
	ck_assert_uint_eq(m[0].len, strlen(msg));
	ck_assert_int_eq(memcmp(m[0].data, msg, m[0].len), 0);
	/* claimed: nobody else gets it */
	md_outbox_mails_free(m, n);
	ck_assert_int_eq(md_outbox_claim(&st, "b", 60, 10, &m, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 0);
	/* the lease runs out, b takes it */
	sql("UPDATE outbox SET claimed_until = 1", NULL, NULL);
	ck_assert_int_eq(md_outbox_claim(&st, "b", 60, 10, &m, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(m[0].attempts, 2);
	/* a can neither hand it over nor record anything */
	ck_assert_int_eq(md_outbox_handover_set(&st, id, "a", 60, err, sizeof err), 0);
	ck_assert_int_eq(md_outbox_sent(&st, id, "a", err, sizeof err), 0);
	ck_assert_int_eq(md_outbox_retry(&st, id, "a", 5, 0, "x", err, sizeof err), 0);
	ck_assert_int_eq(md_outbox_end(&st, &m[0], "a", 1, "550 x", "note", err,
	    sizeof err), 0);
	ck_assert_int_eq(notes_like("%"), 0);
	ck_assert_int_eq(num("SELECT count(*) FROM bounced", NULL), 0);
	/* b can; sent twice is still one outcome (a replay after a lost reply) */
	ck_assert_int_eq(md_outbox_handover_set(&st, id, "b", 60, err, sizeof err), 1);
	ck_assert_int_eq(md_outbox_sent(&st, id, "b", err, sizeof err), 1);
	ck_assert_int_eq(md_outbox_sent(&st, id, "b", err, sizeof err), 1);
	ck_assert(state_is(id, "sent"));
	ck_assert_int_eq(num("SELECT count(*) FROM outbox WHERE handover IS NULL", NULL), 1);
	md_outbox_mails_free(m, n);
	md_store_close(&st);
	md_config_free(&cfg);
}
END_TEST

/* ---- several senders ------------------------------------------------------ */

#define RACE_ROWS	300
#define RACE_THREADS	4

struct claimer {
	pthread_t	 thr;
	char		 me[16];
	long long	 ids[RACE_ROWS];
	size_t		 n;
	int		 failed;
};

static void *
claim_all(void *arg)
{
	struct claimer *c = arg;
	struct md_store st;
	struct md_config cfg;
	struct md_outbox_mail *m;
	size_t n, k;
	char err[512];
	int idle = 0;

	md_config_defaults(&cfg);
	md_pgfx_config(&cfg);
	if (md_store_open(&st, &cfg, 0, err, sizeof err) < 0) {
		c->failed = 1;
		return NULL;
	}
	while (idle < 3) {
		if (md_outbox_claim(&st, c->me, 60, 7, &m, &n, err, sizeof err) < 0) {
			c->failed = 1;
			break;
		}
		idle = n == 0 ? idle + 1 : 0;
		for (k = 0; k < n && c->n < RACE_ROWS; k++) {
			c->ids[c->n++] = m[k].id;
			if (md_outbox_sent(&st, m[k].id, c->me, err, sizeof err) != 1)
				c->failed = 1;
		}
		md_outbox_mails_free(m, n);
	}
	md_store_close(&st);
	md_config_free(&cfg);
	return NULL;
}

/* Claimers at the same moment never get the same row (SKIP LOCKED). */
START_TEST(claim_race_no_row_twice)
{
	static struct claimer c[RACE_THREADS];
	static unsigned char seen[RACE_ROWS * 2 + 16];
	long long first = 0, id;
	size_t total = 0, k;
	int i;

	for (i = 0; i < RACE_ROWS; i++) {
		id = add("c@example.org");
		if (i == 0)
			first = id;
	}
	memset(c, 0, sizeof c);
	memset(seen, 0, sizeof seen);
	for (i = 0; i < RACE_THREADS; i++) {
		snprintf(c[i].me, sizeof c[i].me, "s%d", i);
		ck_assert_int_eq(pthread_create(&c[i].thr, NULL, claim_all, &c[i]), 0);
	}
	for (i = 0; i < RACE_THREADS; i++)
		pthread_join(c[i].thr, NULL);
	for (i = 0; i < RACE_THREADS; i++) {
		ck_assert_msg(!c[i].failed, "claimer %d failed", i);
		total += c[i].n;
		for (k = 0; k < c[i].n; k++) {
			id = c[i].ids[k] - first;
			ck_assert(id >= 0 && id < RACE_ROWS);
			ck_assert_msg(seen[id] == 0, "row %lld claimed twice", c[i].ids[k]);
			seen[id] = 1;
		}
	}
	ck_assert_uint_eq(total, RACE_ROWS);
	ck_assert_int_eq(rows_in("sent"), RACE_ROWS);
	ck_assert_int_eq(num("SELECT count(*) FROM outbox WHERE attempts <> 1", NULL), 0);
}
END_TEST

/* Two sender loops (each with its own relay) share the table: all sent once. */
START_TEST(two_senders_send_each_once)
{
	struct smtp_peer *p1 = smtp_peer_start(PEER_ACCEPT);
	struct smtp_peer *p2 = smtp_peer_start(PEER_ACCEPT);
	struct runner *r1, *r2;
	int i, d1, d2;

	r1 = start(p1, "2000");
	r2 = start(p2, "2000");
	sleep_ms(300);		/* both waiting */
	for (i = 0; i < 60; i++)
		add("c@example.org");
	for (i = 0; i < 250 && rows_in("sent") < 60; i++)
		sleep_ms(20);
	sleep_ms(300);
	stop(r1);
	stop(r2);
	d1 = smtp_peer_delivered(p1);
	d2 = smtp_peer_delivered(p2);
	ck_assert_int_eq(rows_in("sent"), 60);
	ck_assert_int_eq(d1 + d2, 60);
	ck_assert_int_eq(num("SELECT count(*) FROM outbox WHERE attempts <> 1", NULL), 0);
	smtp_peer_stop(p1);
	smtp_peer_stop(p2);
}
END_TEST

/* An insert wakes a waiting sender (LISTEN), long before its poll. */
START_TEST(listen_wakes_sender)
{
	struct smtp_peer *p = smtp_peer_start(PEER_ACCEPT);
	struct runner *rn;
	long t0;

	rn = start_with(p, "2000", "30000");
	sleep_ms(700);		/* claimed nothing, LISTENing */
	t0 = now_ms();
	add("c@example.org");
	ck_assert_int_eq(smtp_peer_wait_delivered(p, 1, 5000), 1);
	ck_assert_int_lt(now_ms() - t0, 1500);
	/* and again, now that it waits for the next one */
	sleep_ms(300);
	t0 = now_ms();
	add("c@example.org");
	ck_assert_int_eq(smtp_peer_wait_delivered(p, 2, 5000), 2);
	ck_assert_int_lt(now_ms() - t0, 1500);
	stop(rn);
	smtp_peer_stop(p);
}
END_TEST

START_TEST(many_rows_all_sent)
{
	struct smtp_peer *p = smtp_peer_start(PEER_ACCEPT);
	struct runner *rn;
	int i;

	for (i = 0; i < 25; i++)
		add("c@example.org");
	rn = start(p, "2000");
	ck_assert_int_eq(smtp_peer_wait_delivered(p, 25, 10000), 25);
	for (i = 0; i < 150 && rows_in("sent") < 25; i++)
		sleep_ms(20);
	sleep_ms(200);
	stop(rn);
	ck_assert_int_eq(smtp_peer_delivered(p), 25);
	ck_assert_int_eq(rows_in("sent"), 25);
	smtp_peer_stop(p);
}
END_TEST

START_TEST(relay_down_not_hammered)
{
	struct smtp_peer *p = smtp_peer_start(PEER_CLOSE);
	struct runner *rn;
	int i, n;

	for (i = 0; i < 5; i++)
		add("c@example.org");
	rn = start(p, "2000");
	ck_assert_int_ge(smtp_peer_wait_sessions(p, 1, 5000), 1);
	sleep_ms(2500);
	n = smtp_peer_sessions(p);
	/* one try, then a pause of retry_base_s per outage, not one per mail */
	ck_assert_int_le(n, 4);
	ck_assert_int_eq(rows_in("queued"), 5);
	ck_assert_int_eq(num("SELECT count(*) FROM outbox WHERE claimed_until IS NULL",
	    NULL), 5);		/* untried rows were given back */
	smtp_peer_set_mode(p, PEER_ACCEPT);
	ck_assert_int_eq(smtp_peer_wait_delivered(p, 5, 10000), 5);
	for (i = 0; i < 150 && rows_in("sent") < 5; i++)
		sleep_ms(20);
	stop(rn);
	ck_assert_int_eq(smtp_peer_delivered(p), 5);
	ck_assert_int_eq(rows_in("sent"), 5);
	smtp_peer_stop(p);
}
END_TEST

/* Sent and dropped rows older than a week go; the rest stays. */
START_TEST(old_rows_swept)
{
	struct smtp_peer *p = smtp_peer_start(PEER_ACCEPT);
	struct runner *rn;
	const char *old = "extract(epoch FROM now())::bigint - 8 * 86400";
	char q[256];

	add("a@example.org");
	add("b@example.org");
	add("c@example.org");
	add("d@example.org");
	snprintf(q, sizeof q, "UPDATE outbox SET state = 'sent', done_at = %s"
	    " WHERE rcpt = 'a@example.org'", old);
	sql(q, NULL, NULL);
	snprintf(q, sizeof q, "UPDATE outbox SET state = 'dropped', done_at = %s"
	    " WHERE rcpt = 'b@example.org'", old);
	sql(q, NULL, NULL);
	snprintf(q, sizeof q, "UPDATE outbox SET state = 'failed', done_at = %s"
	    " WHERE rcpt = 'c@example.org'", old);
	sql(q, NULL, NULL);
	rn = start(p, "2000");
	ck_assert_int_eq(smtp_peer_wait_delivered(p, 1, 5000), 1);	/* d */
	sleep_ms(200);
	stop(rn);
	ck_assert_int_eq(num("SELECT count(*) FROM outbox", NULL), 2);
	ck_assert_int_eq(rows_in("failed"), 1);
	ck_assert_int_eq(rows_in("sent"), 1);		/* d, just now */
	smtp_peer_stop(p);
}
END_TEST

START_TEST(database_down_waits_and_stops)
{
	struct smtp_peer *p = smtp_peer_start(PEER_ACCEPT);
	struct runner *rn = calloc(1, sizeof *rn);
	char nowhere[256];

	snprintf(nowhere, sizeof nowhere, "host=%s/nowhere dbname=maildesk "
	    "connect_timeout=2", md_pgfx_dir);
	md_config_defaults(&rn->cfg);
	set(&rn->cfg, "database", nowhere);
	set(&rn->cfg, "worker_block_ms", "100");
	ck_assert_int_eq(pthread_create(&rn->thr, NULL, run, rn), 0);
	sleep_ms(700);
	stop(rn);
	ck_assert_int_eq(smtp_peer_sessions(p), 0);
	smtp_peer_stop(p);
}
END_TEST

START_TEST(stats_and_pending)
{
	struct md_store st;
	struct md_config cfg;
	struct md_outbox_stats s;
	struct md_outbox_pending *pd;
	size_t n;
	char err[512];

	add("a@example.org");
	add("b@example.org");
	add("c@example.org");
	sql("UPDATE outbox SET state = 'sent', done_at = 1 WHERE rcpt = 'a@example.org'",
	    NULL, NULL);
	sql("UPDATE outbox SET attempts = 2, last_error = '450 later', handover = 'x',"
	    " next_attempt = extract(epoch FROM now())::bigint + 600"
	    " WHERE rcpt = 'b@example.org'", NULL, NULL);
	md_config_defaults(&cfg);
	md_pgfx_config(&cfg);
	ck_assert_msg(md_store_open(&st, &cfg, 1, err, sizeof err) == 0, "%s", err);
	ck_assert_msg(md_outbox_stats(&st, &s, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(s.queued, 2);
	ck_assert_int_eq(s.due, 1);
	ck_assert_int_eq(s.deferred, 1);
	ck_assert_int_eq(s.handover, 1);
	ck_assert_int_eq(s.sent, 1);
	ck_assert_int_eq(s.claimed, 0);
	ck_assert_int_ge(s.oldest, 0);
	ck_assert_int_eq(md_outbox_pending(&st, 10, &pd, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(pd[0].rcpt, "c@example.org");	/* due first */
	ck_assert_str_eq(pd[1].rcpt, "b@example.org");
	ck_assert_str_eq(pd[1].last_error, "450 later");
	ck_assert_str_eq(pd[1].handover, "x");
	ck_assert_int_eq(pd[1].attempts, 2);
	ck_assert_str_eq(pd[0].project, "acme");
	ck_assert_int_eq(pd[0].iid, 12);
	md_outbox_pending_free(pd, n);
	md_store_close(&st);
	md_config_free(&cfg);
}
END_TEST

static Suite *
outbox_suite(void)
{
	Suite *s = suite_create("outbox");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, sent_once_and_kept);
	tcase_add_test(tc, tempfail_retried_after_backoff);
	tcase_add_test(tc, permfail_noted_and_bounced);
	tcase_add_test(tc, refused_noted_not_bounced);
	tcase_add_test(tc, refused_before_rcpt_retried);
	tcase_add_test(tc, handed_over_not_resent);
	tcase_add_test(tc, handover_marker_cleared);
	tcase_add_test(tc, no_answer_keeps_marker);
	tcase_add_test(tc, live_claim_respected);
	tcase_add_test(tc, lost_claim_records_nothing);
	tcase_add_test(tc, claim_race_no_row_twice);
	tcase_add_test(tc, two_senders_send_each_once);
	tcase_add_test(tc, listen_wakes_sender);
	tcase_add_test(tc, many_rows_all_sent);
	tcase_add_test(tc, relay_down_not_hammered);
	tcase_add_test(tc, old_rows_swept);
	tcase_add_test(tc, database_down_waits_and_stops);
	tcase_add_test(tc, stats_and_pending);
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(outbox_suite)
