/*
 * tracker_change.c - the frame of every change to an existing issue: the
 * transaction that locks the issue's row first, the system note saying
 * who changed what, the first-response clock (tracker_change.h).
 *
 * Every file that changes an issue (tracker_edit.c, tracker_assign.c,
 * tracker_participants.c, triage_store.c, responder_reply.c) calls down
 * into this one and it calls none of them: with these primitives at the
 * bottom, those files stand in layers instead of calling each other round.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "tracker.h"
#include "tracker_change.h"
#include "tracker_int.h"

int
md_trk_edit_begin(struct md_store *st, const char *project, long iid,
    struct md_trk_issue *b, char *err, size_t errlen)
{
	int rc;

	memset(b, 0, sizeof *b);
	if (md_db_begin(st->db, err, errlen) < 0)
		return -1;
	if ((rc = md_trk_issue_load(st, project, iid, 1, b, err, errlen)) != 0)
		md_db_rollback(st->db);
	return rc;
}

int
md_trk_edit_end(struct md_store *st, struct md_trk_issue *b, int rc, char *err,
    size_t errlen)
{
	if (rc == 0 && md_db_commit(st->db, err, errlen) < 0)
		rc = -1;
	else if (rc != 0)
		md_db_rollback(st->db);
	md_trk_issue_free(b);
	return rc;
}

int
md_trk_change_note(struct md_store *st, const struct md_trk_issue *b,
    const char *author, const char *text, char *err, size_t errlen)
{
	struct md_trk_note n;

	memset(&n, 0, sizeof n);
	n.author = MD_TRK_AUTHOR(author);
	n.kind = "system";
	n.text = text;
	return md_trk_note_add(st, b->id, b->project, &n, NULL, err, errlen);
}

int
md_trk_first_response(struct md_store *st, long issue_id, char *err, size_t errlen)
{
	struct md_sqlp p;
	int rc;

	md_sqlp_init(&p);
	md_sqlp_long(&p, issue_id);
	md_sqlp_long(&p, (long long)time(NULL));
	rc = md_db_exec(st->db, "UPDATE issues SET first_response_at = $2 "
	    "WHERE id = $1 AND first_response_at IS NULL", &p, err, errlen);
	md_sqlp_free(&p);
	return rc;
}
