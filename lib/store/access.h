/*
 * access.h - who may see and change a project's issues (issue 18).
 *
 * One rule for the CLI and the web UI: a site admin (users.role = admin)
 * sees every project; anyone else sees the projects they are a member of
 * (project_members), as responder or maintainer; a maintainer may also
 * change the project's settings, templates, aliases and lists.  A project
 * the user may not see answers exactly as one that does not exist (404 in
 * the web UI, "no such project" in the CLI), so its name is not confirmed.
 *
 * who NULL is the operator at the server's shell (the CLI without --as):
 * an admin.
 */
#ifndef MD_ACCESS_H
#define MD_ACCESS_H

#include <stddef.h>

#include "users.h"

struct md_store;

/* MD_TRK_NOTFOUND (tracker.h) is -2: not there, or not visible to who. */
#define MD_ACCESS_DENIED	(-3)	/* visible, but the change needs a maintainer */

enum md_member_role {
	MD_MEMBER_NONE = 0,	/* not a member */
	MD_MEMBER_RESPONDER,
	MD_MEMBER_MAINTAINER,
	MD_MEMBER_ADMIN		/* a site admin, member or not */
};

/* "responder", "maintainer", "admin", "none". */
const char *md_member_role_name(enum md_member_role r);

/*
 * who's role in project: 1 (the project exists, *role set, MD_MEMBER_NONE
 * for a stranger), 0 no such project, -1 database error (err).
 */
int	md_access_role(struct md_store *st, const struct md_user *who,
	    const char *project, enum md_member_role *role, char *err, size_t errlen);

/*
 * May who see project's issues, attachments and raw messages?  0 yes,
 * MD_TRK_NOTFOUND no (err "no such project: p", the same sentence as for
 * a project that does not exist), -1 database error.
 */
int	md_access_issue(struct md_store *st, const struct md_user *who,
	    const char *project, char *err, size_t errlen);

/*
 * May who change project's settings, templates, aliases, lists and
 * members?  0 yes, MD_TRK_NOTFOUND not visible, MD_ACCESS_DENIED a
 * responder of it, -1 database error.
 */
int	md_access_maintain(struct md_store *st, const struct md_user *who,
	    const char *project, char *err, size_t errlen);

#endif
