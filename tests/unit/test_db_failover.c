/*
 * test_db_failover.c - lib/db.c on a server that refuses writes, as a
 * standby does after a failover put the primary elsewhere: the write fails
 * with read_only_sql_transaction (25006), counts as retryable, and the
 * connection is closed so that the next statement connects afresh (with
 * target_session_attrs=read-write, to the new primary).  A transaction cut
 * that way is not continued on the new connection.  A read-only session
 * (default_transaction_read_only) stands in for the standby: the server
 * answers the same SQLSTATE.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "pg_fixture.h"

static struct md_db *
read_only_db(void)
{
	char ci[512];
	struct md_db *db;

	snprintf(ci, sizeof ci, "%s options='-c default_transaction_read_only=on'",
	    md_pgfx_conninfo);
	db = md_db_new(ci);
	ck_assert_ptr_nonnull(db);
	return db;
}

START_TEST(read_only_write_reconnects)
{
	struct md_db *db = read_only_db();
	PGresult *res;
	char err[512];

	ck_assert_int_eq(md_db_connect(db, err, sizeof err), 0);
	ck_assert_int_eq(md_db_exec(db, "CREATE TABLE ro_probe (x int)", NULL, err,
	    sizeof err), -1);
	ck_assert_str_eq(md_db_sqlstate(db), "25006");
	ck_assert_msg(strstr(err, "read-only") != NULL, "%s", err);
	ck_assert_int_eq(md_db_retryable(db), 1);
	ck_assert_ptr_null(md_db_conn(db));	/* closed: the next one may find the primary */
	res = md_db_query(db, "SELECT 1", NULL, err, sizeof err);
	ck_assert_msg(res != NULL, "%s", err);
	PQclear(res);
	md_db_free(db);
}
END_TEST

START_TEST(cut_transaction_not_continued)
{
	struct md_db *db = read_only_db();
	PGresult *res;
	char err[512];

	ck_assert_int_eq(md_db_begin(db, err, sizeof err), 0);
	ck_assert_int_eq(md_db_exec(db, "CREATE TABLE ro_probe (x int)", NULL, err,
	    sizeof err), -1);
	ck_assert_ptr_null(md_db_conn(db));
	/* The rest of the transaction must not run on a new connection, unguarded. */
	ck_assert_int_eq(md_db_exec(db, "SELECT 1", NULL, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "connection lost in a transaction") != NULL, "%s", err);
	ck_assert_int_eq(md_db_retryable(db), 1);
	md_db_rollback(db);
	res = md_db_query(db, "SELECT 1", NULL, err, sizeof err);
	ck_assert_msg(res != NULL, "%s", err);
	PQclear(res);
	md_db_free(db);
}
END_TEST

/* An ordinary error keeps its connection. */
START_TEST(other_errors_keep_the_connection)
{
	struct md_db *db = md_db_new(md_pgfx_conninfo);
	PGconn *c;
	char err[512];

	ck_assert_int_eq(md_db_connect(db, err, sizeof err), 0);
	c = md_db_conn(db);
	ck_assert_int_eq(md_db_exec(db, "SELECT 1/0", NULL, err, sizeof err), -1);
	ck_assert_str_eq(md_db_sqlstate(db), "22012");
	ck_assert_int_eq(md_db_retryable(db), 0);
	ck_assert_ptr_eq(md_db_conn(db), c);
	md_db_free(db);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("db_failover");
	TCase *tc = tcase_create("read_only");

	tcase_add_test(tc, read_only_write_reconnects);
	tcase_add_test(tc, cut_transaction_not_continued);
	tcase_add_test(tc, other_errors_keep_the_connection);
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(suite)
