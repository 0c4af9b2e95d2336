/*
 * test_db_failover.c - lib/store/db.c on a server that refuses writes, as a
 * standby does after a failover put the primary elsewhere: the write fails
 * with read_only_sql_transaction (25006), counts as retryable, and the
 * connection is closed so that the next statement connects afresh (with
 * target_session_attrs=read-write, to the new primary).  A transaction cut
 * that way is not continued on the new connection.  A read-only session
 * (default_transaction_read_only) stands in for the standby: the server
 * answers the same SQLSTATE.  A connection that finds its server gone makes
 * the process's other connections reconnect too.
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

static long long
backend_pid(struct md_db *db)
{
	char err[512];
	PGresult *res = md_db_query(db, "SELECT pg_backend_pid()", NULL, err, sizeof err);
	long long pid;

	ck_assert_msg(res != NULL, "%s", err);
	pid = md_db_ll(res, 0, 0);
	PQclear(res);
	return pid;
}

/*
 * One connection finding its server gone makes the process's others
 * reconnect before their next statement, so after a failover each thread
 * does not fail one statement of its own first.
 */
START_TEST(lost_server_seen_by_one_reconnects_all)
{
	struct md_db *a = md_db_new(md_pgfx_conninfo), *b = md_db_new(md_pgfx_conninfo);
	struct md_sqlp p;
	long long apid = backend_pid(a), bpid = backend_pid(b);
	char err[512];

	md_sqlp_init(&p);
	md_sqlp_long(&p, apid);
	ck_assert_int_eq(md_db_exec(b, "SELECT pg_terminate_backend($1)", &p, err,
	    sizeof err), 0);
	md_sqlp_free(&p);
	ck_assert_int_eq(md_db_exec(a, "SELECT 1", NULL, err, sizeof err), -1);
	ck_assert_int_eq(md_db_retryable(a), 1);
	/* b's own connection was fine, but it is renewed rather than trusted. */
	ck_assert_int_ne(backend_pid(b), bpid);
	ck_assert_int_ne(backend_pid(a), apid);
	/* ... not inside a transaction, which a new connection would cut. */
	bpid = backend_pid(b);
	ck_assert_int_eq(md_db_begin(b, err, sizeof err), 0);
	md_sqlp_init(&p);
	md_sqlp_long(&p, backend_pid(a));
	ck_assert_int_eq(md_db_exec(b, "SELECT pg_terminate_backend($1)", &p, err,
	    sizeof err), 0);
	md_sqlp_free(&p);
	ck_assert_int_eq(md_db_exec(a, "SELECT 1", NULL, err, sizeof err), -1);
	ck_assert_int_eq(backend_pid(b), bpid);
	ck_assert_int_eq(md_db_commit(b, err, sizeof err), 0);
	md_db_free(a);
	md_db_free(b);
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
	tcase_add_test(tc, lost_server_seen_by_one_reconnects_all);
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(suite)
