/*
 * tracker.c - reading issues: one issue with its notes, attachments,
 * subscribers; attachment and raw message bytes.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tracker.h"
#include "tracker_int.h"

void
md_issue_free(struct md_issue *i)
{
	char **const s[] = {
		&i->title, &i->description, &i->author, &i->customer_email,
		&i->customer_name, &i->state, &i->labels, &i->message_id,
		&i->reply_key, &i->unsub_key, &i->spf, &i->score, &i->rules,
		&i->flags, &i->source, &i->assignee, &i->priority,
	};
	size_t k;

	for (k = 0; k < sizeof s / sizeof s[0]; k++) {
		free(*s[k]);
		*s[k] = NULL;
	}
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
	free(n->via);
}

void
md_issue_att_free(struct md_issue_att *a)
{
	free(a->filename);
	free(a->content_type);
	free(a->note);
	a->filename = a->content_type = a->note = NULL;
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

/* ---- one issue ---------------------------------------------------------- */

int
md_trk_issue_row(const PGresult *res, int row, int col, struct md_issue *i)
{
	char **const s[] = {
		&i->title, &i->description, &i->author, &i->customer_email,
		&i->customer_name, &i->state, &i->labels, &i->message_id,
		&i->reply_key, &i->unsub_key, &i->spf, &i->score, &i->rules,
		&i->flags, &i->source,
	};
	size_t k;

	memset(i, 0, sizeof *i);
	snprintf(i->project, sizeof i->project, "%s", md_db_val(res, row, col));
	i->iid = (long)md_db_ll(res, row, col + 1);
	for (k = 0; k < sizeof s / sizeof s[0]; k++)
		if ((*s[k] = md_db_dup(res, row, col + 2 + (int)k)) == NULL) {
			md_issue_free(i);
			return -1;
		}
	i->confidential = md_db_ll(res, row, col + 17) != 0;
	i->created = (long)md_db_ll(res, row, col + 18);
	i->updated = (long)md_db_ll(res, row, col + 19);
	if ((i->assignee = md_db_dup(res, row, col + 20)) == NULL ||
	    (i->priority = md_db_dup(res, row, col + 21)) == NULL) {
		md_issue_free(i);
		return -1;
	}
	i->due = (long)md_db_ll(res, row, col + 22);
	i->first_response_at = (long)md_db_ll(res, row, col + 23);
	/* Read now, so a page and its filter (the same clock) agree. */
	i->overdue = strcmp(i->state, "opened") == 0 && i->first_response_at == 0 &&
	    i->due > 0 && i->due < (long)time(NULL);
	return 0;
}

/* The issue row, issues.id and the size of its raw request. */
static int
load_issue(struct md_store *st, const char *project, long iid,
    struct md_issue_full *out, long *id, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	int rc = -1;

	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	md_sqlp_long(&p, iid);
	res = md_db_query(st->db, "SELECT " MD_TRK_ISSUE_COLS ", i.id, "
	    "(SELECT r.size FROM raw_messages r WHERE r.id = i.raw_id AND r.data IS NOT NULL) "
	    "FROM " MD_TRK_ISSUE_FROM " WHERE i.project = $1 AND i.iid = $2", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		snprintf(err, errlen, "no such issue %s#%ld", project, iid);
		rc = MD_TRK_NOTFOUND;
	} else if (md_trk_issue_row(res, 0, 0, &out->issue) < 0) {
		snprintf(err, errlen, "out of memory");
	} else {
		*id = (long)md_db_ll(res, 0, MD_TRK_ISSUE_NCOLS);
		out->raw_len = (size_t)md_db_ll(res, 0, MD_TRK_ISSUE_NCOLS + 1);
		rc = 0;
	}
	PQclear(res);
	return rc;
}

/*
 * The notes, attachments and subscribers of an issue (by issues.id, $1)
 * load the same way: one query, then an array with room for every row,
 * which the caller fills and md_issue_full_free frees.  NULL on error.
 */
static PGresult *
issue_rows(struct md_store *st, long id, const char *sql, size_t size,
    void **rows, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;

	*rows = NULL;
	md_sqlp_init(&p);
	md_sqlp_long(&p, id);
	res = md_db_query(st->db, sql, &p, err, errlen);
	md_sqlp_free(&p);
	if (res != NULL && PQntuples(res) > 0 &&
	    (*rows = calloc((size_t)PQntuples(res), size)) == NULL) {
		snprintf(err, errlen, "out of memory");
		PQclear(res);
		return NULL;
	}
	return res;
}

/* Ends a loader: rc < 0 means a row did not fit in memory. */
static int
issue_rows_done(PGresult *res, int rc, char *err, size_t errlen)
{
	if (rc < 0)
		snprintf(err, errlen, "out of memory");
	PQclear(res);
	return rc;
}

