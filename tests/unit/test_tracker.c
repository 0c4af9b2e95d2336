/*
 * test_tracker.c - filing inbox records against a real PostgreSQL (and a
 * real redis-server for the view): records to issues, idempotent replay,
 * issue numbers without gaps with two workers, savepoints per record, who
 * gets a confirmation, automated mail and bad records (conversations:
 * test_conversation.c; responders' changes: test_tracker_edit.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "redis.h"
#include "view.h"
#include "tracker_fixture.h"

/* A field of a view hash (the milter's reader sees the same). */
static const char *
view_field(const char *key, const char *field)
{
	static char buf[256];
	redisReply *rep = md_redis_cmd(st.redis, "HGET %s %s", key, field);

	ck_assert_ptr_nonnull(rep);
	snprintf(buf, sizeof buf, "%s", rep->type == REDIS_REPLY_STRING ? rep->str : "");
	freeReplyObject(rep);
	return buf;
}

START_TEST(create_from_record)
{
	struct md_ingest res = new_issue("m1@example.org", "Carol@Example.ORG",
	    "Printer on fire", "It is burning.");
	char rkey[64], ukey[64], vk[128], mid[256];
	const char *data;

	ck_assert_int_eq(res.kind, MD_INGEST_CREATED);
	ck_assert_str_eq(res.project, "acme");
	ck_assert_int_eq(res.iid, 1);
	ck_assert_int_eq(res.mailed, 1);
	ck_assert_int_eq(num("SELECT last_iid FROM projects WHERE name = $1", "acme"), 1);
	ck_assert_str_eq(val("SELECT title || '|' || description || '|' || author || '|' || "
	    "customer_email || '|' || customer_name || '|' || state || '|' || "
	    "array_to_string(labels, ',') || '|' || message_id || '|' || confidential || "
	    "'|' || source FROM issues WHERE iid = $1::bigint", "1"),
	    "Printer on fire|It is burning.|Support Bot|carol@example.org|Carol Customer|"
	    "opened||m1@example.org|true|1-1");
	ck_assert_ptr_nonnull(strstr(val("SELECT convert_from(r.data, 'UTF8') FROM issues i "
	    "JOIN raw_messages r ON r.id = i.raw_id WHERE i.iid = $1::bigint", "1"),
	    "It is burning."));
	ck_assert_int_eq(num("SELECT count(*) FROM participants WHERE subscribed AND "
	    "email = $1", "carol@example.org"), 1);
	snprintf(rkey, sizeof rkey, "%s", val("SELECT reply_key FROM participants", NULL));
	snprintf(ukey, sizeof ukey, "%s", val("SELECT unsub_key FROM participants", NULL));
	ck_assert_uint_eq(strlen(rkey), MD_KEY_LEN);
	ck_assert_uint_eq(strlen(ukey), MD_KEY_LEN);
	ck_assert_int_eq(num("SELECT count(*) FROM filed_messages WHERE msg_key = $1 AND "
	    "issue_id IS NOT NULL", "m1@example.org"), 1);

	/* keys in the view, with what the milter reads */
	snprintf(vk, sizeof vk, "maildesk:rkey:%s", rkey);
	ck_assert_str_eq(view_field(vk, "project"), "acme");
	ck_assert_str_eq(view_field(vk, "email"), "carol@example.org");
	snprintf(vk, sizeof vk, "maildesk:ukey:%s", ukey);
	ck_assert_str_eq(view_field(vk, "iid"), "1");

	/* the confirmation, threaded under the request, in the thread index */
	ck_assert_int_eq(outbox_count(), 1);
	ck_assert_str_eq(outbox(0, "kind"), "confirmation");
	ck_assert_str_eq(outbox(0, "rcpt"), "carol@example.org");
	ck_assert_str_eq(outbox(0, "iid"), "1");
	ck_assert_str_eq(outbox(0, "state"), "queued");
	snprintf(mid, sizeof mid, "%s", outbox(0, "message_id"));
	data = outbox(0, "data");
	ck_assert_ptr_nonnull(strstr(data, "[acme#1]"));
	ck_assert_ptr_nonnull(strstr(data, "In-Reply-To: <m1@example.org>"));
	ck_assert_ptr_nonnull(strstr(data, "Auto-Submitted: auto-replied"));
	ck_assert_ptr_nonnull(strstr(data, rkey));
	ck_assert_int_eq(num("SELECT count(*) FROM threads WHERE message_id IN "
	    "('m1@example.org', $1)", mid), 2);
	ck_assert_str_eq(val("SELECT chain FROM participants", NULL), mid);
}
END_TEST

