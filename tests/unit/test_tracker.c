/*
 * test_tracker.c - the tracker against a real redis-server: records to
 * issues, idempotent replay, the issue-number race, who gets mail, list
 * filters, notes, state, labels and dead letters.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inbox.h"
#include "projects.h"
#include "record.h"
#include "tracker.h"
#include "tracker_int.h"
#include "redis_fixture.h"
#include "unit.h"

static struct md_rfx rfx;
static struct md_config cfg;
static struct md_redis *r;
static char err[512];

static void
setup(void)
{
	redisReply *rep;

	ck_assert_int_eq(md_rfx_start(&rfx, NULL), 0);
	md_rfx_config(&rfx, &cfg);
	r = md_redis_new(&cfg);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(md_project_add(r, "acme", err, sizeof err), 0);
	rep = md_redis_cmd(r, "XGROUP CREATE maildesk:inbox workers 0 MKSTREAM");
	ck_assert(!md_reply_is_error(rep));
	freeReplyObject(rep);
	err[0] = '\0';
}

static void
teardown(void)
{
	md_redis_free(r);
	md_config_free(&cfg);
	md_rfx_cleanup(&rfx);
}

/* An integer result of a command (XLEN, HLEN, EXISTS ...). */
static long long
num(const char *fmt, const char *arg)
{
	redisReply *rep = md_redis_cmd(r, fmt, arg);
	long long v;

	ck_assert_ptr_nonnull(rep);
	ck_assert_msg(rep->type != REDIS_REPLY_ERROR, "%s: %s", fmt, rep->str);
	v = md_reply_int(rep, rep->type == REDIS_REPLY_NIL ? 0 : -999);
	freeReplyObject(rep);
	return v;
}

/* Entries pending in the inbox group. */
static long
pending(void)
{
	struct md_queue_stats st;

	ck_assert_int_eq(md_queue_stats(r, &st, err, sizeof err), 0);
	return st.workers.pending;
}

/* A string result, copied into a static buffer ("" for nil). */
static const char *
str(const char *fmt, const char *a1, const char *a2)
{
	static char buf[8192];
	redisReply *rep = md_redis_cmd(r, fmt, a1, a2);

	ck_assert_ptr_nonnull(rep);
	snprintf(buf, sizeof buf, "%s", rep->type == REDIS_REPLY_STRING ? rep->str : "");
	freeReplyObject(rep);
	return buf;
}

/* A field of the newest outbox entry. */
static const char *
outbox_field(const char *name)
{
	static char buf[256];
	redisReply *rep = md_redis_cmd(r, "XREVRANGE maildesk:outbox + - COUNT 1");
	const redisReply *fl;
	size_t k;

	buf[0] = '\0';
	ck_assert(rep != NULL && rep->type == REDIS_REPLY_ARRAY && rep->elements == 1);
	fl = rep->element[0]->element[1];
	for (k = 0; k + 1 < fl->elements; k += 2)
		if (strcmp(fl->element[k]->str, name) == 0)
			snprintf(buf, sizeof buf, "%s", fl->element[k + 1]->str);
	freeReplyObject(rep);
	return buf;
}

/* A field of inbox entry id. */
static const char *
inbox_field(const char *id, const char *name)
{
	static char buf[256];
	redisReply *rep = md_redis_cmd(r, "XRANGE maildesk:inbox %s %s", id, id);
	const redisReply *fl;
	size_t k;

	buf[0] = '\0';
	ck_assert(rep != NULL && rep->type == REDIS_REPLY_ARRAY && rep->elements == 1);
	fl = rep->element[0]->element[1];
	for (k = 0; k + 1 < fl->elements; k += 2)
		if (strcmp(fl->element[k]->str, name) == 0)
			snprintf(buf, sizeof buf, "%s", fl->element[k + 1]->str);
	freeReplyObject(rep);
	return buf;
}

