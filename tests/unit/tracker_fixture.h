/*
 * tracker_fixture.h - what the tracker's unit tests share: a private
 * PostgreSQL cluster (an empty migrated schema per test) with project acme,
 * a redis-server per test for the milter's view, records shaped like the
 * milter's, and small readers of the tables.  Static inline, so each test
 * program takes what it uses.  The program's main is
 * MD_PGFX_MAIN(suite).
 */
#ifndef MD_TRACKER_FIXTURE_H
#define MD_TRACKER_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_fixture.h"
#include "record.h"
#include "store.h"
#include "tracker.h"
#include "unit.h"

static struct md_rfx rfx;
static struct md_config cfg;
static struct md_store st;
static char err[512];

/* Runs one statement with at most one argument (for setting tables up). */
static inline void
sql(const char *q, const char *arg)
{
	struct md_sqlp p;
	char e[512];

	md_sqlp_init(&p);
	if (arg != NULL)
		md_sqlp_str(&p, arg);
	ck_assert_msg(md_db_exec(st.db, q, arg != NULL ? &p : NULL, e, sizeof e) == 0,
	    "%s: %s", q, e);
	md_sqlp_free(&p);
}

static inline void
setup(void)
{
	ck_assert_int_eq(md_rfx_start(&rfx, NULL), 0);
	md_rfx_config(&rfx, &cfg);
	md_pgfx_config(&cfg);
	md_pgfx_fresh();
	ck_assert_msg(md_store_open(&st, &cfg, 1, err, sizeof err) == 0, "%s", err);
	/* Directly, so these tests do not depend on lib/store/project_store.c. */
	sql("INSERT INTO projects (name, created) VALUES ($1, 1)", "acme");
	err[0] = '\0';
}

static inline void
teardown(void)
{
	md_store_close(&st);
	md_config_free(&cfg);
	md_rfx_cleanup(&rfx);
}

/* An integer result of a query (count(*) ...), "" counting as 0. */
static inline long long
num(const char *q, const char *arg)
{
	return md_pgfx_num(q, arg);
}

/* A text result of a query, copied into one of a few static buffers
 * ("" for no row), so two may be compared in one assertion. */
static inline const char *
val(const char *q, const char *arg)
{
	static char buf[4][65536];
	static int next;
	char *v = md_pgfx_value(q, arg), *b = buf[next++ % 4];

	snprintf(b, sizeof buf[0], "%s", v);
	free(v);
	return b;
}

/* A column of outbox row idx (0 = oldest); data as text. */
static inline const char *
outbox(int idx, const char *col)
{
	char q[256], n[16];

	snprintf(n, sizeof n, "%d", idx);
	snprintf(q, sizeof q, "SELECT %s FROM outbox ORDER BY id OFFSET $1::int LIMIT 1",
	    strcmp(col, "data") == 0 ? "convert_from(data, 'UTF8')" : col);
	return val(q, n);
}

static inline long long
outbox_count(void)
{
	return num("SELECT count(*) FROM outbox", NULL);
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

/* Files rec as the worker would (entry ids "1-1", "1-2", ...). */
static inline struct md_ingest
run(const struct md_record *rec)
{
	static int seq;
	struct md_ingest res;
	char id[32];

	snprintf(id, sizeof id, "1-%d", ++seq);
	ck_assert_msg(md_tracker_ingest(&st, &cfg, id, rec, &res, err, sizeof err) == 0,
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