/* A 5000-character subject: a 255-character title, the whole subject on
 * top of the description, a confirmation that quotes its start. */
START_TEST(long_subject)
{
	md_buf subj = MD_BUF_INIT;
	const char *data, *h, *e;
	int i;

	for (i = 0; i < 1000; i++)
		md_buf_puts(&subj, "word ");
	ck_assert_int_eq(new_issue("long@x", "carol@example.org", md_buf_str(&subj),
	    "t").kind, MD_INGEST_CREATED);
	ck_assert_int_eq(num("SELECT char_length(title) FROM issues", NULL), 255);
	ck_assert_int_eq(num("SELECT count(*) FROM issues WHERE description = "
	    "'Subject: ' || $1 || E'\\n\\nt'", md_buf_str(&subj)), 1);
	data = outbox(0, "data");
	ck_assert_ptr_nonnull(h = strstr(data, "\r\nSubject: "));
	for (e = h + 2; (e = strstr(e, "\r\n")) != NULL && (e[2] == ' ' || e[2] == '\t'); e += 2)
		;	/* the end of the (folded) field */
	ck_assert_ptr_nonnull(e);
	ck_assert_int_lt(e - h, 400);
	ck_assert(strstr(h, "[acme#1]") != NULL && strstr(h, "[acme#1]") < e);

	/* characters, not bytes: 300 two-byte characters give 255 of them */
	md_buf_reset(&subj);
	for (i = 0; i < 300; i++)
		md_buf_puts(&subj, "\xc3\xa9");
	ck_assert_int_eq(new_issue("long2@x", "carol@example.org", md_buf_str(&subj),
	    "t").iid, 2);
	ck_assert_int_eq(num("SELECT char_length(title) FROM issues WHERE iid = 2", NULL), 255);
	/* short ones stay as they are; none at all has a placeholder */
	ck_assert_int_eq(new_issue("s@x", "carol@example.org", "", "t").iid, 3);
	ck_assert_str_eq(val("SELECT title || description FROM issues WHERE iid = 3", NULL),
	    "(no subject)t");
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
		ck_assert_int_eq(res.mailed, i == 0);
	}
	md_record_free(&rec);
	ck_assert_int_eq(num("SELECT last_iid FROM projects", NULL), 1);
	ck_assert_int_eq(num("SELECT count(*) FROM issues", NULL), 1);
	ck_assert_int_eq(num("SELECT count(*) FROM participants", NULL), 1);
	ck_assert_int_eq(outbox_count(), 1);
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
	ck_assert_int_eq(num("SELECT count(*) FROM issues", NULL), 4);
	/* the key is the SHA-1 of the text without the Received: field */
	ck_assert_int_eq(num("SELECT count(*) FROM filed_messages WHERE msg_key LIKE 'sha1:%' "
	    "AND length(msg_key) = 45", NULL), 4);
}
END_TEST

/*
 * Two workers (two processes, two connections) file 100 requests of one
 * project in batches of 10 at the same time: numbers 1..100, no gap, no
 * duplicate.  Each batch has a record that fails after taking its number
 * (invalid UTF-8 in the text): the rollback to its savepoint gives the
 * number back.
 */
START_TEST(two_workers_no_gaps)
{
	pid_t pid[2];
	int w, status;

	cfg.max_auto_mails_per_hour = 0;	/* all to one address */
	for (w = 0; w < 2; w++) {
		if ((pid[w] = fork()) != 0)
			continue;
		struct md_store s2;
		struct md_record rec[11];
		struct md_ingest_item it[11];
		char mid[64], e2[512];
		int b, j, bad = 0;

		if (md_store_open(&s2, &cfg, 1, e2, sizeof e2) < 0)
			_exit(100);
		for (b = 0; b < 5; b++) {
			memset(it, 0, sizeof it);
			for (j = 0; j < 11; j++) {
				snprintf(mid, sizeof mid, "race-%d-%d-%d@example.org", w, b, j);
				mkrec(&rec[j], "new", mid, "a@example.org", "race",
				    j == 5 ? "broken \xff text" : mid);
				it[j].rec = &rec[j];
				it[j].entry_id = "";
			}
			md_tracker_ingest_batch(&s2, &cfg, it, 11);
			for (j = 0; j < 11; j++) {
				if (j == 5)
					bad += it[j].rc == -1;
				else if (it[j].rc != 0 || it[j].out.kind != MD_INGEST_CREATED)
					_exit(101);
				md_record_free(&rec[j]);
			}
		}
		md_store_close(&s2);
		_exit(bad == 5 ? 0 : 102);
	}
	for (w = 0; w < 2; w++) {
		ck_assert_int_eq(waitpid(pid[w], &status, 0), pid[w]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "worker %d: status %d", w, WEXITSTATUS(status));
	}
	ck_assert_str_eq(val("SELECT count(*) || ' ' || count(DISTINCT iid) || ' ' || "
	    "min(iid) || ' ' || max(iid) FROM issues", NULL), "100 100 1 100");
	ck_assert_int_eq(num("SELECT last_iid FROM projects", NULL), 100);
	ck_assert_int_eq(outbox_count(), 100);
	ck_assert_int_eq(num("SELECT count(*) FROM filed_messages", NULL), 100);
	ck_assert_int_eq(num("SELECT count(*) FROM issues WHERE description LIKE 'broken%'",
	    NULL), 0);
}
END_TEST

