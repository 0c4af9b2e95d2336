/*
 * test_outbox.c - one sender and the fate of each mail: sent once and
 * kept, retried with backoff, bounced, refused, the handover marker and
 * claims (worker/outbox.c, lib/store/outbox_store.c), against a real PostgreSQL
 * and the scripted SMTP peer.  Several senders, wake-up, sweeping and
 * stats: test_outbox_senders.c.
 */
#include "config.h"

#include "outbox_fixture.h"

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
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(outbox_suite)
