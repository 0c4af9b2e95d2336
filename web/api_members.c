/*
 * api_members.c - GET/POST /api/projects/<p>/members: who works on a
 * project (issue 18).  Reading is for anyone who sees the project;
 * changing it for its maintainers and admins (the router checks R_MAINT).
 * lib/store/members.c does the work and writes the audit line.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "members.h"
#include "present.h"
#include "tracker.h"
#include "web.h"

web_result
api_members(struct req *rq, char **args, int nargs)
{
	struct md_member *m;
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	char err[256];
	web_result rc;
	size_t n;

	if (web_issue_args(rq, args, nargs, NULL, &rc) < 0)
		return rc;
	if (md_member_list(rq->st, args[0], &m, &n, err, sizeof err) < 0)
		return web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
	md_json_init(&j, &b);
	md_present_members(&j, m, n);
	free(m);
	rc = web_json_done(rq, &j, &b);
	md_buf_free(&b);
	return rc;
}

/* user=U role=responder|maintainer|none (none removes). */
web_result
api_member_set(struct req *rq, char **args, int nargs)
{
	const char *user = web_field(rq, "user"), *role = web_field(rq, "role");
	char err[256];
	web_result rc;

	if (web_issue_args(rq, args, nargs, NULL, &rc) < 0)
		return rc;
	if (user == NULL || role == NULL)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "give user and role");
	/* No such user is the form's mistake (400), as a bad role is. */
	if (md_member_set(rq->st, args[0], user, role, rq->user.name, NULL, err,
	    sizeof err) != 0)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, err);
	return api_members(rq, args, nargs);
}