/*
 * Two workers whose reads name two projects in opposite order: the
 * project locks are taken in name order, so neither waits for the other
 * in a cycle and no record fails as a deadlock victim.
 */
START_TEST(two_projects_opposite_order)
{
	pid_t pid[2];
	int w, status;

	cfg.max_auto_mails_per_hour = 0;
	sql("INSERT INTO projects (name, created) VALUES ($1, 1)", "beta");
	for (w = 0; w < 2; w++) {
		if ((pid[w] = fork()) != 0)
			continue;
		struct md_store s2;
		struct md_record rec[4];
		struct md_ingest_item it[4];
		char mid[64], e2[512];
		int b, j;

		if (md_store_open(&s2, &cfg, 1, e2, sizeof e2) < 0)
			_exit(100);
		for (b = 0; b < 20; b++) {
			memset(it, 0, sizeof it);
			for (j = 0; j < 4; j++) {
				snprintf(mid, sizeof mid, "pp-%d-%d-%d@example.org", w, b, j);
				mkrec(&rec[j], "new", mid, "a@example.org", "x", "y");
				md_record_set(&rec[j], MD_F_PROJECT, (j < 2) == (w == 0) ?
				    "acme" : "beta");
				it[j].rec = &rec[j];
			}
			md_tracker_ingest_batch(&s2, &cfg, it, 4);
			for (j = 0; j < 4; j++) {
				if (it[j].rc != 0)
					_exit(101);
				md_record_free(&rec[j]);
			}
		}
		md_store_close(&s2);
		_exit(0);
	}
	for (w = 0; w < 2; w++) {
		ck_assert_int_eq(waitpid(pid[w], &status, 0), pid[w]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "worker %d: status %d", w, WEXITSTATUS(status));
	}
	ck_assert_str_eq(val("SELECT string_agg(project || ' ' || n || ' ' || m, ',' "
	    "ORDER BY project) FROM (SELECT project, count(*) AS n, max(iid) AS m "
	    "FROM issues GROUP BY project) x", NULL), "acme 80 80,beta 80 80");
}
END_TEST

/*
 * One read with a failing record in the middle: the others are filed, the
 * failing one wrote nothing, and every committed key is in the view.
 */
START_TEST(batch_savepoints)
{
	struct md_record rec[3];
	struct md_ingest_item it[3];
	redisReply *rep;
	int i, rows;
	PGresult *res;

	memset(it, 0, sizeof it);
	mkrec(&rec[0], "new", "b0@x", "carol@example.org", "one", "first");
	mkrec(&rec[1], "new", "b1@x", "dave@example.org", "two", "bad \xc3 text");
	md_record_set(&rec[1], MD_F_CC, "eve@example.org");
	mkrec(&rec[2], "new", "b2@x", "erin@example.org", "three", "third");
	md_record_set(&rec[2], MD_F_CC, "frank@example.org");
	for (i = 0; i < 3; i++) {
		it[i].rec = &rec[i];
		it[i].entry_id = "";
	}
	md_tracker_ingest_batch(&st, &cfg, it, 3);
	ck_assert_msg(it[0].rc == 0 && it[0].out.iid == 1, "%s", it[0].err);
	ck_assert_int_eq(it[1].rc, -1);
	ck_assert_ptr_nonnull(strstr(it[1].err, "postgres"));
	ck_assert_msg(it[2].rc == 0 && it[2].out.iid == 2, "%s", it[2].err);
	ck_assert_int_eq(num("SELECT count(*) FROM issues", NULL), 2);
	ck_assert_int_eq(num("SELECT count(*) FROM filed_messages WHERE msg_key = $1", "b1@x"), 0);
	ck_assert_int_eq(num("SELECT count(*) FROM participants WHERE email = $1",
	    "eve@example.org"), 0);
	ck_assert_int_eq(outbox_count(), 2);
	res = md_db_query(st.db, "SELECT reply_key, unsub_key FROM participants", NULL, err,
	    sizeof err);
	ck_assert_ptr_nonnull(res);
	ck_assert_int_eq(rows = PQntuples(res), 3);
	for (i = 0; i < rows; i++) {
		rep = md_redis_cmd(st.redis, "EXISTS maildesk:rkey:%s maildesk:ukey:%s",
		    md_db_val(res, i, 0), md_db_val(res, i, 1));
		ck_assert_int_eq(md_reply_int(rep, 0), 2);
		freeReplyObject(rep);
	}
	PQclear(res);
	rep = md_redis_cmd(st.redis, "KEYS maildesk:rkey:*");
	ck_assert_uint_eq(rep->elements, 3);	/* none of the rolled-back record */
	freeReplyObject(rep);
	for (i = 0; i < 3; i++)
		md_record_free(&rec[i]);
}
END_TEST

