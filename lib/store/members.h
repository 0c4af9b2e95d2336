/*
 * members.h - project membership (issue 18): the project_members table.
 *
 * Who is a member decides who sees a project (access.h).  Changes write
 * one audit_log line (actor, action "member", "project: user role"), the
 * record of who changed membership when; removing a member also
 * unassigns their open issues of the project (each with a system note),
 * as only members own issues.
 */
#ifndef MD_MEMBERS_H
#define MD_MEMBERS_H

#include <stddef.h>

#include "users.h"

struct md_store;

struct md_member {
	char	user[MD_USER_MAX + 1];
	char	role[16];		/* responder | maintainer */
};

/*
 * Makes user a member of project with role (responder or maintainer), or
 * removes them (role NULL, "" or "none").  actor (NULL: "Support") is who
 * does it.  0 (also when nothing changed: *changed = 0, may be NULL),
 * MD_TRK_NOTFOUND no such project or user, -1 bad role or error (err).
 */
int	md_member_set(struct md_store *st, const char *project, const char *user,
	    const char *role, const char *actor, int *changed, char *err,
	    size_t errlen);

/* The members of project, sorted by name (*out malloc'd, NULL when none). */
int	md_member_list(struct md_store *st, const char *project,
	    struct md_member **out, size_t *n, char *err, size_t errlen);

/*
 * The projects who sees, sorted, with who's role in each (roles[i] for
 * names[i]; an admin sees all, as MD_MEMBER_ADMIN).  names and roles
 * malloc'd; free each name and both arrays.  who NULL: the operator.
 */
int	md_member_projects(struct md_store *st, const struct md_user *who,
	    char ***names, int **roles, size_t *n, char *err, size_t errlen);

#endif
