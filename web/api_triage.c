/*
 * api_triage.c - a project's triage rules and canned replies (issue 18,
 * doc/maildesk-web.8):
 *
 *   GET  /api/projects/P/triage              {"rules":[...]}   (members)
 *   POST /api/projects/P/triage              field match pattern labels assign priority
 *   POST /api/projects/P/triage/ID/delete
 *   POST /api/projects/P/triage/ID/move      position
 *   GET  /api/projects/P/canned              {"canned":[{name,text}]}  (members)
 *   POST /api/projects/P/canned              name text (empty text deletes)
 *   GET  /api/projects/P/issues/N/canned/NAME  {"name","text"} filled in for N
 *
 * The POSTs need a maintainer of P or an admin (the router's R_MAINT) and
 * answer with the whole list, so the page redraws from what is stored.
 * What a rule or a reply may be is the store's to judge (400 with its
 * sentence); a stranger gets 404 for everything here.  The filled-in reply
 * is what the comment box receives; the responder may edit it before
 * posting it as any comment.
 */
#include "config.h"

#include <string.h>

#include "canned_store.h"
#include "json.h"
#include "present.h"
#include "tracker.h"
#include "triage_store.h"
#include "web.h"

#define CANNED_FIELD_MAX	(MD_CANNED_TEXT_MAX + 1)	/* past it: refused */

/* The HTTP status for a triage or canned store result other than 0. */
static int
status(int rc)
{
	return rc == MD_TRIAGE_REFUSED || rc == MD_CANNED_REFUSED ?
	    MHD_HTTP_BAD_REQUEST : web_tracker_status(rc);
}

/* Answers the project's rules (canned = 0) or canned replies (1). */
static web_result
list_answer(struct req *rq, const char *project, int canned)
{
	struct md_triage_rule *rules = NULL;
	struct md_canned *replies = NULL;
	struct md_json j;
	md_buf b = MD_BUF_INIT;
	char err[256];
	web_result wr;
	size_t n;
	int rc;

	rc = canned ? md_canned_list(rq->st, project, &replies, &n, err, sizeof err) :
	    md_triage_list(rq->st, project, &rules, &n, err, sizeof err);
	if (rc != 0)
		return web_error(rq, status(rc), err);
	md_json_init(&j, &b);
	if (canned)
		md_canned_json(&j, replies, n);
	else
		md_triage_json(&j, rules, n);
	wr = web_json_done(rq, &j, &b);
	md_buf_free(&b);
	md_canned_free(replies, canned ? n : 0);
	md_triage_rules_free(rules, canned ? 0 : n);
	return wr;
}

/* GET of either list. */
static web_result
list(struct req *rq, char **args, int nargs, int canned)
{
	web_result rc;

	if (web_issue_args(rq, args, nargs, NULL, &rc) < 0)
		return rc;
	return list_answer(rq, args[0], canned);
}

web_result
api_triage(struct req *rq, char **args, int nargs)
{
	return list(rq, args, nargs, 0);
}

web_result
api_canned(struct req *rq, char **args, int nargs)
{
	return list(rq, args, nargs, 1);
}

web_result
api_triage_add(struct req *rq, char **args, int nargs)
{
	struct md_triage_rule r;
	char err[256];
	web_result wrc;
	int f, m, rc;

	if (web_issue_args(rq, args, nargs, NULL, &wrc) < 0)
		return wrc;
	if ((f = md_triage_field_parse(web_field(rq, "field"))) < 0)
		return web_error(rq, MHD_HTTP_BAD_REQUEST,
		    "field must be recipient, sender, subject or body");
	if ((m = md_triage_match_parse(web_field(rq, "match"))) < 0)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "match must be substring or regex");
	memset(&r, 0, sizeof r);
	r.field = (enum md_triage_field)f;
	r.match = (enum md_triage_match)m;
	r.pattern = (char *)web_field(rq, "pattern");
	r.labels = (char *)web_field(rq, "labels");
	r.assign = (char *)web_field(rq, "assign");
	r.priority = (char *)web_field(rq, "priority");
	if ((rc = md_triage_add(rq->st, args[0], &r, NULL, err, sizeof err)) != 0)
		return web_error(rq, status(rc), err);
	return list_answer(rq, args[0], 0);
}

/* delete and move: args[1] is the rule's id. */
static web_result
change(struct req *rq, char **args, int nargs, int move)
{
	char err[256];
	web_result wrc;
	long id, pos = 0;
	int rc;

	if (web_issue_args(rq, args, nargs, NULL, &wrc) < 0)
		return wrc;
	if (nargs < 2 || web_parse_long(args[1], 1, 1L << 53, &id) < 0)
		return web_error(rq, MHD_HTTP_NOT_FOUND, "no such triage rule");
	if (move && web_parse_long(web_field(rq, "position"), 1, MD_TRIAGE_RULES_MAX,
	    &pos) < 0)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "position must be a number from 1");
	rc = move ? md_triage_move(rq->st, args[0], id, (int)pos, err, sizeof err) :
	    md_triage_delete(rq->st, args[0], id, err, sizeof err);
	if (rc != 0)
		return web_error(rq, status(rc), err);
	return list_answer(rq, args[0], 0);
}

web_result
api_triage_delete(struct req *rq, char **args, int nargs)
{
	return change(rq, args, nargs, 0);
}

web_result
api_triage_move(struct req *rq, char **args, int nargs)
{
	return change(rq, args, nargs, 1);
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
	return list_answer(rq, args[0], 1);
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
