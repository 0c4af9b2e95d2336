/*
 * tracker_edit.c - what responders do to an issue: notes, close/reopen,
 * labels, the title (assignee and priority: tracker_assign.c; participants
 * and blocking the sender: tracker_participants.c).
 *
 * Each change is one transaction that first locks the issue row (as every
 * writer of an existing issue does, so changes to one issue never
 * interleave; the frame is tracker_change.c's md_trk_edit_begin/_end), then writes the change, its note and the mails it causes
 * (outbox rows): all of it commits or none.  Every change leaves a note,
 * so the issue's history says who did what and when.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tracker.h"
#include "tracker_change.h"
#include "tracker_int.h"
#include "tracker_signature.h"
#include "validate.h"

int
md_tracker_note(struct md_store *st, const struct md_config *cfg,
    const char *project, long iid, const char *text, int internal,
    const char *author, char *note_id, size_t idlen, int *mailed,
    char *err, size_t errlen)
{
	struct md_trk_rcpts all = { NULL, NULL };
	struct md_trk_note n;
	struct md_trk_issue b;
	char *signed_text = NULL;
	long id = 0;
	int rc, sent = 0;

	(void)cfg;	/* st->cfg renders the mails */
	if (mailed != NULL)
		*mailed = 0;
	if (text == NULL || *text == '\0') {
		snprintf(err, errlen, "empty note");
		return -1;
	}
	if ((rc = md_trk_edit_begin(st, project, iid, &b, err, errlen)) != 0)
		return rc;
	memset(&n, 0, sizeof n);
	n.author = MD_TRK_AUTHOR(author);
	n.kind = internal ? "internal" : "public";
	/* A public reply carries its author's signature (tracker_signature.h). */
	if (!internal && (text = signed_text = md_trk_signed(st, n.author, text, err,
	    errlen)) == NULL)
		return md_trk_edit_end(st, &b, -1, err, errlen);
	n.text = text;
	rc = md_trk_note_add(st, b.id, project, &n, &id, err, errlen);
	/* The first public reply stops the first-response clock. */
	if (rc == 0 && !internal)
		rc = md_trk_first_response(st, b.id, err, errlen);
	/* Internal notes mail nobody. */
	if (rc == 0 && !internal)
		rc = md_trk_mails(st, &b, MD_TPL_NEW_NOTE, "note", text, NULL, &all,
		    &sent, err, errlen);
	if ((rc = md_trk_edit_end(st, &b, rc, err, errlen)) == 0) {
		if (note_id != NULL)
			snprintf(note_id, idlen, "%ld", id);
		if (mailed != NULL)
			*mailed = sent;
	}
	free(signed_text);
	return rc;
}

/* The project's notify_state: 1, 0, MD_TRK_NOTFOUND or -1. */
static int
notify_state(struct md_store *st, const char *project, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	int rc;

	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	res = md_db_query(st->db, "SELECT notify_state::int FROM projects WHERE name = $1",
	    &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		snprintf(err, errlen, "no such project: %s", project);
		rc = MD_TRK_NOTFOUND;
	} else
		rc = md_db_ll(res, 0, 0) != 0;
	PQclear(res);
	return rc;
}

int
md_tracker_set_state(struct md_store *st, const struct md_config *cfg,
    const char *project, long iid, int close, const char *author,
    int *changed, int *mailed, char *err, size_t errlen)
{
	struct md_trk_rcpts all = { NULL, NULL };
	struct md_trk_note n;
	struct md_trk_issue b;
	struct md_sqlp p;
	char text[256];
	const char *state = close ? "closed" : "opened";
	int rc, notify, sent = 0;
	long moved;

	(void)cfg;
	*changed = 0;
	if (mailed != NULL)
		*mailed = 0;
	if ((rc = md_trk_edit_begin(st, project, iid, &b, err, errlen)) != 0)
		return rc;
	if ((notify = notify_state(st, project, err, errlen)) < 0)
		return md_trk_edit_end(st, &b, notify, err, errlen);
	if (strcmp(b.state, state) == 0)	/* nothing to do: not an error */
		return md_trk_edit_end(st, &b, 0, err, errlen);
	md_sqlp_init(&p);
	md_sqlp_long(&p, b.id);
	md_sqlp_str(&p, state);
	md_sqlp_long(&p, (long long)time(NULL));
	moved = md_db_exec_count(st->db, "UPDATE issues SET state = $2, updated = $3, "
	    "closed_at = CASE WHEN $2 = 'closed' THEN $3::bigint END WHERE id = $1",
	    &p, err, errlen);
	md_sqlp_free(&p);
	if (moved < 0)
		return md_trk_edit_end(st, &b, -1, err, errlen);
	free(b.state);
	b.state = strdup(state);	/* the mails tell the new state */
	snprintf(text, sizeof text, "%s by %s", close ? "closed" : "reopened",
	    MD_TRK_AUTHOR(author));
	memset(&n, 0, sizeof n);
	n.author = MD_TRK_AUTHOR(author);
	n.kind = "system";
	n.text = text;
	rc = b.state == NULL ? -1 : md_trk_note_add(st, b.id, project, &n, NULL, err, errlen);
	if (rc == 0 && notify)
		rc = md_trk_mails(st, &b, close ? MD_TPL_CLOSE : MD_TPL_REOPEN,
		    close ? "close" : "reopen", NULL, NULL, &all, &sent, err, errlen);
	if ((rc = md_trk_edit_end(st, &b, rc, err, errlen)) == 0) {
		*changed = 1;
		if (mailed != NULL)
			*mailed = sent;
	}
	return rc;
}