static int
load_notes(struct md_store *st, long id, struct md_issue_full *out, char *err,
    size_t errlen)
{
	PGresult *res;
	void *rows;
	int k, rc = 0;

	res = issue_rows(st, id, "SELECT n.id, n.author, n.author_email, n.kind, n.text, "
	    "n.message_id, n.created, n.attachments, "
	    "(SELECT r.size FROM raw_messages r WHERE r.id = n.raw_id AND r.data IS NOT NULL), "
	    "n.full_text, n.flags, n.via FROM notes n WHERE n.issue_id = $1 ORDER BY n.id",
	    sizeof *out->notes, &rows, err, errlen);
	if (res == NULL)
		return -1;
	out->notes = rows;
	for (k = 0; k < PQntuples(res) && rc == 0; k++) {
		struct md_note *n = &out->notes[out->nnotes++];

		snprintf(n->id, sizeof n->id, "%s", md_db_val(res, k, 0));
		n->author = md_db_dup(res, k, 1);
		n->author_email = md_db_dup(res, k, 2);
		n->kind = md_db_dup(res, k, 3);
		n->text = md_db_dup(res, k, 4);
		n->message_id = md_db_dup(res, k, 5);
		n->created = (long)md_db_ll(res, k, 6);
		n->attachments = (int)md_db_ll(res, k, 7);
		n->raw_len = (size_t)md_db_ll(res, k, 8);
		n->full_text = md_db_dup(res, k, 9);
		n->flags = md_db_dup(res, k, 10);
		n->via = md_db_dup(res, k, 11);
		if (!n->author || !n->author_email || !n->kind || !n->text ||
		    !n->message_id || !n->full_text || !n->flags || !n->via)
			rc = -1;
	}
	return issue_rows_done(res, rc, err, errlen);
}

/* The columns att_row() reads; "stored" only while the bytes are there. */
#define ATT_COLS "a.n, a.filename, a.content_type, a.size, " \
	"(a.stored AND a.data IS NOT NULL)::int, coalesce(a.note_id::text, 'description')"

static int
att_row(const PGresult *res, int row, struct md_issue_att *a)
{
	memset(a, 0, sizeof *a);
	a->n = (long)md_db_ll(res, row, 0);
	a->filename = md_db_dup(res, row, 1);
	a->content_type = md_db_dup(res, row, 2);
	a->size = (size_t)md_db_ll(res, row, 3);
	a->stored = md_db_ll(res, row, 4) != 0;
	a->note = md_db_dup(res, row, 5);
	if (a->filename == NULL || a->content_type == NULL || a->note == NULL) {
		md_issue_att_free(a);
		return -1;
	}
	return 0;
}

static int
load_atts(struct md_store *st, long id, struct md_issue_full *out, char *err,
    size_t errlen)
{
	PGresult *res;
	void *rows;
	int k, rc = 0;

	res = issue_rows(st, id, "SELECT " ATT_COLS " FROM attachments a "
	    "WHERE a.issue_id = $1 ORDER BY a.n", sizeof *out->atts, &rows, err, errlen);
	if (res == NULL)
		return -1;
	out->atts = rows;
	for (k = 0; k < PQntuples(res) && rc == 0; k++)
		if ((rc = att_row(res, k, &out->atts[out->natts])) == 0)
			out->natts++;
	return issue_rows_done(res, rc, err, errlen);
}

/* Subscribers, the customer first. */
static int
load_subs(struct md_store *st, long id, struct md_issue_full *out, char *err,
    size_t errlen)
{
	PGresult *res;
	void *rows;
	int k, rc = 0;

	res = issue_rows(st, id, "SELECT p.email, p.subscribed::int FROM participants p "
	    "JOIN issues i ON i.id = p.issue_id WHERE p.issue_id = $1 "
	    "ORDER BY p.email <> i.customer_email, p.email", sizeof *out->subs, &rows,
	    err, errlen);
	if (res == NULL)
		return -1;
	out->subs = rows;
	for (k = 0; k < PQntuples(res) && rc == 0; k++) {
		struct md_subscriber *s = &out->subs[out->nsubs];

		if ((s->email = md_db_dup(res, k, 0)) == NULL)
			rc = -1;
		else {
			s->subscribed = md_db_ll(res, k, 1) != 0;
			out->nsubs++;
		}
	}
	return issue_rows_done(res, rc, err, errlen);
}

/*
 * One REPEATABLE READ transaction, so the issue, its notes and its
 * attachments are one snapshot: a note that lands in between is either
 * all there or not yet.
 */