START_TEST(automated_record)
{
	struct md_record rec;
	struct md_ingest res;
	md_buf big = MD_BUF_INIT;
	int i;

	mkrec(&rec, "automated", "auto@example.org", "", "Out of office", "away");
	md_record_set(&rec, MD_F_AUTO_REASON, "auto-submitted");
	res = run(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_AUTOMATED);
	ck_assert_int_eq(num("SELECT count(*) FROM automated", NULL), 1);
	ck_assert_str_eq(val("SELECT text || '|' || auto_reason || '|' || subject || '|' || "
	    "project FROM automated", NULL), "away|auto-submitted|Out of office|acme");
	ck_assert_int_eq(outbox_count(), 0);
	ck_assert_int_eq(num("SELECT count(*) FROM issues", NULL), 0);
	/* a replay of the same inbox entry adds no row */
	ck_assert_int_eq(md_tracker_ingest(&st, &cfg, "7-7", &rec, &res, err, sizeof err), 0);
	ck_assert_int_eq(md_tracker_ingest(&st, &cfg, "7-7", &rec, &res, err, sizeof err), 0);
	ck_assert_int_eq(num("SELECT count(*) FROM automated", NULL), 2);
	/* the text is cut at 64 KB on a character boundary */
	for (i = 0; i < 30000; i++)
		md_buf_puts(&big, "\xe2\x82\xac");	/* 3 bytes each: 90 000 */
	md_record_set(&rec, MD_F_TEXT, md_buf_str(&big));
	res = run(&rec);
	ck_assert_int_eq(num("SELECT max(octet_length(text)) FROM automated", NULL), 65535);
	ck_assert_int_eq(num("SELECT max(char_length(text)) FROM automated", NULL), 21845);
	md_buf_free(&big);
	md_record_free(&rec);
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

	/* unsubscribed and bounced addresses */
	sql("INSERT INTO unsubscribed (email, created) VALUES ($1, 1)", "gone@example.org");
	sql("INSERT INTO bounced (email, reason, created) VALUES ($1, '550', 1)",
	    "bounce@example.org");
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
	sql("UPDATE projects SET verified_senders = true WHERE name = $1", "acme");
	res = new_with("u4@x", "soft@example.org", MD_F_SPF, "softfail");
	ck_assert_int_eq(res.kind, MD_INGEST_CREATED);
	ck_assert_int_eq(res.mailed, 0);
	ck_assert_int_eq(new_issue("u5@x", "pass@example.org", "s", "t").mailed, 1);
	ck_assert_int_eq(outbox_count(), 1);
	/* kind "new" with the milter's auto_reason: filed, never answered */
	res = new_with("u6@x", "pass@example.org", MD_F_AUTO_REASON, "no-reply From:");
	ck_assert_int_eq(res.kind, MD_INGEST_CREATED);
	ck_assert_int_eq(res.mailed, 0);
	/* the desk's own address */
	ck_assert_int_eq(new_issue("u7@x", "support+other@desk.example", "s", "t").mailed, 0);
	ck_assert_int_eq(outbox_count(), 1);
	ck_assert_int_eq(num("SELECT count(*) FROM issues", NULL), 7);
	/* nothing counted where nothing was sent */
	ck_assert_int_eq(num("SELECT count(*) FROM automail", NULL), 1);
}
END_TEST

