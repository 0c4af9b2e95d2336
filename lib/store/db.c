/*
 * db.c - one libpq connection: connecting, failover, running statements
 * and transactions.
 *
 * Kept small on purpose: the tracker's SQL lives with the code that needs
 * it (lib/store/tracker_*.c), this file only runs it.  A dropped connection
 * is reset before the next statement outside a transaction; inside one the
 * statement fails and the caller's transaction is lost as a whole, which
 * is what makes a retry safe.
 *
 * The values that go into a statement and come out of its result are
 * db_values.c's, the schema and its migrations db_schema.c's: neither
 * needs to know how a connection is kept, so they sit apart from the one
 * file that does (db_values.c calls nothing of db.c, db_schema.c only its
 * statements, through db.h like any other caller).
 *
 * Failover (doc/scaling.md): with a multi-host conninfo and
 * target_session_attrs=read-write libpq connects to whichever host takes
 * writes.  A connection can still end up on a server that refuses them
 * (the old primary restarted as a standby, or a conninfo without
 * target_session_attrs): a write then fails with read_only_sql_transaction
 * (25006).  That, like a server shutting down (57P0x), closes the
 * connection, so the failure looks like a lost connection (retryable,
 * nothing counted against the records) and the next statement connects
 * afresh and finds the primary.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

struct md_db {
	char	*conninfo;
	PGconn	*conn;
	int	 in_tx;
	char	 sqlstate[6];
	unsigned long epoch;	/* server_epoch when conn was opened */
};

/*
 * Bumped when a connection of this process finds its server gone or
 * refusing writes.  The others were opened to the same server: each
 * reconnects before its next statement outside a transaction instead of
 * failing it (after a failover, one failed statement per process rather
 * than one per thread).
 */
static unsigned long server_epoch;

static unsigned long
epoch_now(void)
{
	return __atomic_load_n(&server_epoch, __ATOMIC_RELAXED);
}

struct md_db *
md_db_new(const char *conninfo)
{
	struct md_db *db = calloc(1, sizeof *db);

	if (db == NULL)
		return NULL;
	if ((db->conninfo = strdup(conninfo != NULL ? conninfo : "")) == NULL) {
		free(db);
		return NULL;
	}
	return db;
}

void
md_db_free(struct md_db *db)
{
	if (db == NULL)
		return;
	if (db->conn != NULL)
		PQfinish(db->conn);
	free(db->conninfo);
	free(db);
}

/* One line of libpq's message: its errors end in "\n" and may have more. */
static void
set_err(char *err, size_t errlen, const char *what, const char *msg)
{
	size_t n;

	if (err == NULL || errlen == 0)
		return;
	snprintf(err, errlen, "postgres: %s%s%s", what, *what ? ": " : "",
	    msg != NULL && *msg ? msg : "no answer");
	n = strcspn(err, "\n");
	err[n] = '\0';
}

/* Server NOTICEs (IF NOT EXISTS, cascades) are not news for an admin. */
static void
quiet_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

int
md_db_connect(struct md_db *db, char *err, size_t errlen)
{
	db->sqlstate[0] = '\0';
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK &&
	    (db->in_tx || db->epoch == epoch_now()))
		return 0;
	if (db->in_tx) {
		/*
		 * The transaction died with the connection: statements after it
		 * must not run on a new one, outside any transaction.
		 */
		set_err(err, errlen, "connection lost in a transaction", "");
		return -1;
	}
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = PQconnectdb(db->conninfo);
	if (db->conn == NULL) {
		set_err(err, errlen, "cannot connect", "out of memory");
		return -1;
	}
	if (PQstatus(db->conn) != CONNECTION_OK) {
		set_err(err, errlen, "cannot connect", PQerrorMessage(db->conn));
		PQfinish(db->conn);
		db->conn = NULL;
		return -1;
	}
	PQsetNoticeProcessor(db->conn, quiet_notice, NULL);
	db->in_tx = 0;
	db->epoch = epoch_now();
	return 0;
}

PGconn *
md_db_conn(struct md_db *db)
{
	return db->conn;
}

const char *
md_db_sqlstate(const struct md_db *db)
{
	return db->sqlstate;
}

int
md_db_unique_violation(const struct md_db *db)
{
	return strcmp(db->sqlstate, "23505") == 0;
}

/*
 * The server cannot take our writes now: a standby (read_only_sql_transaction),
 * or one shutting down or starting (admin_shutdown, crash_shutdown,
 * cannot_connect_now).  Another connection may reach the primary.
 */
