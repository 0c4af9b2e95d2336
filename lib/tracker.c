/*
 * tracker.c - reading issues: lists with filters, one issue with its notes.
 *
 * Reads are not atomic across keys (an issue can gain a note between two
 * commands); every write is, so a reader sees each change whole or not yet.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracker.h"
#include "tracker_int.h"

/* Hash fields in struct md_issue order; list and get use the same table. */
static const char *const issue_fields[] = {
	"iid", "title", "description", "author", "customer_email", "customer_name",
	"state", "labels", "message_id", "reply_key", "unsub_key", "spf", "score",
	"rules", "flags", "source", "confidential", "created", "updated",
};
#define NFIELDS	(sizeof issue_fields / sizeof issue_fields[0])

static char **
issue_slot(struct md_issue *i, size_t k)
{
	char **s[] = {
		NULL, &i->title, &i->description, &i->author, &i->customer_email,
		&i->customer_name, &i->state, &i->labels, &i->message_id,
		&i->reply_key, &i->unsub_key, &i->spf, &i->score, &i->rules,
		&i->flags, &i->source,
	};

	return k < sizeof s / sizeof s[0] ? s[k] : NULL;
}

void
md_issue_free(struct md_issue *i)
{
	size_t k;

	for (k = 1; issue_slot(i, k) != NULL; k++) {
		free(*issue_slot(i, k));
		*issue_slot(i, k) = NULL;
	}
}

static long
to_long(const char *s)
{
	return s != NULL ? strtol(s, NULL, 10) : 0;
}

/* Fills i from values in issue_fields order (NULL = absent).  0 or -1. */
static int
issue_fill(struct md_issue *i, const char *project, const char *const *val,
    const size_t *len)
{
	size_t k;
	char **slot;

	memset(i, 0, sizeof *i);
	snprintf(i->project, sizeof i->project, "%s", project);
	i->iid = to_long(val[0]);
	for (k = 1; (slot = issue_slot(i, k)) != NULL; k++)
		if ((*slot = md_trk_strndup(val[k], val[k] ? len[k] : 0)) == NULL)
			return -1;
	i->confidential = to_long(val[16]) != 0;
	i->created = to_long(val[17]);
	i->updated = to_long(val[18]);
	return 0;
}

/* From an HMGET reply in issue_fields order. */
static int
issue_from_array(struct md_issue *i, const char *project, const redisReply *a)
{
	const char *val[NFIELDS];
	size_t len[NFIELDS], k;

	if (a->type != REDIS_REPLY_ARRAY || a->elements != NFIELDS)
		return -1;
	for (k = 0; k < NFIELDS; k++) {
		val[k] = a->element[k]->type == REDIS_REPLY_STRING ? a->element[k]->str : NULL;
		len[k] = a->element[k]->len;
	}
	return issue_fill(i, project, val, len);
}

void
md_issue_list_free(struct md_issue_list *l)
{
	size_t k;

	for (k = 0; k < l->n; k++)
		md_issue_free(&l->items[k]);
	free(l->items);
	memset(l, 0, sizeof *l);
}

