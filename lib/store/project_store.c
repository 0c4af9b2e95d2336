/*
 * project_store.c - projects and their aliases in the tracker of record
 * (tables projects, aliases), with the Redis view kept in step
 * (projects.h; the ordering rule is in store.h).
 *
 * Races between two admins are settled by PostgreSQL: the primary keys
 * make a second "add" of a name or an alias fail, and every change runs
 * in one transaction.  What makes an address deliverable (a new project,
 * an enabled one, an alias) is put into the view before the commit; what
 * ends one (a disabled project, a removed alias) leaves the view after
 * it.  A crash in between leaves an extra view entry, which `maildesk
 * view rebuild` removes.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "db.h"
#include "project_store.h"
#include "store.h"
#include "validate.h"
#include "view.h"

#define RETENTION_MAX	36500	/* days: a hundred years is "keep" anyway */

static const char *const policy_names[] = { "accept", "reject" };	/* md_automated_policy */

static int
is_true(const char *v)
{
	return strcmp(v, "t") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

void
md_project_row(const PGresult *res, int row, struct md_project *p)
{
	const char *pol = md_db_val(res, row, 7);

	memset(p, 0, sizeof *p);
	snprintf(p->name, sizeof p->name, "%s", md_db_val(res, row, 0));
	p->enabled = is_true(md_db_val(res, row, 1));
	p->created = (long)md_db_ll(res, row, 2);
	p->last_iid = (long)md_db_ll(res, row, 3);
	p->verified_senders = is_true(md_db_val(res, row, 4));
	p->reopen_on_reply = is_true(md_db_val(res, row, 5));
	p->notify_state = is_true(md_db_val(res, row, 6));
	p->automated_policy = strcmp(pol, "accept") == 0 ? MD_AUTO_ACCEPT :
	    strcmp(pol, "reject") == 0 ? MD_AUTO_REJECT : -1;
	p->spam_mark = PQgetisnull(res, row, 8) ? -1 : strtod(md_db_val(res, row, 8), NULL);
	p->spam_reject = PQgetisnull(res, row, 9) ? -1 : strtod(md_db_val(res, row, 9), NULL);
	p->retention_days = (int)md_db_ll(res, row, 10);
	p->first_response = (long)md_db_ll(res, row, 11);
	/* NULL follows maildesk.conf */
	p->dmarc_reject = PQgetisnull(res, row, 12) ? MD_OVERRIDE_DEFAULT :
	    is_true(md_db_val(res, row, 12)) ? MD_OVERRIDE_ON : MD_OVERRIDE_OFF;
	p->quarantine_reject = PQgetisnull(res, row, 13) ? MD_OVERRIDE_DEFAULT :
	    strcmp(md_db_val(res, row, 13), "reject") == 0 ? MD_OVERRIDE_ON : MD_OVERRIDE_OFF;
	p->desk_from_auth = PQgetisnull(res, row, 14) ? MD_OVERRIDE_DEFAULT :
	    is_true(md_db_val(res, row, 14)) ? MD_OVERRIDE_ON : MD_OVERRIDE_OFF;
}

static void
no_project(const char *name, char *err, size_t errlen)
{
	snprintf(err, errlen, "no such project: %.*s", MD_PROJECT_MAX + 8, name);
}

int
md_project_add(struct md_store *st, const char *name, char *err, size_t errlen)
{
	struct md_sqlp q;
	PGresult *res;
	struct md_project p;
	int rc = -1;

	if (!md_project_name_valid(name)) {
		snprintf(err, errlen, "invalid project name '%.*s': use 1-%d of a-z 0-9 . _ - "
		    "starting with a letter or digit", MD_PROJECT_MAX + 8, name, MD_PROJECT_MAX);
		return -1;
	}
	md_sqlp_init(&q);
	md_sqlp_str(&q, name);
	md_sqlp_long(&q, (long long)time(NULL));
	if (md_db_begin(st->db, err, errlen) < 0)
		goto out;
	res = md_db_query(st->db, "INSERT INTO projects (name, created) VALUES ($1, $2) "
	    "ON CONFLICT (name) DO NOTHING RETURNING " MD_PROJECT_COLUMNS, &q, err, errlen);
	if (res == NULL)
		goto fail;
	if (PQntuples(res) == 0) {
		snprintf(err, errlen, "project %s already exists", name);
		PQclear(res);
		goto fail;
	}
	md_project_row(res, 0, &p);
	PQclear(res);
	/* Into the view first: the project must be deliverable once it exists. */
	if (md_view_project_put(st->redis, &p, err, errlen) < 0 ||
	    md_db_commit(st->db, err, errlen) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	md_db_rollback(st->db);
out:
	md_sqlp_free(&q);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Fills p->aliases, sorted. */
static int
load_aliases(struct md_store *st, struct md_project *p, char *err, size_t errlen)
{
	struct md_sqlp q;
	PGresult *res;
	int i, n, rc = -1;

	md_sqlp_init(&q);
	md_sqlp_str(&q, p->name);
	res = md_db_query(st->db, "SELECT address FROM aliases WHERE project = $1 "
	    "ORDER BY address", &q, err, errlen);
	md_sqlp_free(&q);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	if ((p->aliases = calloc((size_t)n + 1, sizeof *p->aliases)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((p->aliases[i] = md_db_dup(res, i, 0)) == NULL) {
			snprintf(err, errlen, "out of memory");
			md_project_free(p);
			goto out;
		}
	p->naliases = (size_t)n;
	/* ORDER BY follows the collation; callers expect byte order. */
	qsort(p->aliases, p->naliases, sizeof *p->aliases, cmp_str);
	rc = 0;
out:
	PQclear(res);
	return rc;
}

int
md_project_get(struct md_store *st, const char *name, struct md_project *out,
    char *err, size_t errlen)
{
	struct md_sqlp q;
	PGresult *res;
	int found;

	memset(out, 0, sizeof *out);
	if (!md_project_name_valid(name))
		return 0;
	md_sqlp_init(&q);
	md_sqlp_str(&q, name);
	res = md_db_query(st->db, "SELECT " MD_PROJECT_COLUMNS " FROM projects "
	    "WHERE name = $1", &q, err, errlen);
	md_sqlp_free(&q);
	if (res == NULL)
		return -1;
	if ((found = PQntuples(res) > 0))
		md_project_row(res, 0, out);
	PQclear(res);
	if (found && load_aliases(st, out, err, errlen) < 0)
		return -1;
	return found;
}

/* "180d", "180" -> 180; "off", "keep", "0" -> 0 (keep); -1 otherwise. */
static long
retention_value(const char *v)
{
	char *end;
	long n;

	if (strcasecmp(v, "off") == 0 || strcasecmp(v, "keep") == 0 ||
	    strcasecmp(v, "no") == 0)
		return 0;
	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (*end == 'd' && end[1] == '\0')
		end++;
	if (errno != 0 || *end != '\0' || n > RETENTION_MAX)
		return -1;
	return n;
}

/*
 * The column of setting field and its value as a statement parameter
 * (NULL value: SQL NULL); -1 with err for an unknown field or a bad value.
 */
static int
canon_setting(const char *field, const char *value, const char **column,
    struct md_sqlp *q, char *err, size_t errlen)
{
	static const char *const bools[] = { "enabled", "verified_senders",
	    "reopen_on_reply", "notify_state", NULL };
	const struct md_override_field *o;
	char *end;
	double d;
	long n;
	int i, b;

	for (i = 0; bools[i] != NULL; i++)
		if (strcmp(field, bools[i]) == 0) {
			if ((b = md_setting_bool(value)) < 0) {
				snprintf(err, errlen, "%s: expected yes or no", field);
				return -1;
			}
			*column = bools[i];
			md_sqlp_bool(q, b);
			return 0;
		}
	if (strcmp(field, "automated_policy") == 0) {
		if (strcmp(value, "default") != 0 && strcmp(value, policy_names[0]) != 0 &&
		    strcmp(value, policy_names[1]) != 0) {
			snprintf(err, errlen, "%s: expected default, accept or reject", field);
			return -1;
		}
		*column = "automated_policy";
		md_sqlp_str(q, value);
		return 0;
	}
	if (strcmp(field, "spam_mark") == 0 || strcmp(field, "spam_reject") == 0) {
		*column = field[5] == 'm' ? "spam_mark" : "spam_reject";
		if (strcmp(value, "default") == 0) {
			md_sqlp_null(q);
			return 0;
		}
		errno = 0;
		d = strtod(value, &end);
		if (*value == '\0' || *end != '\0' || errno != 0 || !isfinite(d) || d < 0) {
			snprintf(err, errlen, "%s: expected a number >= 0 or default", field);
			return -1;
		}
		md_sqlp_double(q, d);
		return 0;
	}
	if (strcmp(field, "retention") == 0 || strcmp(field, "retention_days") == 0) {
		if ((n = retention_value(value)) < 0) {
			snprintf(err, errlen, "%s: expected a number of days (180d) or off "
			    "(at most %d days)", field, RETENTION_MAX);
			return -1;
		}
		*column = "retention_days";
		if (n == 0)
			md_sqlp_null(q);
		else
			md_sqlp_long(q, n);
		return 0;
	}
	/* Sender identity (issue 17): NULL follows maildesk.conf. */
	if ((o = md_override_field(field)) != NULL) {
		if ((b = md_override_setting_parse(o, value)) < 0) {
			snprintf(err, errlen, "%s: expected %s, %s or default", field,
			    o->on, o->off);
			return -1;
		}
		*column = o->field;
		if (b == MD_OVERRIDE_DEFAULT)
			md_sqlp_null(q);
		else if (strcmp(o->on, "yes") == 0)
			md_sqlp_bool(q, b == MD_OVERRIDE_ON);
		else
			md_sqlp_str(q, b == MD_OVERRIDE_ON ? o->on : o->off);
		return 0;
	}
	if (strcmp(field, "first_response") == 0) {	/* issue 18: the due time */
		if (md_duration_parse(value, &n) < 0) {
			snprintf(err, errlen, "%s: expected a duration (8h, 30m, 2d) or off",
			    field);
			return -1;
		}
		*column = "first_response";
		if (n == 0)
			md_sqlp_null(q);
		else
			md_sqlp_long(q, n);
		return 0;
	}
	snprintf(err, errlen, "unknown setting '%.64s' (one of enabled, verified_senders, "
	    "reopen_on_reply, notify_state, automated_policy, spam_mark, spam_reject, "
	    "retention, first_response, dmarc_reject, dmarc_quarantine, desk_from_auth)",
	    field);
	return -1;
}

/*
 * Sets one column in one transaction; the view follows the ordering rule:
 * a project that is enabled afterwards goes into the view before the
 * commit, a disabled one after it.  1 set, 0 no such project, -1 err.
 */
static int
set_column(struct md_store *st, const char *name, const char *column,
    struct md_sqlp *q, char *err, size_t errlen)
{
	char sql[400];
	struct md_project p;
	PGresult *res;
	int found;

	snprintf(sql, sizeof sql, "UPDATE projects SET %s = $1 WHERE name = $2 "
	    "RETURNING " MD_PROJECT_COLUMNS, column);
	md_sqlp_str(q, name);
	if (md_db_begin(st->db, err, errlen) < 0)
		return -1;
	if ((res = md_db_query(st->db, sql, q, err, errlen)) == NULL)
		goto fail;
	if ((found = PQntuples(res) > 0))
		md_project_row(res, 0, &p);
	PQclear(res);
	if (!found) {
		md_db_rollback(st->db);
		no_project(name, err, errlen);
		return 0;
	}
	if (p.enabled && md_view_project_put(st->redis, &p, err, errlen) < 0)
		goto fail;
	if (md_db_commit(st->db, err, errlen) < 0)
		return -1;
	if (!p.enabled && md_view_project_put(st->redis, &p, err, errlen) < 0) {
		size_t n = strlen(err);

		/* Saved; the milter still accepts mail for it until the view is right. */
		snprintf(err + n, errlen - n, " (the change is saved: run `maildesk view "
		    "rebuild` once Redis is back)");
		return -1;
	}
	return 1;
fail:
	md_db_rollback(st->db);
	return -1;
}

int
md_project_set(struct md_store *st, const char *name, const char *field,
    const char *value, char *err, size_t errlen)
{
	const char *column = NULL;
	struct md_sqlp q;
	int rc;

	md_sqlp_init(&q);
	if (canon_setting(field, value, &column, &q, err, errlen) < 0) {
		md_sqlp_free(&q);
		return -1;
	}
	if (!md_project_name_valid(name)) {
		no_project(name, err, errlen);
		rc = 0;
	} else
		rc = set_column(st, name, column, &q, err, errlen);
	md_sqlp_free(&q);
	return rc == 1 ? 0 : -1;
}

int
md_project_set_enabled(struct md_store *st, const char *name, int enabled,
    char *err, size_t errlen)
{
	struct md_sqlp q;
	int rc;

	if (!md_project_name_valid(name)) {
		no_project(name, err, errlen);
		return 0;
	}
	md_sqlp_init(&q);
	md_sqlp_bool(&q, enabled != 0);
	rc = set_column(st, name, "enabled", &q, err, errlen);
	md_sqlp_free(&q);
	return rc;
}

/* The owner of the canonical address addr: 1 (project filled), 0, -1. */
static int
owner_of(struct md_store *st, const char *addr, char *project, size_t projlen,
    char *err, size_t errlen)
{
	struct md_sqlp q;
	PGresult *res;
	int found;

	md_sqlp_init(&q);
	md_sqlp_str(&q, addr);
	res = md_db_query(st->db, "SELECT project FROM aliases WHERE address = $1",
	    &q, err, errlen);
	md_sqlp_free(&q);
	if (res == NULL)
		return -1;
	if ((found = PQntuples(res) > 0))
		snprintf(project, projlen, "%s", md_db_val(res, 0, 0));
	PQclear(res);
	return found;
}

int
md_project_alias_owner(struct md_store *st, const char *alias, char *project,
    size_t projlen, char *err, size_t errlen)
{
	char addr[MD_ADDR_MAX + 1];

	/* No desk-domain check here: asking is not adding. */
	if (md_alias_check(NULL, alias, addr, sizeof addr, err, errlen) < 0)
		return -1;
	return owner_of(st, addr, project, projlen, err, errlen);
}

int
md_project_alias_add(struct md_store *st, const char *name, const char *alias,
    char *err, size_t errlen)
{
	char addr[MD_ADDR_MAX + 1], owner[MD_PROJECT_MAX + 1];
	struct md_sqlp q;
	PGresult *res;
	int rc = -1, found;

	if (md_alias_check(st->cfg, alias, addr, sizeof addr, err, errlen) < 0)
		return -1;
	if (!md_project_name_valid(name)) {
		no_project(name, err, errlen);
		return -1;
	}
	md_sqlp_init(&q);
	md_sqlp_str(&q, name);
	if (md_db_begin(st->db, err, errlen) < 0)
		goto out;
	/* The project row lock keeps it from going away under the new alias. */
	if ((res = md_db_query(st->db, "SELECT 1 FROM projects WHERE name = $1 FOR SHARE",
	    &q, err, errlen)) == NULL)
		goto fail;
	found = PQntuples(res) > 0;
	PQclear(res);
	if (!found) {
		no_project(name, err, errlen);
		goto fail;
	}
	md_sqlp_str(&q, addr);
	if ((res = md_db_query(st->db, "INSERT INTO aliases (address, project) "
	    "VALUES ($2, $1) ON CONFLICT (address) DO NOTHING RETURNING 1", &q, err,
	    errlen)) == NULL)
		goto fail;
	found = PQntuples(res) > 0;
	PQclear(res);
	if (!found) {
		if ((found = owner_of(st, addr, owner, sizeof owner, err, errlen)) < 0)
			goto fail;
		if (found && strcmp(owner, name) != 0) {
			snprintf(err, errlen, "alias %s is already used by project %s",
			    addr, owner);
			goto fail;
		}
	}
	/* Before the commit (also when it was there: repairs a lost view entry). */
	if (md_view_alias_put(st->redis, addr, name, err, errlen) < 0 ||
	    md_db_commit(st->db, err, errlen) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	md_db_rollback(st->db);
out:
	md_sqlp_free(&q);
	return rc;
}

int
md_project_alias_del(struct md_store *st, const char *name, const char *alias,
    char *err, size_t errlen)
{
	char addr[MD_ADDR_MAX + 1], owner[MD_PROJECT_MAX + 1];
	struct md_sqlp q;
	long n;
	int found;

	if (md_alias_check(NULL, alias, addr, sizeof addr, err, errlen) < 0)
		return -1;
	md_sqlp_init(&q);
	md_sqlp_str(&q, addr);
	md_sqlp_str(&q, name);
	n = md_db_exec_count(st->db, "DELETE FROM aliases WHERE address = $1 AND "
	    "project = $2", &q, err, errlen);
	md_sqlp_free(&q);
	if (n < 0)
		return -1;
	if (n == 0) {
		if ((found = owner_of(st, addr, owner, sizeof owner, err, errlen)) < 0)
			return -1;
		if (found)
			snprintf(err, errlen, "alias %s belongs to project %.*s, not %.*s",
			    addr, MD_PROJECT_MAX, owner, MD_PROJECT_MAX + 8, name);
		else
			snprintf(err, errlen, "no such alias: %s", addr);
		return -1;
	}
	/* After the commit (the DELETE ran in its own). */
	if (md_view_alias_del(st->redis, addr, err, errlen) < 0) {
		size_t len = strlen(err);

		snprintf(err + len, errlen - len, " (the alias is removed: run `maildesk "
		    "view rebuild` once Redis is back)");
		return -1;
	}
	return 0;
}

int
md_project_list(struct md_store *st, char ***names, size_t *n, char *err,
    size_t errlen)
{
	PGresult *res;

	*names = NULL;
	*n = 0;
	if ((res = md_db_query(st->db, "SELECT name FROM projects", NULL, err,
	    errlen)) == NULL)
		return -1;
	return md_db_strings(res, 0, names, n, err, errlen);
}
