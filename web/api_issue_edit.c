/*
 * api_issue_edit.c - POST notes, state, labels, assignee, priority, title,
 * participants of one issue, and blocking its sender.
 *
 * Each change is one tracker call (one transaction: the note and the mails
 * it causes are written together) and answers with the whole issue, so
 * the page redraws from what is stored, not from what it sent.  The
 * author of every change is the logged-in user.
 */
#include "config.h"

#include <string.h>

#include "tracker.h"
#include "validate.h"
#include "web.h"

web_result
api_issue_note(struct req *rq, char **args, int nargs)
{
	const char *text = web_field(rq, "text"), *vis = web_field(rq, "visibility");
	char err[256], id[64];
	const char *bad;
	web_result rc;
	long iid;
	int internal, mailed = 0, trk;

	if (web_issue_args(rq, args, nargs, &iid, &rc) < 0)
		return rc;
	/* The form refused a %00 already; the rest (and the size) is the
	 * CLI's rule too (lib/mail/validate.c). */
	if ((bad = md_note_text_problem(text, text != NULL ? strlen(text) : 0)) != NULL)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, bad);
	/* No default: a slip must not mail an internal remark to a customer. */
	if (vis != NULL && strcmp(vis, "internal") == 0)
		internal = 1;
	else if (vis != NULL && strcmp(vis, "public") == 0)
		internal = 0;
	else
		return web_error(rq, MHD_HTTP_BAD_REQUEST,
		    "visibility must be public or internal");
	trk = md_tracker_note(rq->st, &rq->w->cfg, args[0], iid, text, internal,
	    rq->user.name, id, sizeof id, &mailed, err, sizeof err);
	if (trk < 0)
		return web_error(rq, web_tracker_status(trk), err);
	return api_issue(rq, args, 2);
}

web_result
api_issue_state(struct req *rq, char **args, int nargs)
{
	const char *action = web_field(rq, "action");
	char err[256];
	web_result rc;
	long iid;
	int close, changed = 0, mailed = 0, trk;

	if (web_issue_args(rq, args, nargs, &iid, &rc) < 0)
		return rc;
	if (action != NULL && strcmp(action, "close") == 0)
		close = 1;
	else if (action != NULL && strcmp(action, "reopen") == 0)
		close = 0;
	else
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "action must be close or reopen");
	trk = md_tracker_set_state(rq->st, &rq->w->cfg, args[0], iid, close,
	    rq->user.name, &changed, &mailed, err, sizeof err);
	if (trk < 0)
		return web_error(rq, web_tracker_status(trk), err);
	return api_issue(rq, args, 2);
}

web_result
api_issue_label(struct req *rq, char **args, int nargs)
{
	const char *add = web_field(rq, "add"), *del = web_field(rq, "del");
	const char *label = add != NULL ? add : del;
	char err[256];
	web_result rc;
	long iid;
	int changed = 0, trk;

	if (web_issue_args(rq, args, nargs, &iid, &rc) < 0)
		return rc;
	if ((add == NULL) == (del == NULL))
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "give one of add or del");
	if (!md_label_valid(label))
		return web_error(rq, MHD_HTTP_BAD_REQUEST,
		    "a label is 1-64 bytes without commas or control characters");
	trk = md_tracker_label_by(rq->st, args[0], iid, label, add != NULL,
	    rq->user.name, &changed, err, sizeof err);
	if (trk < 0)
		return web_error(rq, web_tracker_status(trk), err);
	return api_issue(rq, args, 2);
}

/* Answers a failed change: 404 for not found, 400 for what lib refused. */
static web_result
change_failed(struct req *rq, int trk, const char *err)
{
	return web_error(rq, trk == MD_TRK_NOTFOUND ? MHD_HTTP_NOT_FOUND :
	    MHD_HTTP_BAD_REQUEST, err);
}

/* A tracker change of one value: md_tracker_assign, _set_priority, _set_title. */
typedef int (*one_value_change)(struct md_store *, const char *, long, const char *,
    const char *, int *, char *, size_t);

/*
 * Sets the form field's value with fn, by the caller, and answers with the
 * issue.  me: "me" stands for the caller (user=me takes the issue).
 */
static web_result
value_change(struct req *rq, char **args, int nargs, const char *field, int me,
    one_value_change fn)
{
	const char *v = web_field(rq, field);
	char err[256];
	web_result rc;
	long iid;
	int trk;

	if (web_issue_args(rq, args, nargs, &iid, &rc) < 0)
		return rc;
	if (v == NULL)
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "a form field is missing");
	if (me && strcmp(v, "me") == 0)
		v = rq->user.name;
	/* An assignee who is no member is the form's mistake (400), not a
	 * missing page. */
	if ((trk = fn(rq->st, args[0], iid, v, rq->user.name, NULL, err, sizeof err)) != 0)
		return change_failed(rq, strncmp(err, "no such member", 14) == 0 ? -1 : trk,
		    err);
	return api_issue(rq, args, 2);
}

/* user=U | user= (unassign) | user=me (take). */
web_result
api_issue_assignee(struct req *rq, char **args, int nargs)
{
	return value_change(rq, args, nargs, "user", 1, md_tracker_assign);
}

web_result
api_issue_priority(struct req *rq, char **args, int nargs)
{
	return value_change(rq, args, nargs, "priority", 0, md_tracker_set_priority);
}

web_result
api_issue_title(struct req *rq, char **args, int nargs)
{
	return value_change(rq, args, nargs, "title", 0, md_tracker_set_title);
}

/* add=EMAIL | del=EMAIL */
web_result
api_issue_participants(struct req *rq, char **args, int nargs)
{
	const char *add = web_field(rq, "add"), *del = web_field(rq, "del");
	char err[512];
	web_result rc;
	long iid;
	int trk;

	if (web_issue_args(rq, args, nargs, &iid, &rc) < 0)
		return rc;
	if ((add == NULL) == (del == NULL))
		return web_error(rq, MHD_HTTP_BAD_REQUEST, "give one of add or del");
	if ((trk = md_tracker_participant(rq->st, &rq->w->cfg, args[0], iid,
	    add != NULL ? add : del, add != NULL, rq->user.name, NULL, err,
	    sizeof err)) != 0)
		return change_failed(rq, trk, err);
	return api_issue(rq, args, 2);
}

/* The issue's customer address onto the project's block list. */
web_result
api_issue_block(struct req *rq, char **args, int nargs)
{
	char err[512];
	web_result rc;
	long iid;
	int trk;

	if (web_issue_args(rq, args, nargs, &iid, &rc) < 0)
		return rc;
	if ((trk = md_tracker_block_sender(rq->st, args[0], iid, rq->user.name, NULL, 0,
	    NULL, err, sizeof err)) != 0)
		return trk == MD_TRK_NOTFOUND ? change_failed(rq, trk, err) :
		    web_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, err);
	return api_issue(rq, args, 2);
}
