/*
 * test_tracker.c - the tracker against a real redis-server: records to
 * issues, idempotent replay, the issue-number race, who gets mail, bad
 * records and dead letters (responders' changes: test_tracker_edit.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracker_int.h"
#include "tracker_fixture.h"

START_TEST(create_from_record)
{
	struct md_ingest res = new_issue("m1@example.org", "Carol@Example.ORG",
	    "Printer on fire", "It is burning.");
	struct md_issue_full f;

	ck_assert_int_eq(res.kind, MD_INGEST_CREATED);
	ck_assert_str_eq(res.project, "acme");
	ck_assert_int_eq(res.iid, 1);
	ck_assert_int_eq(res.mailed, 1);
	/* acknowledged and deleted in the same step */
	ck_assert_int_eq(num("XLEN %s", "maildesk:inbox"), 0);
	ck_assert_int_eq(pending(), 0);
	ck_assert_int_eq(num("HGET %s last_iid", "maildesk:project:acme"), 1);

	ck_assert_int_eq(md_tracker_get(r, "acme", 1, &f, err, sizeof err), 0);
	ck_assert_str_eq(f.issue.title, "Printer on fire");
	ck_assert_str_eq(f.issue.description, "It is burning.");
	ck_assert_str_eq(f.issue.author, "Support Bot");
	ck_assert_str_eq(f.issue.customer_email, "carol@example.org");
	ck_assert_str_eq(f.issue.customer_name, "Carol Customer");
	ck_assert_str_eq(f.issue.state, "opened");
	ck_assert_str_eq(f.issue.labels, "");
	ck_assert_str_eq(f.issue.message_id, "m1@example.org");
	ck_assert_int_eq(f.issue.confidential, 1);
	ck_assert_int_gt(f.issue.created, 0);
	ck_assert_uint_eq(strlen(f.issue.reply_key), MD_KEY_LEN);
	ck_assert_uint_eq(f.nsubs, 1);
	ck_assert_str_eq(f.subs[0].email, "carol@example.org");
	ck_assert_int_eq(f.subs[0].subscribed, 1);
	ck_assert_ptr_nonnull(strstr(f.raw, "It is burning."));

	/* keys, thread index, customer index, confirmation in the outbox */
	ck_assert_str_eq(str("HGET maildesk:rkey:%s %s", f.issue.reply_key, "project"), "acme");
	ck_assert_str_eq(str("HGET maildesk:ukey:%s %s", f.issue.unsub_key, "iid"), "1");
	ck_assert_str_eq(str("GET maildesk:thread:%s%s", "m1@example.org", ""), "acme#1");
	ck_assert_int_eq(num("SCARD %s", "maildesk:issues:acme:customer:carol@example.org"), 1);
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 1);
	{
		redisReply *o = md_redis_cmd(r, "XRANGE maildesk:outbox - +");
		const redisReply *fl = o->element[0]->element[1];
		char data[16384] = "", mid[256] = "";
		size_t k;

		for (k = 0; k + 1 < fl->elements; k += 2) {
			if (strcmp(fl->element[k]->str, "data") == 0)
				snprintf(data, sizeof data, "%s", fl->element[k + 1]->str);
			if (strcmp(fl->element[k]->str, "message_id") == 0)
				snprintf(mid, sizeof mid, "%s", fl->element[k + 1]->str);
			if (strcmp(fl->element[k]->str, "kind") == 0)
				ck_assert_str_eq(fl->element[k + 1]->str, "confirmation");
			if (strcmp(fl->element[k]->str, "rcpt") == 0)
				ck_assert_str_eq(fl->element[k + 1]->str, "carol@example.org");
		}
		freeReplyObject(o);
		ck_assert_ptr_nonnull(strstr(data, "[acme#1]"));
		ck_assert_ptr_nonnull(strstr(data, "In-Reply-To: <m1@example.org>"));
		ck_assert_ptr_nonnull(strstr(data, "Auto-Submitted: auto-replied"));
		ck_assert_ptr_nonnull(strstr(data, f.issue.reply_key));
		ck_assert_str_eq(str("GET maildesk:thread:%s%s", mid, ""), "acme#1");
	}
	md_issue_full_free(&f);
}
END_TEST

