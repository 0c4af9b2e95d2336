/*
 * test_outbox_senders.c - the outbox with several senders and over time:
 * no row claimed twice in a race, two sender loops, LISTEN wake-up, a
 * relay that is down, the sweep of old rows, the database going away,
 * stats and the pending list, against a real PostgreSQL and the scripted
 * SMTP peer.
 */
#include "config.h"

#include "outbox_fixture.h"

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
outbox_senders_suite(void)
{
	Suite *s = suite_create("outbox senders");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
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

MD_PGFX_MAIN(outbox_senders_suite)
