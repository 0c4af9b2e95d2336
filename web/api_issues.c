/*
 * api_issues.c - GET /api/projects/<p>/issues[/<iid>]: the list and one issue.
 *
 * Everything here came from mail and is returned as JSON strings only; the
 * page puts it into the document with textContent.  The list filters and
 * pages in the tracker (one Lua call), so a big project costs one round
 * trip per page.
 */
#include "config.h"

#include <string.h>

#include "json.h"
#include "tracker.h"
#include "web.h"

#define PER_PAGE_DEFAULT	25
#define PER_PAGE_MAX		100

/* "a,b,c" -> ["a","b","c"] */
static void
labels_json(struct md_json *j, const char *labels)
{
	const char *p = labels, *comma;

	md_json_key(j, "labels");
	md_json_open_array(j);
	while (p != NULL && *p != '\0') {
		comma = strchr(p, ',');
		md_json_stringn(j, p, comma ? (size_t)(comma - p) : strlen(p));
		p = comma ? comma + 1 : NULL;
	}
	md_json_close_array(j);
}

/* The fields of an issue the list shows; full adds the rest. */
static void
issue_json(struct md_json *j, const struct md_issue *i, int full)
{
	md_json_open_object(j);
	md_json_kstr(j, "project", i->project);
	md_json_kint(j, "iid", i->iid);
	md_json_kstr(j, "title", i->title);
	md_json_kstr(j, "state", i->state);
	labels_json(j, i->labels);
	md_json_kstr(j, "customer_email", i->customer_email);
	md_json_kstr(j, "customer_name", i->customer_name);
	md_json_kint(j, "created", i->created);
	md_json_kint(j, "updated", i->updated);
	if (full) {
		md_json_kstr(j, "description", i->description);
		md_json_kstr(j, "author", i->author);
		md_json_kstr(j, "message_id", i->message_id);
		md_json_kstr(j, "spf", i->spf);
		md_json_kstr(j, "score", i->score);
		md_json_kstr(j, "rules", i->rules);
		md_json_kstr(j, "flags", i->flags);
		md_json_key(j, "confidential");
		md_json_bool(j, i->confidential);
	}
	md_json_close_object(j);
}

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
	size_t i;
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
	md_json_key(&j, "issues");
	md_json_open_array(&j);
	for (i = 0; i < l.n; i++)
		issue_json(&j, &l.items[i], 0);
	md_json_close_array(&j);
	md_json_close_object(&j);
	md_issue_list_free(&l);
	rc = web_json_done(rq, &j, &b);
	md_buf_free(&b);
	return rc;
}

static void
notes_json(struct md_json *j, const struct md_issue_full *f)
{
	const struct md_note *n;
	size_t i;

	md_json_key(j, "notes");
	md_json_open_array(j);
	for (i = 0; i < f->nnotes; i++) {
		n = &f->notes[i];
		md_json_open_object(j);
		md_json_kstr(j, "id", n->id);
		md_json_kstr(j, "kind", n->kind);
		md_json_kstr(j, "author", n->author);
		md_json_kstr(j, "author_email", n->author_email);
		md_json_kstr(j, "text", n->text);
		md_json_kstr(j, "full_text", n->full_text);
		md_json_kstr(j, "flags", n->flags);
		md_json_kint(j, "created", n->created);
		md_json_kint(j, "attachments", n->attachments);
		md_json_key(j, "has_raw");
		md_json_bool(j, n->raw != NULL && n->raw_len > 0);
		md_json_close_object(j);
	}
	md_json_close_array(j);
}

static void
atts_json(struct md_json *j, const struct md_issue_full *f)
{
	const struct md_issue_att *a;
	size_t i;

	md_json_key(j, "attachments");
	md_json_open_array(j);
	for (i = 0; i < f->natts; i++) {
		a = &f->atts[i];
		md_json_open_object(j);
		md_json_kint(j, "n", a->n);
		md_json_kstr(j, "filename", a->filename);
		md_json_kstr(j, "content_type", a->content_type);
		md_json_kint(j, "size", (long long)a->size);
		md_json_key(j, "stored");
		md_json_bool(j, a->stored);
		md_json_kstr(j, "note", a->note);
		md_json_close_object(j);
	}
	md_json_close_array(j);
}

static void
subs_json(struct md_json *j, const struct md_issue_full *f)
{
	size_t i;

	md_json_key(j, "subscribers");
	md_json_open_array(j);
	for (i = 0; i < f->nsubs; i++) {
		md_json_open_object(j);
		md_json_kstr(j, "email", f->subs[i].email);
		md_json_key(j, "subscribed");
		md_json_bool(j, f->subs[i].subscribed);
		md_json_close_object(j);
	}
	md_json_close_array(j);
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
	issue_json(&j, &f.issue, 1);
	notes_json(&j, &f);
	atts_json(&j, &f);
	subs_json(&j, &f);
	md_json_key(&j, "has_raw");
	md_json_bool(&j, f.raw != NULL && f.raw_len > 0);
	md_json_close_object(&j);
	md_issue_full_free(&f);
	rc = web_json_done(rq, &j, &b);
	md_buf_free(&b);
	return rc;
}