/* A 64 KB subject: the confirmation quotes its start and keeps the tag. */
START_TEST(long_subject_confirmed)
{
	md_buf subj = MD_BUF_INIT;
	const char *data, *h, *e;
	int i;

	for (i = 0; i < 1000; i++)
		md_buf_puts(&subj, "word ");
	ck_assert_int_eq(new_issue("long@x", "carol@example.org", md_buf_str(&subj),
	    "t").kind, MD_INGEST_CREATED);
	data = outbox_field("data");
	ck_assert_ptr_nonnull(h = strstr(data, "\r\nSubject: "));
	for (e = h + 2; (e = strstr(e, "\r\n")) != NULL && (e[2] == ' ' || e[2] == '\t'); e += 2)
		;	/* the end of the (folded) field */
	ck_assert_ptr_nonnull(e);
	ck_assert_int_lt(e - h, 400);
	ck_assert_ptr_nonnull(strstr(h, "[acme#1]"));
	ck_assert(strstr(h, "[acme#1]") < e);
	md_buf_free(&subj);
}
END_TEST

START_TEST(replay_is_idempotent)
{
	struct md_record rec;
	struct md_ingest res;
	int i;

	mkrec(&rec, "new", "same@example.org", "a@example.org", "hello", "body");
	for (i = 0; i < 5; i++) {
		res = run(&rec);
		ck_assert_int_eq(res.iid, 1);
		ck_assert_int_eq(res.kind, i == 0 ? MD_INGEST_CREATED : MD_INGEST_DUP);
	}
	md_record_free(&rec);
	ck_assert_int_eq(num("HGET %s last_iid", "maildesk:project:acme"), 1);
	ck_assert_int_eq(num("ZCARD %s", "maildesk:issues:acme"), 1);
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 1);
	ck_assert_int_eq(num("XLEN %s", "maildesk:inbox"), 0);
	ck_assert_int_eq(pending(), 0);
}
END_TEST

/* A new request without Message-ID and with this raw text. */
static struct md_ingest
new_with_raw(const char *from, const char *raw)
{
	struct md_record rec;
	struct md_ingest res;

	mkrec(&rec, "new", "", from, "two", "text");
	md_record_set(&rec, MD_F_RAW, raw);
	res = run(&rec);
	md_record_free(&rec);
	return res;
}

START_TEST(no_message_id_dedup_by_raw)
{
	ck_assert_int_eq(new_issue("", "a@example.org", "one", "same text").kind, MD_INGEST_CREATED);
	ck_assert_int_eq(new_issue("", "a@example.org", "one", "same text").kind, MD_INGEST_DUP);
	ck_assert_int_eq(new_issue("", "a@example.org", "one", "other text").iid, 2);
	ck_assert_int_eq(num("ZCARD %s", "maildesk:issues:acme"), 2);
	/* a retry through our MTA again: only its Received: lines differ */
	ck_assert_int_eq(new_with_raw("b@example.org", "Received: from mx.example.org\r\n"
	    "\tby desk.example with ESMTP id AAA1; Tue, 1 Dec 2026 10:00:00 +0000\r\n"
	    "From: b@example.org\r\nSubject: two\r\n\r\nReceived: in the body\r\n").kind,
	    MD_INGEST_CREATED);
	ck_assert_int_eq(new_with_raw("b@example.org", "Received: from mx2.example.org\r\n"
	    "\tby desk.example with ESMTP id BBB2; Tue, 1 Dec 2026 10:05:00 +0000\r\n"
	    "received : from the client\r\n"
	    "From: b@example.org\r\nSubject: two\r\n\r\nReceived: in the body\r\n").kind,
	    MD_INGEST_DUP);
	/* the body's own lines count */
	ck_assert_int_eq(new_with_raw("b@example.org", "From: b@example.org\r\n"
	    "Subject: two\r\n\r\nReceived: elsewhere in the body\r\n").kind,
	    MD_INGEST_CREATED);
	ck_assert_int_eq(num("ZCARD %s", "maildesk:issues:acme"), 4);
}
END_TEST