static int
server_unusable(const char *sqlstate)
{
	return strcmp(sqlstate, "25006") == 0 || strncmp(sqlstate, "57P0", 4) == 0;
}

int
md_db_retryable(const struct md_db *db)
{
	return strcmp(db->sqlstate, "40001") == 0 || strcmp(db->sqlstate, "40P01") == 0 ||
	    strcmp(db->sqlstate, "23505") == 0 || db->sqlstate[0] == '\0' ||
	    server_unusable(db->sqlstate);
}

/* ---- statements ------------------------------------------------------------ */

static PGresult *
run(struct md_db *db, const char *sql, const struct md_sqlp *p, int binary,
    char *err, size_t errlen)
{
	PGresult *res;
	ExecStatusType st;
	const char *state;

	if (p != NULL && p->err) {
		set_err(err, errlen, "bad statement parameters", "too many or out of memory");
		return NULL;
	}
	if (md_db_connect(db, err, errlen) < 0)
		return NULL;
	/* Without parameters the simple protocol, which also runs the
	 * several statements of a migration. */
	if (p == NULL && !binary)
		res = PQexec(db->conn, sql);
	else
		res = PQexecParams(db->conn, sql, p != NULL ? p->n : 0, NULL,
		    p != NULL ? p->v : NULL, p != NULL ? p->len : NULL,
		    p != NULL ? p->fmt : NULL, binary);
	st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	snprintf(db->sqlstate, sizeof db->sqlstate, "%s", state != NULL ? state : "");
	set_err(err, errlen, "", res != NULL ? PQresultErrorMessage(res) :
	    PQerrorMessage(db->conn));
	if (res != NULL)
		PQclear(res);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		db->sqlstate[0] = '\0';	/* no answer: retryable */
		__atomic_add_fetch(&server_epoch, 1, __ATOMIC_RELAXED);
	} else if (server_unusable(db->sqlstate)) {
		PQfinish(db->conn);
		db->conn = NULL;
		__atomic_add_fetch(&server_epoch, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

PGresult *
md_db_query(struct md_db *db, const char *sql, const struct md_sqlp *p, char *err,
    size_t errlen)
{
	return run(db, sql, p, 0, err, errlen);
}

PGresult *
md_db_query_bin(struct md_db *db, const char *sql, const struct md_sqlp *p, char *err,
    size_t errlen)
{
	return run(db, sql, p, 1, err, errlen);
}

int
md_db_exec(struct md_db *db, const char *sql, const struct md_sqlp *p, char *err,
    size_t errlen)
{
	PGresult *res = run(db, sql, p, 0, err, errlen);

	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

long
md_db_exec_count(struct md_db *db, const char *sql, const struct md_sqlp *p, char *err,
    size_t errlen)
{
	PGresult *res = run(db, sql, p, 0, err, errlen);
	long n;

	if (res == NULL)
		return -1;
	n = strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return n;
}

int
md_db_keyset_pages(struct md_db *db, const char *sql, long page_rows,
    md_db_page_fn *fn, void *ctx, char *err, size_t errlen)
{
	char after[64] = "";
	struct md_sqlp p;
	PGresult *res;
	int rows, rc = 0;

	do {
		md_sqlp_init(&p);
		md_sqlp_str(&p, after);
		md_sqlp_long(&p, page_rows);
		res = md_db_query(db, sql, &p, err, errlen);
		md_sqlp_free(&p);
		if (res == NULL)
			return -1;
		rows = PQntuples(res);
		if (rows > 0) {
			rc = fn(ctx, res, err, errlen);
			snprintf(after, sizeof after, "%s", md_db_val(res, rows - 1, 0));
		}
		PQclear(res);
	} while (rc == 0 && rows == page_rows);
	return rc;
}

int
md_db_begin(struct md_db *db, char *err, size_t errlen)
{
	if (db->in_tx)
		md_db_rollback(db);
	if (md_db_exec(db, "BEGIN", NULL, err, errlen) < 0)
		return -1;
	db->in_tx = 1;
	return 0;
}

int
md_db_commit(struct md_db *db, char *err, size_t errlen)
{
	int rc = md_db_exec(db, "COMMIT", NULL, err, errlen);

	db->in_tx = 0;
	return rc;
}

void
md_db_rollback(struct md_db *db)
{
	PGresult *res;

	db->in_tx = 0;
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return;
	res = PQexec(db->conn, "ROLLBACK");
	if (res != NULL)
		PQclear(res);
}
