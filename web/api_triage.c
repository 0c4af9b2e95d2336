/*
 * api_triage.c - a project's triage rules (issue 18, doc/maildesk-web.8):
 *
 *   GET  /api/projects/P/triage              {"rules":[...]}   (members)
 *   POST /api/projects/P/triage              field match pattern labels assign priority
 *   POST /api/projects/P/triage/ID/delete
 *   POST /api/projects/P/triage/ID/move      position
 *
 * The POSTs need a maintainer of P or an admin (the router's R_MAINT) and
 * answer with the whole list, so the page redraws from what is stored.
 * What a rule may be is lib/triage_store.c's to judge (400 with its
 * sentence); a stranger gets 404 for everything here.
 */
#include "config.h"

#include <string.h>

#include "json.h"
#include "tracker.h"
#include "triage_store.h"
#include "web.h"

/* The HTTP status for a triage_store result other than 0. */
static int
status(int rc)
{
	return rc == MD_TRIAGE_REFUSED ? MHD_HTTP_BAD_REQUEST : web_tracker_status(rc);
}

/* Answers the project's rules. */
static web_result
rules_answer(struct req *rq, const char *project)
{
	struct md_triage_rule *v;
	struct md_json j;
	md_buf b = MD_BUF_INIT;
	char err[256];
	web_result wr;
	size_t n;
	int rc;

	if ((rc = md_triage_list(rq->st, project, &v, &n, err, sizeof err)) != 0)
		return web_error(rq, status(rc), err);
	md_json_init(&j, &b);
	md_triage_json(&j, v, n);
	wr = web_json_done(rq, &j, &b);
	md_buf_free(&b);
	md_triage_rules_free(v, n);
	return wr;
}

web_result
api_triage(struct req *rq, char **args, int nargs)
{
	web_result rc;

	if (web_issue_args(rq, args, nargs, NULL, &rc) < 0)
		return rc;
	return rules_answer(rq, args[0]);
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
	return rules_answer(rq, args[0]);
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
	return rules_answer(rq, args[0]);
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