/* Runs the create script with argv and checks the first word of its reply. */
static void
create_answers(const char **argv, int argc, const char *want)
{
	redisReply *rep = md_redis_eval(r, &md_trk_create_script, 0, argc, argv, NULL);

	ck_assert_ptr_nonnull(rep);
	ck_assert_int_eq(rep->type, REDIS_REPLY_ARRAY);
	ck_assert_str_eq(rep->element[0]->str, want);
	freeReplyObject(rep);
}

START_TEST(number_guard_and_race)
{
	const char *argv[] = { "maildesk:", "acme", "5", "", "x@y", "1", "a@b",
	    "k1", "k2", "", "maildesk:stage:acme:5", "0", "0", "0" };
	pid_t pid[4];
	int i, j, status;
	long n;

	/* The script refuses a number that is taken and writes nothing (the
	 * staged record is the caller's transaction's to delete). */
	ck_assert_int_eq(num("HSET %s x y", "maildesk:issue:acme:5"), 1);
	ck_assert_int_eq(num("HSET %s title t", "maildesk:stage:acme:5"), 1);
	create_answers(argv, 14, "retry");
	ck_assert_int_eq(num("HLEN %s", "maildesk:issue:acme:5"), 1);
	ck_assert_int_eq(num("HLEN %s", "maildesk:msgid:acme"), 0);
	ck_assert_int_eq(num("HLEN %s", "maildesk:stage:acme:5"), 1);
	/* Nothing staged (the transaction's first commands failed): the same. */
	ck_assert_int_eq(num("DEL %s", "maildesk:stage:acme:5"), 1);
	create_answers(argv, 14, "retry");
	ck_assert_int_eq(num("HLEN %s", "maildesk:issue:acme:5"), 1);
	ck_assert_int_eq(num("DEL %s", "maildesk:issue:acme:5"), 1);

	/* Four processes racing for numbers: 100 issues, 1..100, no gaps.
	 * All to one address: the automatic-mail cap would stop at 20. */
	cfg.max_auto_mails_per_hour = 0;
	for (i = 0; i < 4; i++) {
		if ((pid[i] = fork()) == 0) {
			struct md_redis *c = md_redis_new(&cfg);
			struct md_record rec;
			struct md_ingest res;
			char mid[64];
			int retries = 0;

			for (j = 0; j < 25; j++) {
				snprintf(mid, sizeof mid, "race-%d-%d@example.org", i, j);
				mkrec(&rec, "new", mid, "a@example.org", "race", mid);
				if (md_tracker_ingest(c, &cfg, NULL, &rec, &res, err, sizeof err) < 0)
					_exit(100);
				retries += res.retries;
				md_record_free(&rec);
			}
			md_redis_free(c);
			_exit(retries > 99 ? 99 : retries);
		}
	}
	for (i = 0, n = 0; i < 4; i++) {
		ck_assert_int_eq(waitpid(pid[i], &status, 0), pid[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) < 100);
		n += WEXITSTATUS(status);
	}
	ck_assert_int_eq(n, 0);		/* reserved numbers: no lost races */
	ck_assert_int_eq(num("HGET %s last_iid", "maildesk:project:acme"), 100);
	ck_assert_int_eq(num("ZCARD %s", "maildesk:issues:acme"), 100);
	ck_assert_int_eq(num("EXISTS %s", "maildesk:issue:acme:100"), 1);
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 100);
}
END_TEST

START_TEST(automated_record)
{
	struct md_record rec;
	struct md_ingest res;

	mkrec(&rec, "automated", "auto@example.org", "", "Out of office", "away");
	md_record_set(&rec, MD_F_AUTO_REASON, "auto-submitted");
	res = run(&rec);
	md_record_free(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_AUTOMATED);
	ck_assert_int_eq(num("XLEN %s", "maildesk:automated"), 1);
	ck_assert_int_eq(num("XLEN %s", "maildesk:inbox"), 0);
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 0);
	ck_assert_int_eq(num("EXISTS %s", "maildesk:issue:acme:1"), 0);
	/* kept for the admins, text included */
	ck_assert_str_eq(first_entry_field(md_redis_cmd(r, "XRANGE maildesk:automated - +"),
	    "text"), "away");
	ck_assert_str_eq(first_entry_field(md_redis_cmd(r, "XRANGE maildesk:automated - +"),
	    "auto_reason"), "auto-submitted");
}
END_TEST

