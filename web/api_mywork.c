/*
 * api_mywork.c - GET /api/mywork: the caller's assigned open issues and
 * the unassigned open issues of their projects, oldest due first, across
 * projects (issue 18).  Each issue carries its "project".
 */
#include "config.h"

#include "json.h"
#include "present.h"
#include "tracker.h"
#include "web.h"

web_result
api_mywork(struct req *rq, char **args, int nargs)
{
	struct md_issue_list l;
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	char err[256];
	web_result rc;

	(void)args;
	(void)nargs;
	if (md_tracker_mywork(rq->st, rq->user.name, rq->user.role == MD_ROLE_ADMIN, 0, &l,
	    err, sizeof err) < 0)
		return web_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
	md_json_init(&j, &b);
	md_json_open_object(&j);
	md_present_issue_list(&j, &l);
	md_json_close_object(&j);
	md_issue_list_free(&l);
	rc = web_json_done(rq, &j, &b);
	md_buf_free(&b);
	return rc;
}
