/*
 * tracker_assign.c - who owns an issue and how urgent it is (issue 18):
 * the assignee (at most one, a member of the project or a site admin)
 * and the priority.
 *
 * md_trk_assign is the one place an issue changes hands, whoever asks
 * (a responder in the CLI or web UI, a triage rule while a request is
 * filed), so what must follow an assignment is written there once: the
 * system note now, the "assigned to you" notification (notify) next to it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"
#include "tracker.h"
#include "tracker_assign.h"
#include "tracker_change.h"
#include "tracker_int.h"
#include "users.h"
#include "validate.h"

/* 1 if user may own issues of project (a member, or a site admin), 0, -1. */
static int
may_own(struct md_store *st, const char *project, const char *user, char *err,
    size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	int ok;

	md_sqlp_init(&p);
	md_sqlp_str(&p, user);
	md_sqlp_str(&p, project);
	res = md_db_query(st->db, "SELECT 1 FROM users u WHERE u.name = $1 AND "
	    "(u.role = 'admin' OR EXISTS (SELECT 1 FROM project_members m "
	    "WHERE m.project = $2 AND m.username = u.name))", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	ok = PQntuples(res) > 0;
	PQclear(res);
	return ok;
}

/*
 * Sets column (assignee or priority) of issue id to val (NULL: SQL NULL)
 * unless it already is that.  1 changed (old receives the value before,
 * "" for NULL), 0 unchanged, -1 error.
 */
static int
set_column(struct md_store *st, long id, const char *column, const char *val,
    char *old, size_t oldlen, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	char sql[384];
	int changed;

	/* column is one of two literals of this file, never input. */
	snprintf(sql, sizeof sql, "UPDATE issues i SET %s = $2 FROM (SELECT id, "
	    "coalesce(%s, '') AS old FROM issues WHERE id = $1) o WHERE i.id = o.id "
	    "AND i.%s IS DISTINCT FROM $2 RETURNING o.old", column, column, column);
	md_sqlp_init(&p);
	md_sqlp_long(&p, id);
	if (val != NULL)
		md_sqlp_str(&p, val);
	else
		md_sqlp_null(&p);
	res = md_db_query(st->db, sql, &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if ((changed = PQntuples(res) > 0))
		snprintf(old, oldlen, "%s", md_db_val(res, 0, 0));
	PQclear(res);
	return changed;
}

int
md_trk_assign(struct md_store *st, const struct md_trk_issue *b,
    const char *user, const char *author, int notify, int *changed, char *err,
    size_t errlen)
{
	char old[MD_USER_MAX + 16], text[2 * MD_USER_MAX + 64];
	int rc;

	if (changed != NULL)
		*changed = 0;
	if (user != NULL && *user == '\0')
		user = NULL;
	if (user != NULL && (rc = may_own(st, b->project, user, err, errlen)) <= 0) {
		if (rc == 0) {
			snprintf(err, errlen, "no such member of %s: %.*s", b->project,
			    MD_USER_MAX, user);
			return MD_TRK_NOTFOUND;
		}
		return -1;
	}
	if ((rc = set_column(st, b->id, "assignee", user, old, sizeof old, err,
	    errlen)) <= 0)
		return rc;
	if (user == NULL)
		snprintf(text, sizeof text, "unassigned %s", old);
	else if (*old != '\0')
		snprintf(text, sizeof text, "assigned to %s (was %s)", user, old);
	else
		snprintf(text, sizeof text, "assigned to %s", user);
	if (md_trk_change_note(st, b, author, text, err, errlen) < 0)
		return -1;
	/* "Assigned to you", in the same transaction (notify.h). */
	if (user != NULL && notify && md_trk_notify_assigned(st, b, user, author, 0,
	    err, errlen) < 0)
		return -1;
	if (changed != NULL)
		*changed = 1;
	return 0;
}

int
md_trk_set_priority(struct md_store *st, const struct md_trk_issue *b,
    const char *priority, const char *author, int *changed, char *err,
    size_t errlen)
{
	char old[32], text[96];
	int rc;

	if (changed != NULL)
		*changed = 0;
	if (!md_priority_valid(priority)) {
		snprintf(err, errlen, "bad priority (low, normal, high or urgent)");
		return -1;
	}
	if ((rc = set_column(st, b->id, "priority", priority, old, sizeof old, err,
	    errlen)) <= 0)
		return rc;
	snprintf(text, sizeof text, "priority %s (was %s)", priority, old);
	if (md_trk_change_note(st, b, author, text, err, errlen) < 0)
		return -1;
	if (changed != NULL)
		*changed = 1;
	return 0;
}

int
md_tracker_assign(struct md_store *st, const char *project, long iid,
    const char *user, const char *author, int *changed, char *err, size_t errlen)
{
	struct md_trk_issue b;
	int rc;

	if (changed != NULL)
		*changed = 0;
	if ((rc = md_trk_edit_begin(st, project, iid, &b, err, errlen)) != 0)
		return rc;
	rc = md_trk_assign(st, &b, user, author, 1, changed, err, errlen);
	return md_trk_edit_end(st, &b, rc, err, errlen);
}

int
md_tracker_set_priority(struct md_store *st, const char *project, long iid,
    const char *priority, const char *author, int *changed, char *err,
    size_t errlen)
{
	struct md_trk_issue b;
	int rc;

	if (changed != NULL)
		*changed = 0;
	if (!md_priority_valid(priority)) {
		snprintf(err, errlen, "bad priority (low, normal, high or urgent)");
		return -1;
	}
	if ((rc = md_trk_edit_begin(st, project, iid, &b, err, errlen)) != 0)
		return rc;
	rc = md_trk_set_priority(st, &b, priority, author, changed, err, errlen);
	return md_trk_edit_end(st, &b, rc, err, errlen);
}
