/*
 * access.c - the access rule of access.h: one query per check.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "access.h"
#include "address.h"
#include "db.h"
#include "store.h"
#include "tracker.h"

const char *
md_member_role_name(enum md_member_role r)
{
	switch (r) {
	case MD_MEMBER_RESPONDER:
		return "responder";
	case MD_MEMBER_MAINTAINER:
		return "maintainer";
	case MD_MEMBER_ADMIN:
		return "admin";
	default:
		return "none";
	}
}

int
md_access_role(struct md_store *st, const struct md_user *who,
    const char *project, enum md_member_role *role, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	const char *r;
	int found;

	*role = MD_MEMBER_NONE;
	if (!md_project_name_valid(project))
		return 0;
	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	md_sqlp_str(&p, who != NULL ? who->name : "");
	/* The member's role as the database has it now: a session's copy
	 * of the user's site role is refreshed per request (web/auth.c). */
	res = md_db_query(st->db, "SELECT coalesce((SELECT m.role FROM project_members m "
	    "WHERE m.project = p.name AND m.username = $2), '') FROM projects p "
	    "WHERE p.name = $1", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if ((found = PQntuples(res) > 0)) {
		r = md_db_val(res, 0, 0);
		if (who == NULL || who->role == MD_ROLE_ADMIN)
			*role = MD_MEMBER_ADMIN;
		else if (strcmp(r, "maintainer") == 0)
			*role = MD_MEMBER_MAINTAINER;
		else if (strcmp(r, "responder") == 0)
			*role = MD_MEMBER_RESPONDER;
	}
	PQclear(res);
	return found;
}

/* who's role, MD_TRK_NOTFOUND (err) when project is not visible to them. */
static int
visible_role(struct md_store *st, const struct md_user *who, const char *project,
    enum md_member_role *role, char *err, size_t errlen)
{
	int rc;

	if ((rc = md_access_role(st, who, project, role, err, errlen)) < 0)
		return -1;
	if (rc == 0 || *role == MD_MEMBER_NONE) {
		snprintf(err, errlen, "no such project: %.*s", MD_PROJECT_MAX, project);
		return MD_TRK_NOTFOUND;
	}
	return 0;
}

int
md_access_issue(struct md_store *st, const struct md_user *who,
    const char *project, char *err, size_t errlen)
{
	enum md_member_role role;

	return visible_role(st, who, project, &role, err, errlen);
}

int
md_access_maintain(struct md_store *st, const struct md_user *who,
    const char *project, char *err, size_t errlen)
{
	enum md_member_role role;
	int rc;

	if ((rc = visible_role(st, who, project, &role, err, errlen)) != 0)
		return rc;
	if (role == MD_MEMBER_RESPONDER) {
		snprintf(err, errlen, "changing project %s needs its maintainer or an admin",
		    project);
		return MD_ACCESS_DENIED;
	}
	return 0;
}