int
md_label_valid(const char *label)
{
	size_t n, i;

	if (label == NULL || (n = strlen(label)) == 0 || n > MD_LABEL_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)label[i] < 0x20 || label[i] == 0x7f || label[i] == ',')
			return 0;
	return 1;
}

int
md_tracker_label(struct md_store *st, const char *project, long iid,
    const char *label, int add, int *changed, char *err, size_t errlen)
{
	return md_tracker_label_by(st, project, iid, label, add, NULL, changed, err,
	    errlen);
}

/*
 * Labels are kept sorted (byte order) and unique, so lists show them the
 * same way everywhere.
 */
int
md_tracker_label_by(struct md_store *st, const char *project, long iid,
    const char *label, int add, const char *author, int *changed, char *err,
    size_t errlen)
{
	struct md_trk_issue b;
	struct md_sqlp p;
	char text[MD_LABEL_MAX + 32];
	long moved;
	int rc;

	*changed = 0;
	if (!md_label_valid(label)) {
		snprintf(err, errlen, "bad label (1-%d bytes, no commas or control characters)",
		    MD_LABEL_MAX);
		return -1;
	}
	if ((rc = md_trk_edit_begin(st, project, iid, &b, err, errlen)) != 0)
		return rc;
	md_sqlp_init(&p);
	md_sqlp_long(&p, b.id);
	md_sqlp_str(&p, label);
	moved = md_db_exec_count(st->db, add ?
	    "UPDATE issues SET labels = ARRAY(SELECT l FROM unnest(labels || $2::text) AS l "
	    "ORDER BY l COLLATE \"C\") WHERE id = $1 AND NOT labels @> ARRAY[$2::text]" :
	    "UPDATE issues SET labels = array_remove(labels, $2::text) "
	    "WHERE id = $1 AND labels @> ARRAY[$2::text]", &p, err, errlen);
	md_sqlp_free(&p);
	if (moved <= 0)		/* -1: error; 0: nothing changed */
		return md_trk_edit_end(st, &b, moved < 0 ? -1 : 0, err, errlen);
	snprintf(text, sizeof text, "%s label %s", add ? "added" : "removed", label);
	rc = md_trk_change_note(st, &b, author, text, err, errlen);
	if ((rc = md_trk_edit_end(st, &b, rc, err, errlen)) == 0)
		*changed = 1;
	return rc;
}

int
md_tracker_set_title(struct md_store *st, const char *project, long iid,
    const char *title, const char *author, int *changed, char *err, size_t errlen)
{
	struct md_trk_issue b;
	struct md_sqlp p;
	md_buf text = MD_BUF_INIT;
	const char *bad;
	long moved;
	int rc;

	if (changed != NULL)
		*changed = 0;
	if ((bad = md_title_problem(title)) != NULL) {
		snprintf(err, errlen, "%s", bad);
		return -1;
	}
	if ((rc = md_trk_edit_begin(st, project, iid, &b, err, errlen)) != 0)
		return rc;
	if (strcmp(b.title, title) == 0)
		return md_trk_edit_end(st, &b, 0, err, errlen);
	md_sqlp_init(&p);
	md_sqlp_long(&p, b.id);
	md_sqlp_str(&p, title);
	/* The search document follows (the indexer writes it again). */
	moved = md_db_exec_count(st->db, "UPDATE issues SET title = $2, search = NULL "
	    "WHERE id = $1", &p, err, errlen);
	md_sqlp_free(&p);
	if (moved < 0 || md_buf_printf(&text, "changed title from \"%s\" to \"%s\"",
	    b.title, title) < 0)
		rc = -1;
	else
		rc = md_trk_change_note(st, &b, author, md_buf_str(&text), err, errlen);
	md_buf_free(&text);
	if ((rc = md_trk_edit_end(st, &b, rc, err, errlen)) == 0 && changed != NULL)
		*changed = 1;
	return rc;
}