int
md_tracker_get(struct md_store *st, const char *project, long iid,
    struct md_issue_full *out, char *err, size_t errlen)
{
	long id = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (md_db_exec(st->db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL,
	    err, errlen) < 0)
		return -1;
	rc = load_issue(st, project, iid, out, &id, err, errlen);
	if (rc == 0 && (load_notes(st, id, out, err, errlen) < 0 ||
	    load_atts(st, id, out, err, errlen) < 0 ||
	    load_subs(st, id, out, err, errlen) < 0))
		rc = -1;
	md_db_rollback(st->db);
	if (rc != 0)
		md_issue_full_free(out);
	return rc;
}

/* ---- bytes: attachments and raw messages ------------------------------------ */

int
md_tracker_attachment(struct md_store *st, const char *project, long iid,
    long n, struct md_issue_att *att, char **data, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	int rc = -1;

	memset(att, 0, sizeof *att);
	if (data != NULL)
		*data = NULL;
	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	md_sqlp_long(&p, iid);
	md_sqlp_long(&p, n);
	/*
	 * Binary results, so the bytes come as they are: every other column is
	 * cast to text, whose binary form is its text.  The bytes are only
	 * asked for when wanted (they may be megabytes).
	 */
	res = md_db_query_bin(st->db, data != NULL ?
	    "SELECT a.n::text, a.filename, a.content_type, a.size::text, "
	    "(a.stored AND a.data IS NOT NULL)::int::text, "
	    "coalesce(a.note_id::text, 'description'), a.data "
	    "FROM attachments a JOIN issues i ON i.id = a.issue_id "
	    "WHERE i.project = $1 AND i.iid = $2 AND a.n = $3" :
	    "SELECT a.n::text, a.filename, a.content_type, a.size::text, "
	    "(a.stored AND a.data IS NOT NULL)::int::text, "
	    "coalesce(a.note_id::text, 'description') "
	    "FROM attachments a JOIN issues i ON i.id = a.issue_id "
	    "WHERE i.project = $1 AND i.iid = $2 AND a.n = $3", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		snprintf(err, errlen, "no attachment %ld in %s#%ld", n, project, iid);
		rc = MD_TRK_NOTFOUND;
	} else if (att_row(res, 0, att) < 0) {
		snprintf(err, errlen, "out of memory");
	} else if (data != NULL && !PQgetisnull(res, 0, 6)) {
		/* What callers send is what there is, whatever "size" says. */
		att->size = (size_t)PQgetlength(res, 0, 6);
		if ((*data = md_strndup(PQgetvalue(res, 0, 6), att->size)) == NULL) {
			md_issue_att_free(att);
			snprintf(err, errlen, "out of memory");
		} else
			rc = 0;
	} else
		rc = 0;
	PQclear(res);
	return rc;
}

/* 1 if s is a note id (a positive decimal number). */
static int
note_id_ok(const char *s)
{
	size_t k;

	for (k = 0; s[k] >= '0' && s[k] <= '9'; k++)
		;
	return k > 0 && k < 19 && s[k] == '\0';
}

int
md_tracker_raw(struct md_store *st, const char *project, long iid,
    const char *note_id, char **data, size_t *len, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	int note = note_id != NULL && *note_id != '\0';
	int rc = -1;

	*data = NULL;
	*len = 0;
	if (note && !note_id_ok(note_id)) {
		snprintf(err, errlen, "no note %.40s in %s#%ld", note_id, project, iid);
		return MD_TRK_NOTFOUND;
	}
	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	md_sqlp_long(&p, iid);
	if (note)
		md_sqlp_str(&p, note_id);
	res = md_db_query_bin(st->db, note ?
	    "SELECT r.data FROM issues i JOIN notes n ON n.issue_id = i.id "
	    "JOIN raw_messages r ON r.id = n.raw_id "
	    "WHERE i.project = $1 AND i.iid = $2 AND n.id = $3::bigint "
	    "AND r.data IS NOT NULL" :
	    "SELECT r.data FROM issues i JOIN raw_messages r ON r.id = i.raw_id "
	    "WHERE i.project = $1 AND i.iid = $2 AND r.data IS NOT NULL", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		if (note)
			snprintf(err, errlen, "no original message of note %s in %s#%ld",
			    note_id, project, iid);
		else
			snprintf(err, errlen, "no original message of %s#%ld", project, iid);
		rc = MD_TRK_NOTFOUND;
	} else {
		*len = (size_t)PQgetlength(res, 0, 0);
		if ((*data = md_strndup(PQgetvalue(res, 0, 0), *len)) == NULL) {
			*len = 0;
			snprintf(err, errlen, "out of memory");
		} else
			rc = 0;
	}
	PQclear(res);
	return rc;
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