static void
mkrec(struct md_record *rec, const char *kind, const char *msgid,
    const char *from, const char *subject, const char *text)
{
	md_record_init(rec);
	md_record_set(rec, MD_F_V, "1");
	md_record_set(rec, MD_F_KIND, kind);
	md_record_set(rec, MD_F_PROJECT, "acme");
	md_record_set(rec, MD_F_RCPT, "support+acme@desk.example");
	md_record_set(rec, MD_F_MAIL_FROM, from);
	md_record_set(rec, MD_F_FROM_ADDR, from);
	md_record_set(rec, MD_F_FROM_NAME, "Carol Customer");
	md_record_setf(rec, MD_F_FROM, "Carol Customer <%s>", from);
	md_record_set(rec, MD_F_SPF, "pass");
	md_record_set(rec, MD_F_SCORE, "0.5");
	md_record_set(rec, MD_F_MESSAGE_ID, msgid);
	md_record_set(rec, MD_F_SUBJECT, subject);
	md_record_set(rec, MD_F_TEXT, text);
	md_record_set(rec, MD_F_ATTACHMENTS, "0");
	md_record_setf(rec, MD_F_RAW, "From: %s\r\nSubject: %s\r\n%s%s%s\r\n\r\n%s\r\n",
	    from, subject, *msgid ? "Message-ID: <" : "", msgid, *msgid ? ">" : "", text);
}

/* XADDs rec to the inbox and reads it in the group, so it is pending. */
static void
push(const struct md_record *rec, char *id)
{
	struct md_record *const recs[1] = { (struct md_record *)rec };
	char ids[1][32];
	redisReply *rep;

	ck_assert_int_eq(md_inbox_append(r, 100000, recs, 1, ids, err, sizeof err), MD_INBOX_OK);
	rep = md_redis_cmd(r, "XREADGROUP GROUP workers test COUNT 1000 STREAMS maildesk:inbox >");
	ck_assert(!md_reply_is_error(rep));
	freeReplyObject(rep);
	snprintf(id, 32, "%s", ids[0]);
}

/* push + ingest; returns the ingest result. */
static struct md_ingest
run(const struct md_record *rec)
{
	struct md_ingest res;
	char id[32];

	push(rec, id);
	ck_assert_msg(md_tracker_ingest(r, &cfg, id, rec, &res, err, sizeof err) == 0,
	    "ingest: %s", err);
	return res;
}

static struct md_ingest
new_issue(const char *msgid, const char *from, const char *subject, const char *text)
{
	struct md_record rec;
	struct md_ingest res;

	mkrec(&rec, "new", msgid, from, subject, text);
	res = run(&rec);
	md_record_free(&rec);
	return res;
}

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

START_TEST(no_message_id_dedup_by_raw)
{
	ck_assert_int_eq(new_issue("", "a@example.org", "one", "same text").kind, MD_INGEST_CREATED);
	ck_assert_int_eq(new_issue("", "a@example.org", "one", "same text").kind, MD_INGEST_DUP);
	ck_assert_int_eq(new_issue("", "a@example.org", "one", "other text").iid, 2);
	ck_assert_int_eq(num("ZCARD %s", "maildesk:issues:acme"), 2);
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
}
END_TEST

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
	mkrec(&rec, "new", "u4@x", "soft@example.org", "s", "t");
	md_record_set(&rec, MD_F_SPF, "softfail");
	res = run(&rec);
	md_record_free(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_CREATED);
	ck_assert_int_eq(res.mailed, 0);
	ck_assert_int_eq(new_issue("u5@x", "pass@example.org", "s", "t").mailed, 1);
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 1);
	ck_assert_int_eq(num("ZCARD %s", "maildesk:issues:acme"), 5);
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

