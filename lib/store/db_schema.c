/*
 * db_schema.c - the schema version of the database and the migrations that
 * bring it to this program's (db/migrations/NNN_*.sql, compiled in as
 * db_migrations.c).
 *
 * Split from db.c: only `maildesk db migrate`, doctor and the programs'
 * start-up check ask about the schema, and they do it through db.h's
 * statements like any other caller.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "db_migrations.h"

int
md_db_schema_get(struct md_db *db, char *err, size_t errlen)
{
	PGresult *res;
	int v;

	res = md_db_query(db, "SELECT to_regclass('md_schema') IS NOT NULL", NULL, err,
	    errlen);
	if (res == NULL)
		return -1;
	v = strcmp(md_db_val(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!v)
		return 0;
	if ((res = md_db_query(db, "SELECT coalesce(max(version), 0) FROM md_schema",
	    NULL, err, errlen)) == NULL)
		return -1;
	v = (int)md_db_ll(res, 0, 0);
	PQclear(res);
	return v;
}

int
md_db_schema_check(struct md_db *db, char *err, size_t errlen)
{
	int v = md_db_schema_get(db, err, errlen);

	if (v < 0)
		return -1;
	if (v == 0)
		snprintf(err, errlen, "the database has no maildesk schema: run "
		    "'maildesk db migrate'");
	else if (v < md_db_schema_version)
		snprintf(err, errlen, "the database schema is version %d, this program "
		    "needs %d: run 'maildesk db migrate'", v, md_db_schema_version);
	else if (v > md_db_schema_version)
		snprintf(err, errlen, "the database schema is version %d, newer than "
		    "this program's %d: upgrade maildesk", v, md_db_schema_version);
	else
		return 0;
	return -1;
}

int
md_db_migrate(struct md_db *db, int *from, int *to, char *err, size_t errlen)
{
	struct md_sqlp p;
	size_t i;
	int cur, rc;
	char e[512];

	*from = *to = 0;
	/*
	 * The bookkeeping table, under the migrators' lock too: two CREATE
	 * TABLE IF NOT EXISTS at once are not safe (the loser fails with
	 * "type md_schema already exists" or a unique violation, depending on
	 * the moment), and two `maildesk db migrate` must both succeed.
	 */
	if (md_db_begin(db, err, errlen) < 0)
		return -1;
	if (md_db_exec(db, "SELECT pg_advisory_xact_lock(7401)", NULL, err, errlen) < 0 ||
	    md_db_exec(db, "CREATE TABLE IF NOT EXISTS md_schema ("
	    "version integer PRIMARY KEY, name text NOT NULL, applied bigint NOT NULL)",
	    NULL, err, errlen) < 0) {
		md_db_rollback(db);
		return -1;
	}
	if (md_db_commit(db, err, errlen) < 0)
		return -1;
	for (i = 0; i < md_nmigrations; i++) {
		if (md_db_begin(db, err, errlen) < 0)
			return -1;
		/* One migrator at a time; the lock ends with the transaction. */
		if (md_db_exec(db, "SELECT pg_advisory_xact_lock(7401)", NULL, err,
		    errlen) < 0 || (cur = md_db_schema_get(db, err, errlen)) < 0) {
			md_db_rollback(db);
			return -1;
		}
		if (i == 0)
			*from = cur;
		if (md_migrations[i].version <= cur) {
			md_db_rollback(db);
			*to = cur;
			continue;
		}
		md_sqlp_init(&p);
		md_sqlp_long(&p, md_migrations[i].version);
		md_sqlp_str(&p, md_migrations[i].name);
		md_sqlp_long(&p, (long long)time(NULL));
		rc = md_db_exec(db, md_migrations[i].sql, NULL, e, sizeof e);
		if (rc == 0)
			rc = md_db_exec(db, "INSERT INTO md_schema VALUES ($1, $2, $3)", &p,
			    e, sizeof e);
		md_sqlp_free(&p);
		if (rc < 0) {
			md_db_rollback(db);
			snprintf(err, errlen, "migration %s: %s", md_migrations[i].name, e);
			return -1;
		}
		if (md_db_commit(db, err, errlen) < 0)
			return -1;
		*to = md_migrations[i].version;
	}
	return 0;
}