START_TEST(spam_label_and_bad_records)
{
	struct md_record rec;
	struct md_ingest res;
	struct md_view_key vk = { "bbbbbbbbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccccccccc",
	    "acme", 1, "x@example.org" };

	mkrec(&rec, "new", "spam@x", "s@example.org", "cheap", "pills");
	md_record_set(&rec, MD_F_FLAGS, "html_only,spam");
	res = run(&rec);
	md_record_free(&rec);
	ck_assert_int_eq(res.iid, 1);
	ck_assert_str_eq(val("SELECT array_to_string(labels, ',') FROM issues", NULL), "spam?");

	/* unknown project, bad kind, reply without key or with an unknown
	 * one: an error, nothing written */
	mkrec(&rec, "new", "p@x", "s@example.org", "s", "t");
	md_record_set(&rec, MD_F_PROJECT, "nosuch");
	ck_assert_int_eq(md_tracker_ingest(&st, &cfg, NULL, &rec, &res, err, sizeof err), -1);
	ck_assert_str_eq(err, "no such project: nosuch");
	sql("INSERT INTO projects (name, created, enabled) VALUES ($1, 1, false)", "off");
	md_record_set(&rec, MD_F_PROJECT, "off");
	ck_assert_int_eq(md_tracker_ingest(&st, &cfg, NULL, &rec, &res, err, sizeof err), -1);
	ck_assert_str_eq(err, "project off is disabled");
	ck_assert_int_eq(num("SELECT count(*) FROM filed_messages", NULL), 1);
	ck_assert_int_eq(num("SELECT sum(last_iid) FROM projects", NULL), 1);
	md_record_set(&rec, MD_F_KIND, "weird");
	ck_assert_int_eq(md_tracker_ingest(&st, &cfg, NULL, &rec, &res, err, sizeof err), -1);
	md_record_set(&rec, MD_F_KIND, "reply");
	ck_assert_int_eq(md_tracker_ingest(&st, &cfg, NULL, &rec, &res, err, sizeof err), -1);
	md_record_set(&rec, MD_F_KEY, "aaaaaaaaaaaaaaaaaaaaaaaaaa");
	ck_assert_int_eq(md_tracker_ingest(&st, &cfg, NULL, &rec, &res, err, sizeof err), -1);
	ck_assert_str_eq(err, "unknown reply key aaaaaaaaaaaaaaaaaaaaaaaaaa");
	/* a key the view has but PostgreSQL not (a crash between the two) */
	ck_assert_int_eq(md_view_keys_put(st.redis, &vk, 1, err, sizeof err), 0);
	md_record_set(&rec, MD_F_KEY, vk.rkey);
	ck_assert_int_eq(md_tracker_ingest(&st, &cfg, NULL, &rec, &res, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown reply key"));
	md_record_set(&rec, MD_F_KIND, "unsubscribe");
	md_record_set(&rec, MD_F_KEY, vk.ukey);
	ck_assert_int_eq(md_tracker_ingest(&st, &cfg, NULL, &rec, &res, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown unsubscribe key"));
	md_record_free(&rec);
	ck_assert_int_eq(num("SELECT count(*) FROM notes", NULL), 0);
}
END_TEST

START_TEST(attachments_stored)
{
	struct md_record rec;
	const char *raw =
	    "From: carol@example.org\r\nSubject: pic\r\nMessage-ID: <att@x>\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
	    "--b\r\nContent-Type: application/octet-stream\r\n"
	    "Content-Disposition: attachment; filename=small.bin\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n"
	    "--b\r\nContent-Type: text/plain\r\n"
	    "Content-Disposition: attachment; filename=big.txt\r\n\r\n"
	    "0123456789012345678901234567890123456789\r\n--b--\r\n";

	cfg.attachment_max_size = 16;
	mkrec(&rec, "new", "att@x", "carol@example.org", "pic", "See attached.");
	md_record_set(&rec, MD_F_RAW, raw);
	md_record_set(&rec, MD_F_ATTACHMENTS, "2");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_CREATED);
	md_record_free(&rec);
	ck_assert_str_eq(val("SELECT string_agg(n || ':' || filename || ':' || size || ':' || "
	    "stored || ':' || coalesce(encode(data, 'hex'), '-'), ' ' ORDER BY n) "
	    "FROM attachments WHERE note_id IS NULL", NULL),
	    "1:small.bin:4:true:00010203 2:big.txt:40:false:-");
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
	tcase_add_test(tc, long_subject);
	tcase_add_test(tc, replay_is_idempotent);
	tcase_add_test(tc, no_message_id_dedup_by_raw);
	tcase_add_test(tc, two_workers_no_gaps);
	tcase_add_test(tc, two_projects_opposite_order);
	tcase_add_test(tc, batch_savepoints);
	tcase_add_test(tc, automated_record);
	tcase_add_test(tc, who_gets_no_confirmation);
	tcase_add_test(tc, spam_label_and_bad_records);
	tcase_add_test(tc, attachments_stored);
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(tracker_suite)
