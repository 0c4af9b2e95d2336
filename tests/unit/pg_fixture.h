/*
 * pg_fixture.h - a private PostgreSQL cluster for unit tests.
 *
 * One cluster per test program (initdb costs a second; a fresh schema
 * costs a few milliseconds), started by MD_PGFX_MAIN through
 * tests/harness/pg-cluster and stopped after the run.  Each test calls
 * md_pgfx_fresh() in its setup: the schema is dropped and migrated again,
 * so tests never see each other's rows, even though check forks them.
 *
 *	static void setup(void) { ...; md_pgfx_config(&cfg); md_pgfx_fresh(); }
 *	MD_PGFX_MAIN(suite)
 *
 * It includes redis_fixture.h: most tracker tests need both servers
 * (MD_PGFX_MAIN also makes the base directory the Redis fixture uses).
 */
#ifndef MD_PG_FIXTURE_H
#define MD_PG_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>

#include "conf.h"
#include "db.h"
#include "redis_fixture.h"
#include "unit.h"

static char md_pgfx_dir[96];
static char md_pgfx_conninfo[256];

/* Points cfg's database key at the cluster. */
static inline void
md_pgfx_config(struct md_config *c)
{
	char e[256];

	ck_assert_int_eq(md_config_set(c, "database", md_pgfx_conninfo, e, sizeof e), 0);
}

/* An empty, migrated schema.  Aborts the test on failure. */
static inline void
md_pgfx_fresh(void)
{
	struct md_db *db = md_db_new(md_pgfx_conninfo);
	char e[512];
	int from, to;

	ck_assert_ptr_nonnull(db);
	ck_assert_msg(md_db_exec(db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public",
	    NULL, e, sizeof e) == 0, "%s", e);
	ck_assert_msg(md_db_migrate(db, &from, &to, e, sizeof e) == 0, "%s", e);
	md_db_free(db);
}

/* One value of a query (malloc'd, "" for no row); for assertions. */
static inline char *
md_pgfx_value(const char *sql, const char *arg)
{
	struct md_db *db = md_db_new(md_pgfx_conninfo);
	struct md_sqlp p;
	PGresult *res;
	char e[512], *v;

	md_sqlp_init(&p);
	if (arg != NULL)
		md_sqlp_str(&p, arg);
	res = md_db_query(db, sql, arg != NULL ? &p : NULL, e, sizeof e);
	ck_assert_msg(res != NULL, "%s: %s", sql, e);
	v = strdup(PQntuples(res) > 0 ? md_db_val(res, 0, 0) : "");
	PQclear(res);
	md_sqlp_free(&p);
	md_db_free(db);
	return v;
}

/* Asserts that a query's one value is want (and frees it: ASan counts leaks). */
#define md_pgfx_str_eq(sql, arg, want) do {				\
	char *md_pgfx_v_ = md_pgfx_value((sql), (arg));			\
	ck_assert_str_eq(md_pgfx_v_, (want));				\
	free(md_pgfx_v_);						\
} while (0)

/* A count(*)-like integer of a query with at most one argument. */
static inline long long
md_pgfx_num(const char *sql, const char *arg)
{
	char *v = md_pgfx_value(sql, arg);
	long long n = strtoll(v, NULL, 10);

	free(v);
	return n;
}

static inline int
md_pgfx_cluster(const char *what)
{
	char cmd[512];

	snprintf(cmd, sizeof cmd, "'%s/tests/harness/pg-cluster' %s '%s' >/dev/null",
	    md_fixture_dir(), what, md_pgfx_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static inline int
md_pgfx_run(Suite *(*suite_fn)(void))
{
	char cmd[512];
	const char *sys = getenv("MD_SYSTEM_TESTS");
	FILE *fp;
	int rc;

	/* configure --disable-system-tests (make distcheck): no servers. */
	if (sys != NULL && strcmp(sys, "no") == 0) {
		printf("1..0 # SKIP needs PostgreSQL (configure --disable-system-tests)\n");
		return EXIT_SUCCESS;
	}
	snprintf(md_pgfx_dir, sizeof md_pgfx_dir, "/tmp/md-pgfx-XXXXXX");
	if (mkdtemp(md_pgfx_dir) == NULL) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	/* The server runs as postgres when we are root: it must reach pg/. */
	chmod(md_pgfx_dir, 0755);
	snprintf(cmd, sizeof cmd, "'%s/tests/harness/pg-cluster' start '%s/pg'",
	    md_fixture_dir(), md_pgfx_dir);
	if ((fp = popen(cmd, "r")) == NULL ||
	    fgets(md_pgfx_conninfo, sizeof md_pgfx_conninfo, fp) == NULL) {
		if (fp != NULL)
			pclose(fp);
		printf("1..0 # SKIP no PostgreSQL cluster could be started\n");
		return EXIT_SUCCESS;
	}
	pclose(fp);
	md_pgfx_conninfo[strcspn(md_pgfx_conninfo, "\n")] = '\0';
	rc = md_rfx_run(suite_fn);
	snprintf(cmd, sizeof cmd, "'%s/tests/harness/pg-cluster' stop '%s/pg'; rm -rf '%s'",
	    md_fixture_dir(), md_pgfx_dir, md_pgfx_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "pg_fixture: could not remove %s\n", md_pgfx_dir);
	return rc;
}

#define MD_PGFX_MAIN(suite_fn)						\
int									\
main(void)								\
{									\
	return md_pgfx_run(suite_fn);					\
}

#endif