int
md_tracker_list(struct md_redis *r, const char *project,
    const struct md_issue_filter *f, struct md_issue_list *out,
    char *err, size_t errlen)
{
	struct md_args a;
	redisReply *rep;
	const char *state = f->state != NULL ? f->state : "all";
	char cust[MD_ADDR_MAX + 1] = "";
	char *search = NULL;
	size_t k;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (strcmp(state, "all") != 0 && strcmp(state, "opened") != 0 &&
	    strcmp(state, "closed") != 0) {
		snprintf(err, errlen, "bad state \"%.32s\" (opened, closed or all)", state);
		return -1;
	}
	snprintf(cust, sizeof cust, "%s", f->customer != NULL ? f->customer : "");
	for (k = 0; cust[k] != '\0'; k++)
		cust[k] = (char)tolower((unsigned char)cust[k]);
	if ((search = strdup(f->search != NULL ? f->search : "")) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (k = 0; search[k] != '\0'; k++)
		search[k] = (char)tolower((unsigned char)search[k]);
	md_args_init(&a);
	md_args_add(&a, md_redis_prefix(r));
	md_args_add(&a, project);
	md_args_add(&a, state);
	md_args_add(&a, f->label);
	md_args_add(&a, cust);
	md_args_add(&a, search);
	md_args_add(&a, f->sort_updated ? "updated" : "created");
	md_args_addf(&a, "%ld", f->offset > 0 ? f->offset : 0);
	md_args_addf(&a, "%ld", f->limit > 0 ? f->limit : 20);
	md_args_addf(&a, "%zu", NFIELDS);
	for (k = 0; k < NFIELDS; k++)
		md_args_add(&a, issue_fields[k]);
	free(search);
	if (a.err) {
		md_args_free(&a);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rep = md_redis_eval(r, &md_trk_list_script, 0, a.n, a.v, a.len);
	md_args_free(&a);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements < 3) {
		md_trk_redis_err(r, rep, err, errlen);
		goto out;
	}
	out->total = (long)md_reply_int(rep->element[0], 0);
	out->opened = (long)md_reply_int(rep->element[1], 0);
	out->closed = (long)md_reply_int(rep->element[2], 0);
	if (rep->elements > 3 &&
	    (out->items = calloc(rep->elements - 3, sizeof *out->items)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (k = 3; k < rep->elements; k++) {
		if (issue_from_array(&out->items[out->n], project, rep->element[k]) < 0) {
			md_issue_free(&out->items[out->n]);
			snprintf(err, errlen, "unexpected reply to the issue list");
			md_issue_list_free(out);
			goto out;
		}
		out->n++;
	}
	rc = 0;
out:
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

/* HGETALL into a issue; 0 ok, MD_TRK_NOTFOUND, -1. */
static int
load_issue(struct md_redis *r, const char *project, long iid, struct md_issue *i,
    char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	const char *val[NFIELDS];
	size_t len[NFIELDS], k, e;
	redisReply *rep;
	int rc = -1;

	rep = md_redis_cmd(r, "HGETALL %s",
	    md_key(r, &key, "issue:%s:%ld", project, iid));
	md_buf_free(&key);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
		md_trk_redis_err(r, rep, err, errlen);
	} else if (rep->elements == 0) {
		snprintf(err, errlen, "no such issue %s#%ld", project, iid);
		rc = MD_TRK_NOTFOUND;
	} else {
		for (k = 0; k < NFIELDS; k++)
			val[k] = NULL, len[k] = 0;
		for (e = 0; e + 1 < rep->elements; e += 2)
			for (k = 0; k < NFIELDS; k++)
				if (strcmp(rep->element[e]->str, issue_fields[k]) == 0) {
					val[k] = rep->element[e + 1]->str;
					len[k] = rep->element[e + 1]->len;
				}
		rc = issue_fill(i, project, val, len);
		if (rc < 0)
			snprintf(err, errlen, "out of memory");
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

static void
note_free(struct md_note *n)
{
	free(n->author);
	free(n->author_email);
	free(n->kind);
	free(n->text);
	free(n->message_id);
	free(n->raw);
	free(n->full_text);
	free(n->flags);
}

/* One XRANGE entry [id, [k, v, ...]] into n. */
static int
note_from_entry(struct md_note *n, const redisReply *e)
{
	char **const all[] = {
		&n->author, &n->author_email, &n->kind, &n->text, &n->message_id, &n->raw,
		&n->full_text, &n->flags,
	};
	const redisReply *f;
	size_t k;
	char **dst;

	memset(n, 0, sizeof *n);
	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
	    e->element[1]->type != REDIS_REPLY_ARRAY)
		return -1;
	snprintf(n->id, sizeof n->id, "%s", e->element[0]->str);
	f = e->element[1];
	for (k = 0; k + 1 < f->elements; k += 2) {
		const char *name = f->element[k]->str;
		const redisReply *v = f->element[k + 1];

		dst = strcmp(name, "author") == 0 ? &n->author :
		    strcmp(name, "author_email") == 0 ? &n->author_email :
		    strcmp(name, "kind") == 0 ? &n->kind :
		    strcmp(name, "text") == 0 ? &n->text :
		    strcmp(name, "message_id") == 0 ? &n->message_id :
		    strcmp(name, "raw") == 0 ? &n->raw :
		    strcmp(name, "full_text") == 0 ? &n->full_text :
		    strcmp(name, "flags") == 0 ? &n->flags : NULL;
		if (strcmp(name, "created") == 0)
			n->created = to_long(v->str);
		else if (strcmp(name, "attachments") == 0)
			n->attachments = (int)to_long(v->str);
		else if (strcmp(name, "raw") == 0)
			n->raw_len = v->len;
		if (dst != NULL && *dst == NULL && (*dst = md_trk_strndup(v->str, v->len)) == NULL)
			return -1;
	}
	for (k = 0; k < sizeof all / sizeof all[0]; k++)
		if (*all[k] == NULL && (*all[k] = strdup("")) == NULL)
			return -1;
	return 0;
}

static int
load_notes(struct md_redis *r, struct md_issue_full *out, char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	size_t k;
	int rc = -1;

	rep = md_redis_cmd(r, "XRANGE %s - +", md_key(r, &key, "issue:%s:%ld:notes",
	    out->issue.project, out->issue.iid));
	md_buf_free(&key);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
		md_trk_redis_err(r, rep, err, errlen);
		goto out;
	}
	if (rep->elements > 0 &&
	    (out->notes = calloc(rep->elements, sizeof *out->notes)) == NULL)
		goto oom;
	for (k = 0; k < rep->elements; k++) {
		if (note_from_entry(&out->notes[out->nnotes], rep->element[k]) < 0) {
			note_free(&out->notes[out->nnotes]);
			goto oom;
		}
		out->nnotes++;
	}
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

void
md_issue_att_free(struct md_issue_att *a)
{
	free(a->filename);
	free(a->content_type);
	free(a->note);
	a->filename = a->content_type = a->note = NULL;
}

/* Attachment n's metadata (and data when data != NULL). */
static int
load_att(struct md_redis *r, const char *project, long iid, long n,
    struct md_issue_att *a, char **data, char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	int rc = -1;

	memset(a, 0, sizeof *a);
	a->n = n;
	rep = md_redis_cmd(r, "HMGET %s filename content_type size stored note %s",
	    md_key(r, &key, "att:%s:%ld:%ld", project, iid, n),
	    data != NULL ? "data" : "filename");
	md_buf_free(&key);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements != 6) {
		md_trk_redis_err(r, rep, err, errlen);
	} else if (rep->element[0]->type != REDIS_REPLY_STRING) {
		snprintf(err, errlen, "no attachment %ld in %s#%ld", n, project, iid);
		rc = MD_TRK_NOTFOUND;
	} else {
		a->filename = md_trk_strndup(rep->element[0]->str, rep->element[0]->len);
		a->content_type = md_trk_strndup(rep->element[1]->str, rep->element[1]->len);
		a->size = (size_t)to_long(rep->element[2]->str);
		a->stored = to_long(rep->element[3]->str) != 0;
		a->note = md_trk_strndup(rep->element[4]->str, rep->element[4]->len);
		rc = a->filename && a->content_type && a->note ? 0 : -1;
		if (rc == 0 && data != NULL) {
			*data = NULL;
			if (rep->element[5]->type == REDIS_REPLY_STRING) {
				/* What callers send is what there is, whatever "size" says. */
				a->size = rep->element[5]->len;
				if ((*data = md_trk_strndup(rep->element[5]->str,
				    rep->element[5]->len)) == NULL)
					rc = -1;
			}
		}
		if (rc < 0) {
			md_issue_att_free(a);
			snprintf(err, errlen, "out of memory");
		}
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

int
md_tracker_attachment(struct md_redis *r, const char *project, long iid,
    long n, struct md_issue_att *att, char **data, char *err, size_t errlen)
{
	return load_att(r, project, iid, n, att, data, err, errlen);
}

static int
load_atts(struct md_redis *r, struct md_issue_full *out, char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	size_t k;
	int rc = 0;

	rep = md_redis_cmd(r, "LRANGE %s 0 -1", md_key(r, &key, "issue:%s:%ld:attachments",
	    out->issue.project, out->issue.iid));
	md_buf_free(&key);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
		md_trk_redis_err(r, rep, err, errlen);
		rc = -1;
	} else if (rep->elements > 0 &&
	    (out->atts = calloc(rep->elements, sizeof *out->atts)) == NULL) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	for (k = 0; rc == 0 && k < rep->elements; k++) {
		rc = load_att(r, out->issue.project, out->issue.iid,
		    to_long(rep->element[k]->str), &out->atts[out->natts], NULL, err, errlen);
		if (rc == MD_TRK_NOTFOUND)	/* listed but gone: skip */
			rc = 0;
		else if (rc == 0)
			out->natts++;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

/* Subscribers and the raw request. */
static int
load_rest(struct md_redis *r, struct md_issue_full *out, char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	size_t k;
	int rc = -1;

	rep = md_redis_cmd(r, "HGETALL %s", md_key(r, &key, "issue:%s:%ld:subscribers",
	    out->issue.project, out->issue.iid));
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY)
		goto fail;
	if (rep->elements > 0 &&
	    (out->subs = calloc(rep->elements / 2, sizeof *out->subs)) == NULL)
		goto oom;
	for (k = 0; k + 1 < rep->elements; k += 2) {
		struct md_subscriber *s = &out->subs[out->nsubs];

		if ((s->email = strdup(rep->element[k]->str)) == NULL)
			goto oom;
		s->subscribed = strcmp(rep->element[k + 1]->str, "subscribed") == 0;
		out->nsubs++;
	}
	freeReplyObject(rep);
	rep = md_redis_cmd(r, "GET %s", md_key(r, &key, "issue:%s:%ld:raw",
	    out->issue.project, out->issue.iid));
	if (rep == NULL || rep->type == REDIS_REPLY_ERROR)
		goto fail;
	if ((out->raw = md_trk_strndup(rep->str, rep->str ? rep->len : 0)) == NULL)
		goto oom;
	out->raw_len = rep->str ? rep->len : 0;
	rc = 0;
	goto out;
fail:
	md_trk_redis_err(r, rep, err, errlen);
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	md_buf_free(&key);
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

void
md_issue_full_free(struct md_issue_full *f)
{
	size_t k;

	md_issue_free(&f->issue);
	for (k = 0; k < f->nnotes; k++)
		note_free(&f->notes[k]);
	free(f->notes);
	for (k = 0; k < f->natts; k++)
		md_issue_att_free(&f->atts[k]);
	free(f->atts);
	for (k = 0; k < f->nsubs; k++)
		free(f->subs[k].email);
	free(f->subs);
	free(f->raw);
	memset(f, 0, sizeof *f);
}

int
md_tracker_get(struct md_redis *r, const char *project, long iid,
    struct md_issue_full *out, char *err, size_t errlen)
{
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = load_issue(r, project, iid, &out->issue, err, errlen)) != 0)
		return rc;
	out->issue.iid = iid;
	if (load_notes(r, out, err, errlen) < 0 || load_atts(r, out, err, errlen) < 0 ||
	    load_rest(r, out, err, errlen) < 0) {
		md_issue_full_free(out);
		return -1;
	}
	return 0;
}

int
md_issue_ref_parse(const char *ref, char *project, size_t projlen, long *iid)
{
	const char *hash = strrchr(ref, '#');
	char *end;
	size_t n;
	long v;

	if (hash == NULL || hash == ref)
		return -1;
	n = (size_t)(hash - ref);
	if (n >= projlen || n > MD_PROJECT_MAX)
		return -1;
	errno = 0;
	v = strtol(hash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end == hash + 1 || v <= 0)
		return -1;
	memcpy(project, ref, n);
	project[n] = '\0';
	*iid = v;
	return 0;
}
