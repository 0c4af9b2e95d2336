/*
 * api_issues.c - GET /api/projects/<p>/issues[/<iid>]: the list and one issue.
 *
 * Everything here came from mail and is returned as JSON strings only; the
 * page puts it into the document with textContent.  The JSON is
 * lib/policy/present.c's, the same as the CLI's --json.  The list filters and
 * pages in the tracker (one Lua call), so a big project costs one round
 * trip per page.
 */
#include "config.h"

#include <string.h>

#include "json.h"
#include "present.h"
#include "tracker.h"
#include "validate.h"
#include "web.h"

#define PER_PAGE_DEFAULT	25
#define PER_PAGE_MAX		100

/* Reads the query string into a filter; 0 or -1 (bad value). */
static int
read_filter(struct req *rq, struct md_issue_filter *f, long *page, long *per)
{
	const char *v;

	memset(f, 0, sizeof f[0]);
	*page = 1;
	*per = PER_PAGE_DEFAULT;
	f->state = web_query(rq, "state");
	if (f->state != NULL && strcmp(f->state, "opened") != 0 &&
	    strcmp(f->state, "closed") != 0 && strcmp(f->state, "all") != 0)
		return -1;
	if ((f->label = web_query(rq, "label")) != NULL && *f->label == '\0')
		f->label = NULL;
	if ((f->customer = web_query(rq, "customer")) != NULL && *f->customer == '\0')
		f->customer = NULL;
	if ((f->search = web_query(rq, "search")) != NULL && *f->search == '\0')
		f->search = NULL;
	if ((v = web_query(rq, "sort")) != NULL && strcmp(v, "updated") != 0 &&
	    strcmp(v, "created") != 0)
		return -1;
	f->sort_updated = v != NULL && strcmp(v, "updated") == 0;
	/* Responders' filters: assignee=me|none|USER, priority=X, overdue=1. */
	if ((v = web_query(rq, "assignee")) != NULL && *v != '\0')
		f->assignee = strcmp(v, "none") == 0 ? "" : strcmp(v, "me") == 0 ?
		    rq->user.name : v;
	if ((v = web_query(rq, "priority")) != NULL && *v != '\0' &&
	    !md_priority_valid(f->priority = v))
		return -1;
	if ((v = web_query(rq, "overdue")) != NULL && *v != '\0' &&
	    strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
		return -1;
	f->overdue = v != NULL && strcmp(v, "1") == 0;
	if ((v = web_query(rq, "page")) != NULL && web_parse_long(v, 1, 1000000, page) < 0)
		return -1;
	if ((v = web_query(rq, "per_page")) != NULL &&
	    web_parse_long(v, 1, PER_PAGE_MAX, per) < 0)
		return -1;
	f->offset = (*page - 1) * *per;
	f->limit = *per;
	return 0;
}

web_result
api_issues(struct req *rq, char **args, int nargs)
{
	struct md_issue_filter f;
	struct md_issue_list l;
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	char err[256];
	long page, per;
	web_result rc;
	int trk;

	if (web_issue_args(rq, args, nargs, NULL, &rc) < 0)
		return rc;
	if (read_filter(rq, &f, &page, &per) < 0)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "bad filter value");
	if ((trk = md_tracker_list(rq->st, args[0], &f, &l, err, sizeof err)) < 0)
		return web_error(rq, web_tracker_status(trk), err);
	md_json_init(&j, &b);
	md_json_open_object(&j);
	md_json_kstr(&j, "project", args[0]);
	md_json_kint(&j, "page", page);
	md_json_kint(&j, "per_page", per);
	md_json_kint(&j, "total", l.total);
	md_json_kint(&j, "opened", l.opened);
	md_json_kint(&j, "closed", l.closed);
	md_present_issue_list(&j, &l);
	md_json_close_object(&j);
	md_issue_list_free(&l);
	rc = web_json_done(rq, &j, &b);
	md_buf_free(&b);
	return rc;
}

web_result
api_issue(struct req *rq, char **args, int nargs)
{
	struct md_issue_full f;
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	char err[256];
	web_result rc;
	long iid;
	int trk;

	if (web_issue_args(rq, args, nargs, &iid, &rc) < 0)
		return rc;
	if ((trk = md_tracker_get(rq->st, args[0], iid, &f, err, sizeof err)) < 0)
		return web_error(rq, web_tracker_status(trk), err);
	md_json_init(&j, &b);
	md_json_open_object(&j);
	md_json_key(&j, "issue");
	md_present_issue(&j, &f.issue, 1);
	md_present_issue_parts(&j, &f);
	md_json_close_object(&j);
	md_issue_full_free(&f);
	rc = web_json_done(rq, &j, &b);
	md_buf_free(&b);
	return rc;
}