START_TEST(list_filters_and_search)
{
	struct md_issue_filter f;
	struct md_issue_list l;
	int changed;

	new_issue("l1@x", "ann@example.org", "Printer jam", "paper stuck");
	new_issue("l2@x", "bob@example.org", "Login fails", "the PRINTER page too");
	new_issue("l3@x", "ann@example.org", "Invoice", "wrong amount");
	ck_assert_int_eq(md_tracker_label(r, "acme", 1, "bug", 1, &changed, err, sizeof err), 0);
	ck_assert_int_eq(md_tracker_label(r, "acme", 3, "bug", 1, &changed, err, sizeof err), 0);
	ck_assert_int_eq(md_tracker_set_state(r, &cfg, "acme", 3, 1, "Dan", &changed, NULL,
	    err, sizeof err), 0);

	memset(&f, 0, sizeof f);
	ck_assert_int_eq(md_tracker_list(r, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 3);
	ck_assert_int_eq(l.opened, 2);
	ck_assert_int_eq(l.closed, 1);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_int_eq(l.items[0].iid, 3);	/* newest first (same second: by iid) */
	md_issue_list_free(&l);

	f.state = "opened";
	ck_assert_int_eq(md_tracker_list(r, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 2);
	md_issue_list_free(&l);

	f.state = "all";
	f.label = "bug";
	ck_assert_int_eq(md_tracker_list(r, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 2);
	md_issue_list_free(&l);

	f.label = NULL;
	f.customer = "ANN@example.org";
	ck_assert_int_eq(md_tracker_list(r, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 2);
	md_issue_list_free(&l);

	f.customer = NULL;
	f.search = "printer";
	ck_assert_int_eq(md_tracker_list(r, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 2);
	ck_assert_int_eq(l.opened, 2);
	md_issue_list_free(&l);

	f.search = NULL;
	f.limit = 1;
	f.offset = 1;
	f.sort_updated = 1;
	ck_assert_int_eq(md_tracker_list(r, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 3);
	ck_assert_uint_eq(l.n, 1);
	md_issue_list_free(&l);

	f.state = "bogus";
	ck_assert_int_eq(md_tracker_list(r, "acme", &f, &l, err, sizeof err), -1);
}
END_TEST

START_TEST(notes_public_and_internal)
{
	struct md_issue_full f;
	char nid[32];
	int mailed;

	new_issue("n1@x", "carol@example.org", "Help", "please");
	num("DEL %s", "maildesk:outbox");
	ck_assert_int_eq(md_tracker_note(r, &cfg, "acme", 1, "secret", 1, "Dan", nid,
	    sizeof nid, &mailed, err, sizeof err), 0);
	ck_assert_int_eq(mailed, 0);
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 0);
	ck_assert_int_eq(md_tracker_note(r, &cfg, "acme", 1, "Try turning it off", 0, "Dan",
	    nid, sizeof nid, &mailed, err, sizeof err), 0);
	ck_assert_int_eq(mailed, 1);
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 1);
	ck_assert_int_eq(md_tracker_note(r, &cfg, "acme", 9, "x", 0, NULL, NULL, 0, &mailed,
	    err, sizeof err), MD_TRK_NOTFOUND);
	ck_assert_str_eq(err, "no such issue acme#9");

	ck_assert_int_eq(md_tracker_get(r, "acme", 1, &f, err, sizeof err), 0);
	ck_assert_uint_eq(f.nnotes, 2);
	ck_assert_str_eq(f.notes[0].kind, "internal");
	ck_assert_str_eq(f.notes[1].kind, "public");
	ck_assert_str_eq(f.notes[1].author, "Dan");
	ck_assert_str_eq(f.notes[1].text, "Try turning it off");
	md_issue_full_free(&f);
}
END_TEST

START_TEST(reply_and_unsubscribe)
{
	struct md_issue_full f;
	struct md_record rec;
	struct md_ingest res;
	int mailed;

	new_issue("r1@x", "carol@example.org", "Help", "please");
	ck_assert_int_eq(md_tracker_get(r, "acme", 1, &f, err, sizeof err), 0);

	mkrec(&rec, "reply", "r2@x", "carol@example.org", "Re: Help", "more details");
	md_record_set(&rec, MD_F_KEY, f.issue.reply_key);
	res = run(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_NOTE);
	ck_assert_int_eq(res.iid, 1);
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_DUP);
	md_record_free(&rec);

	mkrec(&rec, "unsubscribe", "r3@x", "carol@example.org", "unsubscribe", "");
	md_record_set(&rec, MD_F_KEY, f.issue.unsub_key);
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_UNSUBSCRIBED);
	md_record_free(&rec);
	md_issue_full_free(&f);

	ck_assert_int_eq(md_tracker_get(r, "acme", 1, &f, err, sizeof err), 0);
	ck_assert_uint_eq(f.nnotes, 2);
	ck_assert_str_eq(f.notes[0].kind, "customer");
	ck_assert_str_eq(f.notes[0].text, "more details");
	ck_assert_str_eq(f.notes[0].author_email, "carol@example.org");
	ck_assert_ptr_nonnull(strstr(f.notes[0].raw, "more details"));
	ck_assert_str_eq(f.notes[1].kind, "system");
	ck_assert_int_eq(f.subs[0].subscribed, 0);
	md_issue_full_free(&f);
	ck_assert_str_eq(str("GET maildesk:thread:%s%s", "r2@x", ""), "acme#1");

	/* unsubscribed: a public note mails nobody */
	num("DEL %s", "maildesk:outbox");
	ck_assert_int_eq(md_tracker_note(r, &cfg, "acme", 1, "hello?", 0, "Dan", NULL, 0,
	    &mailed, err, sizeof err), 0);
	ck_assert_int_eq(mailed, 0);
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 0);
}
END_TEST

START_TEST(close_reopen_notify)
{
	struct md_issue_list l;
	struct md_issue_filter f;
	int changed, mailed;
	char e[256];

	ck_assert_int_eq(md_project_set(r, "acme", "notify_state", "no", e, sizeof e), 0);
	new_issue("c1@x", "carol@example.org", "Help", "please");
	num("DEL %s", "maildesk:outbox");
	ck_assert_int_eq(md_tracker_set_state(r, &cfg, "acme", 1, 1, "Dan", &changed, &mailed,
	    err, sizeof err), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(mailed, 0);		/* notify_state is off */
	ck_assert_int_eq(md_tracker_set_state(r, &cfg, "acme", 1, 1, "Dan", &changed, &mailed,
	    err, sizeof err), 0);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(num("SISMEMBER maildesk:issues:acme:state:closed %s", "1"), 1);
	ck_assert_int_eq(num("SISMEMBER maildesk:issues:acme:state:opened %s", "1"), 0);

	ck_assert_int_eq(md_project_set(r, "acme", "notify_state", "yes", e, sizeof e), 0);
	ck_assert_int_eq(md_tracker_set_state(r, &cfg, "acme", 1, 0, "Dan", &changed, &mailed,
	    err, sizeof err), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(mailed, 1);
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 1);
	ck_assert_str_eq(outbox_field("kind"), "reopen");
	ck_assert_int_eq(md_tracker_set_state(r, &cfg, "acme", 7, 0, "Dan", &changed, &mailed,
	    err, sizeof err), MD_TRK_NOTFOUND);
	memset(&f, 0, sizeof f);
	f.state = "opened";
	ck_assert_int_eq(md_tracker_list(r, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 1);
	md_issue_list_free(&l);
}
END_TEST

START_TEST(labels)
{
	int changed;

	new_issue("b1@x", "carol@example.org", "Help", "please");
	ck_assert_int_eq(md_tracker_label(r, "acme", 1, "zeta", 1, &changed, err, sizeof err), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(md_tracker_label(r, "acme", 1, "alpha", 1, &changed, err, sizeof err), 0);
	ck_assert_int_eq(md_tracker_label(r, "acme", 1, "alpha", 1, &changed, err, sizeof err), 0);
	ck_assert_int_eq(changed, 0);
	ck_assert_str_eq(str("HGET maildesk:issue:acme:1 %s%s", "labels", ""), "alpha,zeta");
	ck_assert_int_eq(md_tracker_label(r, "acme", 1, "zeta", 0, &changed, err, sizeof err), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_str_eq(str("HGET maildesk:issue:acme:1 %s%s", "labels", ""), "alpha");
	ck_assert_int_eq(num("SCARD %s", "maildesk:issues:acme:label:zeta"), 0);
	ck_assert_int_eq(num("SCARD %s", "maildesk:issues:acme:label:alpha"), 1);
	ck_assert_int_eq(md_tracker_label(r, "acme", 1, "a,b", 1, &changed, err, sizeof err), -1);
	ck_assert_int_eq(md_tracker_label(r, "acme", 1, "", 1, &changed, err, sizeof err), -1);
	ck_assert_int_eq(md_tracker_label(r, "acme", 2, "x", 1, &changed, err, sizeof err),
	    MD_TRK_NOTFOUND);
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
	tcase_add_test(tc, replay_is_idempotent);
	tcase_add_test(tc, no_message_id_dedup_by_raw);
	tcase_add_test(tc, number_guard_and_race);
	tcase_add_test(tc, automated_record);
	tcase_add_test(tc, who_gets_no_confirmation);
	tcase_add_test(tc, spam_label_and_bad_records);
	tcase_add_test(tc, list_filters_and_search);
	tcase_add_test(tc, notes_public_and_internal);
	tcase_add_test(tc, reply_and_unsubscribe);
	tcase_add_test(tc, close_reopen_notify);
	tcase_add_test(tc, labels);
	tcase_add_test(tc, dead_letter_retry);
	suite_add_tcase(s, tc);
	return s;
}

MD_RFX_MAIN(tracker_suite)
