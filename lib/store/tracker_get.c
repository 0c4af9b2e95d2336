/*
 * tracker_get.c - one issue as the web UI and the CLI show it
 * (md_tracker_get): the issue, its notes, attachments (without their
 * bytes: tracker_bytes.c) and subscribers, read as one snapshot.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracker.h"
#include "tracker_rows.h"

/* The issue row, issues.id and the size of its raw request. */
static int
load_issue(struct md_store *st, const char *project, long iid,
    struct md_issue_full *out, long *id, char *err, size_t errlen)
{
	PGresult *res;
	int rc;

	res = md_trk_issue_select(st, "SELECT " MD_TRK_ISSUE_COLS ", i.id, "
	    "(SELECT r.size FROM raw_messages r WHERE r.id = i.raw_id AND r.data IS NOT NULL) "
	    "FROM " MD_TRK_ISSUE_FROM " WHERE i.project = $1 AND i.iid = $2", project, iid,
	    &rc, err, errlen);
	if (res == NULL)
		return rc;
	if (md_trk_issue_row(res, 0, 0, &out->issue) < 0) {
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

static int
load_atts(struct md_store *st, long id, struct md_issue_full *out, char *err,
    size_t errlen)
{
	PGresult *res;
	void *rows;
	int k, rc = 0;

	res = issue_rows(st, id, "SELECT " MD_TRK_ATT_COLS " FROM attachments a "
	    "WHERE a.issue_id = $1 ORDER BY a.n", sizeof *out->atts, &rows, err, errlen);
	if (res == NULL)
		return -1;
	out->atts = rows;
	for (k = 0; k < PQntuples(res) && rc == 0; k++)
		if ((rc = md_trk_att_row(res, k, &out->atts[out->natts])) == 0)
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
