/*
 * tracker_bytes.c - the bytes the tracker keeps: an attachment
 * (md_tracker_attachment) and the original message of a request or a
 * customer note (md_tracker_raw), for downloads and "view original".
 *
 * Apart from md_tracker_get (tracker_get.c) because the bytes may be
 * megabytes: they are read only when asked for, one at a time, as binary
 * results.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracker.h"
#include "tracker_rows.h"

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
	} else if (md_trk_att_row(res, 0, att) < 0) {
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
