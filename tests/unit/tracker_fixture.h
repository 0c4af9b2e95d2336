/*
 * tracker_fixture.h - what the tracker's unit tests share: a redis-server
 * per test with project acme and the inbox group, records shaped like the
 * milter's, and small readers of Redis state.  Static inline, so each test
 * program takes what it uses.
 */
#ifndef MD_TRACKER_FIXTURE_H
#define MD_TRACKER_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "inbox.h"
#include "projects.h"
#include "record.h"
#include "tracker.h"
#include "redis_fixture.h"
#include "unit.h"

static struct md_rfx rfx;
static struct md_config cfg;
static struct md_redis *r;
static char err[512];

static inline void
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

static inline void
teardown(void)
{
	md_redis_free(r);
	md_config_free(&cfg);
	md_rfx_cleanup(&rfx);
}

/* An integer result of a command (XLEN, HLEN, EXISTS ...). */
static inline long long
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
static inline long
pending(void)
{
	struct md_queue_stats st;

	ck_assert_int_eq(md_queue_stats(r, &st, err, sizeof err), 0);
	return st.workers.pending;
}

/* A string result, copied into a static buffer ("" for nil). */
static inline const char *
str(const char *fmt, const char *a1, const char *a2)
{
	static char buf[8192];
	redisReply *rep = md_redis_cmd(r, fmt, a1, a2);

	ck_assert_ptr_nonnull(rep);
	snprintf(buf, sizeof buf, "%s", rep->type == REDIS_REPLY_STRING ? rep->str : "");
	freeReplyObject(rep);
	return buf;
}

/* A field of the first entry of a stream reply (rep is freed). */
static inline const char *
first_entry_field(redisReply *rep, const char *name)
{
	static char buf[65536];
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

/* A field of the newest outbox entry. */
static inline const char *
outbox_field(const char *name)
{
	return first_entry_field(md_redis_cmd(r, "XREVRANGE maildesk:outbox + - COUNT 1"),
	    name);
}

/* A field of inbox entry id. */
static inline const char *
inbox_field(const char *id, const char *name)
{
	return first_entry_field(md_redis_cmd(r, "XRANGE maildesk:inbox %s %s", id, id),
	    name);
}

static inline void
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
static inline void
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
static inline struct md_ingest
run(const struct md_record *rec)
{
	struct md_ingest res;
	char id[32];

	push(rec, id);
	ck_assert_msg(md_tracker_ingest(r, &cfg, id, rec, &res, err, sizeof err) == 0,
	    "ingest: %s", err);
	return res;
}

static inline struct md_ingest
new_issue(const char *msgid, const char *from, const char *subject, const char *text)
{
	struct md_record rec;
	struct md_ingest res;

	mkrec(&rec, "new", msgid, from, subject, text);
	res = run(&rec);
	md_record_free(&rec);
	return res;
}

#endif
