/*
 * api_canned.c - a project's canned replies (issue 18, doc/maildesk-web.8):
 *
 *   GET  /api/projects/P/canned                  {"canned":[{name,text}]}  (members)
 *   POST /api/projects/P/canned                  name text (empty text deletes)
 *   GET  /api/projects/P/issues/N/canned/NAME    {"name","text"} filled in for N
 *
 * Saving needs a maintainer of P or an admin (the router's R_MAINT) and
 * answers with the whole list.  The filled-in text is what the comment box
 * receives; the responder may edit it before posting it as any comment.
 */
#include "config.h"

#include <string.h>

#include "canned_store.h"
#include "json.h"
#include "tracker.h"
#include "web.h"

#define CANNED_FIELD_MAX	(MD_CANNED_TEXT_MAX + 1)	/* past it: refused */

static int
status(int rc)
{
	return rc == MD_CANNED_REFUSED ? MHD_HTTP_BAD_REQUEST : web_tracker_status(rc);
}

static web_result
list_answer(struct req *rq, const char *project)
{
	struct md_canned *v;
	struct md_json j;
	md_buf b = MD_BUF_INIT;
	char err[256];
	web_result wr;
	size_t n;
	int rc;

	if ((rc = md_canned_list(rq->st, project, &v, &n, err, sizeof err)) != 0)
		return web_error(rq, status(rc), err);
	md_json_init(&j, &b);
	md_canned_json(&j, v, n);
	wr = web_json_done(rq, &j, &b);
	md_buf_free(&b);
	md_canned_free(v, n);
	return wr;
}

web_result
api_canned(struct req *rq, char **args, int nargs)
{
	web_result rc;

	if (web_issue_args(rq, args, nargs, NULL, &rc) < 0)
		return rc;
	return list_answer(rq, args[0]);
}

web_result
api_canned_set(struct req *rq, char **args, int nargs)
{
	const char *name = web_field(rq, "name"), *text = web_field(rq, "text");
	char err[256];
	web_result wrc;
	int rc;

	if (web_issue_args(rq, args, nargs, NULL, &wrc) < 0)
		return wrc;
	if (name == NULL || text == NULL)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "name and text required");
	if (strlen(text) > CANNED_FIELD_MAX)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "a canned reply is at most 64 KiB");
	if ((rc = md_canned_set(rq->st, args[0], name, text, err, sizeof err)) != 0)
		return web_error(rq, status(rc), err);
	return list_answer(rq, args[0]);
}

web_result
api_issue_canned(struct req *rq, char **args, int nargs)
{
	md_buf text = MD_BUF_INIT, b = MD_BUF_INIT;
	struct md_json j;
	char err[256];
	web_result wrc;
	long iid;
	int rc;

	if (web_issue_args(rq, args, nargs, &iid, &wrc) < 0)
		return wrc;
	if (nargs < 3 || !md_canned_name_valid(args[2]))
		return web_error(rq, MHD_HTTP_NOT_FOUND, "no such canned reply");
	if ((rc = md_canned_render(rq->st, &rq->w->cfg, args[0], iid, args[2], &text, err,
	    sizeof err)) != 0) {
		md_buf_free(&text);
		return web_error(rq, status(rc), err);
	}
	md_json_init(&j, &b);
	md_json_open_object(&j);
	md_json_kstr(&j, "name", args[2]);
	md_json_kstr(&j, "text", md_buf_str(&text));
	md_json_close_object(&j);
	wrc = web_json_done(rq, &j, &b);
	md_buf_free(&text);
	md_buf_free(&b);
	return wrc;
}
