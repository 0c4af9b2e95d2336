/*
 * issue_rows.h - issues, notes, participants, raw messages and
 * attachments made directly with SQL, for the tests of what reads and
 * changes them (test_tracker_edit, test_tracker_search, test_purge).
 * Filing them through md_tracker_ingest would test ingest too; these
 * tests want exact rows (times, states, sizes) instead.
 *
 * Each test gets a fresh schema (pg_fixture.h), its own redis-server (the
 * view), project "acme" and st open on both.
 */
#ifndef MD_ISSUE_ROWS_H
#define MD_ISSUE_ROWS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_fixture.h"
#include "store.h"
#include "tracker.h"

static struct md_rfx rfx;
static struct md_config cfg;
static struct md_store st;
static char err[512];

/* Runs sql with text parameters (a NULL ends them); its first value or "". */
static inline char *
rows_sql(const char *sql, ...)
{
	struct md_sqlp p;
	PGresult *res;
	const char *v;
	va_list ap;
	char e[512], *out;

	md_sqlp_init(&p);
	va_start(ap, sql);
	while ((v = va_arg(ap, const char *)) != NULL)
		md_sqlp_str(&p, v);
	va_end(ap);
	res = md_db_query(st.db, sql, &p, e, sizeof e);
	ck_assert_msg(res != NULL, "%s: %s", sql, e);
	out = strdup(PQntuples(res) > 0 ? md_db_val(res, 0, 0) : "");
	PQclear(res);
	md_sqlp_free(&p);
	return out;
}

/* rows_sql as a number. */
static inline long
rows_num(const char *sql, ...)
{
	struct md_sqlp p;
	PGresult *res;
	const char *v;
	va_list ap;
	char e[512];
	long n;

	md_sqlp_init(&p);
	va_start(ap, sql);
	while ((v = va_arg(ap, const char *)) != NULL)
		md_sqlp_str(&p, v);
	va_end(ap);
	res = md_db_query(st.db, sql, &p, e, sizeof e);
	ck_assert_msg(res != NULL, "%s: %s", sql, e);
	n = PQntuples(res) > 0 ? (long)md_db_ll(res, 0, 0) : -1;
	PQclear(res);
	md_sqlp_free(&p);
	return n;
}

static inline void
setup(void)
{
	ck_assert_int_eq(md_rfx_start(&rfx, NULL), 0);
	md_rfx_config(&rfx, &cfg);
	md_pgfx_config(&cfg);
	md_pgfx_fresh();
	ck_assert_msg(md_store_open(&st, &cfg, 1, err, sizeof err) == 0, "%s", err);
	free(rows_sql("INSERT INTO projects (name, created) VALUES ('acme', 1)", NULL));
	err[0] = '\0';
}

static inline void
teardown(void)
{
	md_store_close(&st);
	md_config_free(&cfg);
	md_rfx_cleanup(&rfx);
}

/*
 * Issue acme#iid from customer email (subscribed, keys "r<iid>" and
 * "u<iid>"), created and updated at time created, with a raw request of
 * 100 bytes.  Returns issues.id.
 */
static inline long
rows_issue(long iid, const char *email, const char *title, const char *desc,
    long created)
{
	char s_iid[24], s_created[24];

	snprintf(s_iid, sizeof s_iid, "%ld", iid);
	snprintf(s_created, sizeof s_created, "%ld", created);
	free(rows_sql("WITH i AS (INSERT INTO issues (project, iid, title, description, "
	    "author, customer_email, customer_name, message_id, created, updated) "
	    "VALUES ('acme', $1::bigint, $2, $3, 'Support Bot', $4, 'Cus Tomer', "
	    "'m' || $1 || '@example.org', $5::bigint, $5::bigint) RETURNING id), "
	    "p AS (INSERT INTO participants (issue_id, email, reply_key, unsub_key) "
	    "SELECT id, $4, 'r' || $1, 'u' || $1 FROM i) "
	    "UPDATE projects SET last_iid = greatest(last_iid, $1::bigint) WHERE name = 'acme'",
	    s_iid, title, desc, email, s_created, NULL));
	free(rows_sql("WITH r AS (INSERT INTO raw_messages (issue_id, size, data) "
	    "SELECT id, 100, convert_to(repeat('x', 100), 'UTF8') FROM issues "
	    "WHERE project = 'acme' AND iid = $1::bigint RETURNING id, issue_id) "
	    "UPDATE issues SET raw_id = r.id FROM r WHERE issues.id = r.issue_id",
	    s_iid, NULL));
	return rows_num("SELECT id FROM issues WHERE project = 'acme' AND iid = $1::bigint",
	    s_iid, NULL);
}

/* A note on acme#iid (kind, author email or "", text); with raw (customer
 * notes) a raw message of 50 bytes.  Returns notes.id. */
static inline long
rows_note(long iid, const char *kind, const char *email, const char *text, int raw)
{
	char s_iid[24];

	snprintf(s_iid, sizeof s_iid, "%ld", iid);
	return rows_num("WITH i AS (SELECT id FROM issues WHERE project = 'acme' "
	    "AND iid = $1::bigint), r AS (INSERT INTO raw_messages (issue_id, size, data) "
	    "SELECT id, 50, convert_to(repeat('y', 50), 'UTF8') FROM i WHERE $5 = '1' "
	    "RETURNING id) INSERT INTO notes (issue_id, project, author, author_email, kind, "
	    "text, raw_id, created) SELECT i.id, 'acme', CASE WHEN $3 = '' THEN 'Dan' "
	    "ELSE 'Cus Tomer' END, $3, $2, $4, (SELECT id FROM r), 1000 FROM i RETURNING id",
	    s_iid, kind, email, text, raw ? "1" : "0", NULL);
}

/* Attachment n of acme#iid (note_id 0: of the request) with data. */
static inline void
rows_att(long iid, long n, long note_id, const char *filename, const char *data)
{
	char s_iid[24], s_n[24], s_note[24];

	snprintf(s_iid, sizeof s_iid, "%ld", iid);
	snprintf(s_n, sizeof s_n, "%ld", n);
	snprintf(s_note, sizeof s_note, "%ld", note_id);
	free(rows_sql("INSERT INTO attachments (issue_id, n, note_id, filename, content_type, "
	    "size, stored, data) SELECT id, $2::int, nullif($3::bigint, 0), $4, 'text/plain', "
	    "octet_length($5), true, convert_to($5, 'UTF8') FROM issues "
	    "WHERE project = 'acme' AND iid = $1::bigint", s_iid, s_n, s_note, filename, data,
	    NULL));
}

#endif
