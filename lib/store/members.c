/*
 * members.c - project membership (members.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "address.h"
#include "db.h"
#include "members.h"
#include "store.h"
#include "tracker.h"

#define ACTOR(a)	((a) != NULL && *(a) != '\0' ? (a) : "Support")

/* The project (locked against deletion) and user exist: 1, 0 (err), -1. */
static int
both_exist(struct md_store *st, const char *project, const char *user, char *err,
    size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	int rc;

	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	md_sqlp_str(&p, user);
	res = md_db_query(st->db, "SELECT (SELECT 1 FROM projects WHERE name = $1 FOR SHARE), "
	    "(SELECT 1 FROM users WHERE name = $2 FOR SHARE)", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	rc = 1;
	if (PQgetisnull(res, 0, 0)) {
		snprintf(err, errlen, "no such project: %.*s", MD_PROJECT_MAX, project);
		rc = 0;
	} else if (PQgetisnull(res, 0, 1)) {
		snprintf(err, errlen, "no such user: %.*s", MD_USER_MAX, user);
		rc = 0;
	}
	PQclear(res);
	return rc;
}

/*
 * The member's open issues of the project lose their assignee, each with
 * a system note by actor (one statement).  0 or -1.
 */
static int
unassign_all(struct md_store *st, const char *project, const char *user,
    const char *actor, char *err, size_t errlen)
{
	struct md_sqlp p;
	int rc;

	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	md_sqlp_str(&p, user);
	md_sqlp_str(&p, actor);
	md_sqlp_long(&p, (long long)time(NULL));
	rc = md_db_exec(st->db, "WITH u AS (UPDATE issues SET assignee = NULL, updated = $4 "
	    "WHERE project = $1 AND assignee = $2 AND state = 'opened' RETURNING id) "
	    "INSERT INTO notes (issue_id, project, author, kind, text, created) "
	    "SELECT id, $1, $3, 'system', 'unassigned ' || $2 || ' (no longer a member)', $4 "
	    "FROM u", &p, err, errlen);
	md_sqlp_free(&p);
	return rc;
}

/* One audit_log line; 0 or -1. */
static int
audit(struct md_store *st, const char *actor, const char *project,
    const char *user, const char *role, char *err, size_t errlen)
{
	struct md_sqlp p;
	char detail[MD_PROJECT_MAX + MD_USER_MAX + 32];
	int rc;

	snprintf(detail, sizeof detail, "%s: %s %s", project, user, role);
	md_sqlp_init(&p);
	md_sqlp_long(&p, (long long)time(NULL));
	md_sqlp_str(&p, actor);
	md_sqlp_str(&p, detail);
	rc = md_db_exec(st->db, "INSERT INTO audit_log (at, actor, action, detail) "
	    "VALUES ($1, $2, 'member', $3)", &p, err, errlen);
	md_sqlp_free(&p);
	return rc;
}

int
md_member_set(struct md_store *st, const char *project, const char *user,
    const char *role, const char *actor, int *changed, char *err, size_t errlen)
{
	int remove = role == NULL || *role == '\0' || strcmp(role, "none") == 0;
	struct md_sqlp p;
	long n;
	int rc;

	if (changed != NULL)
		*changed = 0;
	if (!remove && strcmp(role, "responder") != 0 && strcmp(role, "maintainer") != 0) {
		snprintf(err, errlen, "bad role '%.32s' (responder, maintainer or none)", role);
		return -1;
	}
	if (!md_project_name_valid(project) || !md_user_name_valid(user)) {
		snprintf(err, errlen, "no such project or user");
		return MD_TRK_NOTFOUND;
	}
	if (md_db_begin(st->db, err, errlen) < 0)
		return -1;
	if ((rc = both_exist(st, project, user, err, errlen)) <= 0) {
		md_db_rollback(st->db);
		return rc < 0 ? -1 : MD_TRK_NOTFOUND;
	}
	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	md_sqlp_str(&p, user);
	if (remove) {
		n = md_db_exec_count(st->db, "DELETE FROM project_members WHERE project = $1 "
		    "AND username = $2", &p, err, errlen);
	} else {
		md_sqlp_str(&p, role);
		md_sqlp_long(&p, (long long)time(NULL));
		n = md_db_exec_count(st->db, "INSERT INTO project_members (project, username, "
		    "role, created) VALUES ($1, $2, $3, $4) ON CONFLICT (project, username) "
		    "DO UPDATE SET role = EXCLUDED.role WHERE project_members.role <> "
		    "EXCLUDED.role", &p, err, errlen);
	}
	md_sqlp_free(&p);
	if (n < 0 || (n > 0 && ((remove && unassign_all(st, project, user, ACTOR(actor),
	    err, errlen) < 0) || audit(st, ACTOR(actor), project, user,
	    remove ? "removed" : role, err, errlen) < 0))) {
		md_db_rollback(st->db);
		return -1;
	}
	if (md_db_commit(st->db, err, errlen) < 0)
		return -1;
	if (changed != NULL)
		*changed = n > 0;
	return 0;
}

int
md_member_list(struct md_store *st, const char *project, struct md_member **out,
    size_t *n, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	int k;

	*out = NULL;
	*n = 0;
	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	res = md_db_query(st->db, "SELECT username, role FROM project_members "
	    "WHERE project = $1 ORDER BY username COLLATE \"C\"", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) > 0 &&
	    (*out = calloc((size_t)PQntuples(res), sizeof **out)) == NULL) {
		PQclear(res);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (k = 0; k < PQntuples(res); k++) {
		snprintf((*out)[k].user, sizeof (*out)[k].user, "%s", md_db_val(res, k, 0));
		snprintf((*out)[k].role, sizeof (*out)[k].role, "%s", md_db_val(res, k, 1));
	}
	*n = (size_t)PQntuples(res);
	PQclear(res);
	return 0;
}

int
md_member_projects(struct md_store *st, const struct md_user *who, char ***names,
    int **roles, size_t *n, char *err, size_t errlen)
{
	int admin = who == NULL || who->role == MD_ROLE_ADMIN;
	struct md_sqlp p;
	PGresult *res;
	const char *r;
	int k, rows;

	*names = NULL;
	*roles = NULL;
	*n = 0;
	md_sqlp_init(&p);
	md_sqlp_str(&p, who != NULL ? who->name : "");
	md_sqlp_bool(&p, admin);
	res = md_db_query(st->db, "SELECT p.name, coalesce(m.role, '') FROM projects p "
	    "LEFT JOIN project_members m ON m.project = p.name AND m.username = $1 "
	    "WHERE $2 OR m.role IS NOT NULL ORDER BY p.name COLLATE \"C\"", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	rows = PQntuples(res);
	if (rows > 0 && ((*names = calloc((size_t)rows + 1, sizeof **names)) == NULL ||
	    (*roles = calloc((size_t)rows, sizeof **roles)) == NULL))
		goto oom;
	for (k = 0; k < rows; k++) {
		if (((*names)[k] = strdup(md_db_val(res, k, 0))) == NULL)
			goto oom;
		r = md_db_val(res, k, 1);
		(*roles)[k] = admin ? MD_MEMBER_ADMIN : strcmp(r, "maintainer") == 0 ?
		    MD_MEMBER_MAINTAINER : MD_MEMBER_RESPONDER;
		(*n)++;
	}
	PQclear(res);
	return 0;
oom:
	PQclear(res);
	for (k = 0; *names != NULL && (*names)[k] != NULL; k++)
		free((*names)[k]);
	free(*names);
	free(*roles);
	*names = NULL;
	*roles = NULL;
	*n = 0;
	snprintf(err, errlen, "out of memory");
	return -1;
}