/* A new request with one field of the record changed. */
static struct md_ingest
new_with(const char *msgid, const char *from, enum md_field f, const char *v)
{
	struct md_record rec;
	struct md_ingest res;

	mkrec(&rec, "new", msgid, from, "s", "t");
	md_record_set(&rec, f, v);
	res = run(&rec);
	md_record_free(&rec);
	return res;
}

START_TEST(who_gets_no_confirmation)
{
	struct md_record rec;
	struct md_ingest res;
	char e[256];

	/* unsubscribed and bounced addresses */
	num("HSET maildesk:unsubscribed %s 1", "gone@example.org");
	num("HSET maildesk:bounced %s 550", "bounce@example.org");
	res = new_issue("u1@x", "gone@example.org", "s", "t");
	ck_assert_int_eq(res.kind, MD_INGEST_CREATED);
	ck_assert_int_eq(res.mailed, 0);
	ck_assert_int_eq(new_issue("u2@x", "bounce@example.org", "s", "t").mailed, 0);
	/* null sender */
	mkrec(&rec, "new", "u3@x", "", "s", "t");
	md_record_set(&rec, MD_F_FROM_ADDR, "someone@example.org");
	res = run(&rec);
	md_record_free(&rec);
	ck_assert_int_eq(res.mailed, 0);
	ck_assert_int_eq(res.iid, 3);
	/* verified senders: only SPF pass */
	ck_assert_int_eq(md_project_set(r, "acme", "verified_senders", "yes", e, sizeof e), 0);
	res = new_with("u4@x", "soft@example.org", MD_F_SPF, "softfail");
	ck_assert_int_eq(res.kind, MD_INGEST_CREATED);
	ck_assert_int_eq(res.mailed, 0);
	ck_assert_int_eq(new_issue("u5@x", "pass@example.org", "s", "t").mailed, 1);
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 1);
	/* kind "new" with the milter's auto_reason: filed, never answered */
	res = new_with("u6@x", "pass@example.org", MD_F_AUTO_REASON, "no-reply From:");
	ck_assert_int_eq(res.kind, MD_INGEST_CREATED);
	ck_assert_int_eq(res.mailed, 0);
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 1);
	ck_assert_int_eq(num("ZCARD %s", "maildesk:issues:acme"), 6);
}
END_TEST

