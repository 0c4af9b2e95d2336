/*
 * db.h - the PostgreSQL connection of the tracker of record (libpq).
 *
 * One md_db is one connection, used by one thread.  It connects lazily and
 * reconnects when the server went away between two statements; a
 * transaction cut by a lost connection fails, and the caller runs it again
 * (every writer is idempotent: see doc/design.md).  Statements take their
 * values as parameters (never spliced into SQL), in text format except
 * where md_sqlp_bin() marks binary data.  The conninfo is never logged:
 * it may carry a password.
 *
 * Return convention: 0 success, -1 error with err set to one sentence
 * ("postgres: ..."); md_db_sqlstate() tells a unique violation (23505) or
 * a serialization failure (40001) from the rest.
 */
#ifndef MD_DB_H
#define MD_DB_H

#include <stddef.h>
#include <libpq-fe.h>

/* The schema version this program was built for: the newest migration. */
extern const int md_db_schema_version;

struct md_db;

/* Does not connect yet; NULL only on ENOMEM. */
struct md_db *md_db_new(const char *conninfo);
void	md_db_free(struct md_db *db);
/* Connects now (or checks the connection): 0 or -1 with err. */
int	md_db_connect(struct md_db *db, char *err, size_t errlen);
/* The live connection, for LISTEN and PQconsumeInput; NULL if none. */
PGconn	*md_db_conn(struct md_db *db);
/* SQLSTATE of the last failed statement ("" when none or no server answer). */
const char *md_db_sqlstate(const struct md_db *db);
/*
 * 1 if the last error was a unique violation / a retryable conflict: also
 * no answer, and a server that cannot take writes now (a standby: 25006;
 * shutting down: 57P0x), whose connection is then closed so that the next
 * statement reconnects (with target_session_attrs=read-write: to the primary).
 */
int	md_db_unique_violation(const struct md_db *db);
int	md_db_retryable(const struct md_db *db);

/* ---- parameters ---------------------------------------------------------- */

#define MD_SQLP_MAX	40

struct md_sqlp {
	const char	*v[MD_SQLP_MAX];
	int		 len[MD_SQLP_MAX];
	int		 fmt[MD_SQLP_MAX];	/* 1: binary */
	char		*owned[MD_SQLP_MAX];
	int		 n;
	int		 err;			/* sticky: too many or ENOMEM */
};

void	md_sqlp_init(struct md_sqlp *p);
void	md_sqlp_free(struct md_sqlp *p);
/* s must outlive the statement (NULL is SQL NULL). */
void	md_sqlp_str(struct md_sqlp *p, const char *s);
/* n bytes of text that may not be NUL-terminated (copied). */
void	md_sqlp_strn(struct md_sqlp *p, const char *s, size_t n);
/* Binary data for a bytea column (not copied). */
void	md_sqlp_bin(struct md_sqlp *p, const void *data, size_t n);
void	md_sqlp_long(struct md_sqlp *p, long long v);
void	md_sqlp_double(struct md_sqlp *p, double v);
void	md_sqlp_bool(struct md_sqlp *p, int v);
void	md_sqlp_null(struct md_sqlp *p);

/* ---- statements ------------------------------------------------------------ */

/*
 * Runs one statement ($1.. from p, which may be NULL) and returns its
 * result (PQclear it) when it succeeded, NULL with err otherwise.  Results
 * are text, except that binary = 1 asks for binary columns (bytea bytes
 * as they are).
 */
PGresult *md_db_query(struct md_db *db, const char *sql, const struct md_sqlp *p,
	    char *err, size_t errlen);
PGresult *md_db_query_bin(struct md_db *db, const char *sql, const struct md_sqlp *p,
	    char *err, size_t errlen);
/* md_db_query for statements whose result is not needed: 0 or -1. */
int	md_db_exec(struct md_db *db, const char *sql, const struct md_sqlp *p,
	    char *err, size_t errlen);
/* Rows a statement changed (md_db_exec's), or -1. */
long	md_db_exec_count(struct md_db *db, const char *sql, const struct md_sqlp *p,
	    char *err, size_t errlen);

/* One page of md_db_keyset_pages: 0 to go on, -1 with err to stop. */
typedef int md_db_page_fn(void *ctx, PGresult *page, char *err, size_t errlen);

/*
 * Runs sql page by page: $1 is the key of the last row of the previous
 * page ("" at first), $2 page_rows; sql returns its key in column 0 and
 * orders by it (COLLATE "C", so the comparison in its WHERE matches).  Each
 * page goes to fn; a short page is the last.  Keyset paging: every page is
 * an index range scan, however far in, and nothing is held open between
 * pages.  0, or -1 with err.
 */
int	md_db_keyset_pages(struct md_db *db, const char *sql, long page_rows,
	    md_db_page_fn *fn, void *ctx, char *err, size_t errlen);

int	md_db_begin(struct md_db *db, char *err, size_t errlen);
int	md_db_commit(struct md_db *db, char *err, size_t errlen);
/* Never fails as far as the caller cares (a lost connection ends it too). */
void	md_db_rollback(struct md_db *db);

/* Cell helpers: "" for NULL, 0 for NULL or junk. */
const char *md_db_val(const PGresult *res, int row, int col);
long long md_db_ll(const PGresult *res, int row, int col);
/* A malloc'd copy of a cell (never NULL unless ENOMEM). */
char	*md_db_dup(const PGresult *res, int row, int col);
/*
 * Column col of every row as a NULL-terminated array of copies, sorted in
 * byte order whatever the database's collation.  Clears res.
 */
int	md_db_strings(PGresult *res, int col, char ***out, size_t *n, char *err,
	    size_t errlen);

/* ---- schema --------------------------------------------------------------- */

/*
 * 0 when the database holds the schema this program was built for;
 * -1 with err telling the admin what to do (no schema: run `maildesk db
 * migrate`; older: the same; newer: upgrade maildesk).
 */
int	md_db_schema_check(struct md_db *db, char *err, size_t errlen);
/* The version in the database (0: no schema), or -1. */
int	md_db_schema_get(struct md_db *db, char *err, size_t errlen);
/*
 * Applies the migrations newer than the database's, each in its own
 * transaction, under an advisory lock so two at once cannot collide.
 * *from and *to receive the versions.  0 or -1.
 */
int	md_db_migrate(struct md_db *db, int *from, int *to, char *err, size_t errlen);

#endif