START_TEST(spam_label_and_bad_records)
{
	struct md_record rec;
	struct md_ingest res;

	mkrec(&rec, "new", "spam@x", "s@example.org", "cheap", "pills");
	md_record_set(&rec, MD_F_FLAGS, "html_only,spam");
	res = run(&rec);
	md_record_free(&rec);
	ck_assert_str_eq(str("HGET maildesk:issue:acme:1 %s%s", "labels", ""), "spam?");
	ck_assert_int_eq(num("SCARD %s", "maildesk:issues:acme:label:spam?"), 1);
	ck_assert_int_eq(res.iid, 1);

	/* unknown project, bad kind, reply without key: error, nothing acked */
	mkrec(&rec, "new", "p@x", "s@example.org", "s", "t");
	md_record_set(&rec, MD_F_PROJECT, "nosuch");
	ck_assert_int_eq(md_tracker_ingest(r, &cfg, NULL, &rec, &res, err, sizeof err), -1);
	ck_assert_str_eq(err, "no such project: nosuch");
	md_record_set(&rec, MD_F_KIND, "weird");
	ck_assert_int_eq(md_tracker_ingest(r, &cfg, NULL, &rec, &res, err, sizeof err), -1);
	md_record_set(&rec, MD_F_KIND, "reply");
	ck_assert_int_eq(md_tracker_ingest(r, &cfg, NULL, &rec, &res, err, sizeof err), -1);
	md_record_set(&rec, MD_F_KEY, "aaaaaaaaaaaaaaaaaaaaaaaaaa");
	ck_assert_int_eq(md_tracker_ingest(r, &cfg, NULL, &rec, &res, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown reply key"));
	md_record_free(&rec);
}
END_TEST

START_TEST(dead_letter_retry)
{
	struct md_record rec;
	struct md_dead *d;
	struct md_queue_stats st;
	struct md_pending *p;
	struct md_ingest res;
	size_t n;
	long count;
	char id[32], nid[32], d_orig[32];

	mkrec(&rec, "new", "d1@x", "carol@example.org", "Poison", "x");
	md_record_set(&rec, MD_F_PROJECT, "later");
	push(&rec, id);
	ck_assert_int_eq(md_tracker_ingest(r, &cfg, id, &rec, &res, err, sizeof err), -1);
	ck_assert_int_eq(md_queue_pending(r, 0, 10, &p, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(p[0].id, id);
	ck_assert_int_eq(p[0].deliveries, 1);
	free(p);
	ck_assert_int_eq(md_queue_bury(r, id, err, 5, err, sizeof err), 0);
	ck_assert_int_eq(num("XLEN %s", "maildesk:inbox"), 0);
	ck_assert_int_eq(md_queue_stats(r, &st, err, sizeof err), 0);
	ck_assert_int_eq(st.dead, 1);
	ck_assert_int_eq(st.inbox, 0);
	ck_assert_int_eq(st.workers.pending, 0);
	ck_assert_int_eq(st.senders.consumers, -1);

	ck_assert_int_eq(md_queue_dead(r, 10, &d, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(d[0].orig_id, id);
	ck_assert_str_eq(d[0].error, "no such project: later");
	ck_assert_str_eq(d[0].project, "later");
	ck_assert_str_eq(d[0].subject, "Poison");
	ck_assert_int_eq(d[0].failures, 5);
	snprintf(id, sizeof id, "%s", d[0].id);
	snprintf(d_orig, sizeof d_orig, "%s", d[0].orig_id);
	md_dead_free(d, n);

	/* fix the cause, retry: the same record comes back and works; a
	 * number reserved for the original entry goes with it */
	ck_assert_int_eq(md_project_add(r, "later", err, sizeof err), 0);
	{
		redisReply *rep = md_redis_cmd(r, "HSET maildesk:iidres:later %s 1",
		    d_orig);

		ck_assert_ptr_nonnull(rep);
		freeReplyObject(rep);
	}
	ck_assert_int_eq(md_queue_retry(r, "1-1", nid, sizeof nid, err, sizeof err),
	    MD_TRK_NOTFOUND);
	ck_assert_int_eq(md_queue_retry(r, id, nid, sizeof nid, err, sizeof err), 0);
	ck_assert_int_eq(num("XLEN %s", "maildesk:dead"), 0);
	ck_assert_int_eq(num("XLEN %s", "maildesk:inbox"), 1);
	ck_assert_str_eq(inbox_field(nid, "subject"), "Poison");
	ck_assert_str_eq(inbox_field(nid, "error"), "");
	ck_assert_int_eq(num("HEXISTS maildesk:iidres:later %s", d_orig), 0);
	ck_assert_int_eq(num("HGET maildesk:iidres:later %s", nid), 1);
	ck_assert_int_eq(md_tracker_ingest(r, &cfg, nid, &rec, &res, err, sizeof err), 0);
	ck_assert_str_eq(res.project, "later");
	ck_assert_int_eq(res.iid, 1);
	ck_assert_int_eq(num("HLEN %s", "maildesk:iidres:later"), 0);
	ck_assert_int_eq(num("HGET %s last_iid", "maildesk:project:later"), 1);
	md_record_free(&rec);

	/* retry all */
	num("XADD maildesk:dead * kind new project %s", "acme");
	num("XADD maildesk:dead * kind new project %s", "acme");
	ck_assert_int_eq(md_queue_retry_all(r, &count, err, sizeof err), 0);
	ck_assert_int_eq(count, 2);
}
END_TEST

static Suite *
tracker_suite(void)
{
	Suite *s = suite_create("tracker");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, create_from_record);
	tcase_add_test(tc, long_subject_confirmed);
	tcase_add_test(tc, replay_is_idempotent);
	tcase_add_test(tc, no_message_id_dedup_by_raw);
	tcase_add_test(tc, number_guard_and_race);
	tcase_add_test(tc, automated_record);
	tcase_add_test(tc, who_gets_no_confirmation);
	tcase_add_test(tc, spam_label_and_bad_records);
	tcase_add_test(tc, dead_letter_retry);
	suite_add_tcase(s, tc);
	return s;
}

MD_RFX_MAIN(tracker_suite)
