/*
 * tracker_notes.c - note rows: what customers, responders and the desk
 * itself say on an issue.
 *
 * One statement inserts the note and moves the issue's updated time, so a
 * note never shows on an issue whose list entry still looks untouched.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tracker_int.h"

#define S(x)	((x) != NULL ? (x) : "")

int
md_trk_note_add(struct md_store *st, long issue_id, const char *project,
    const struct md_trk_note *n, long *id, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;

	md_sqlp_init(&p);
	md_sqlp_long(&p, issue_id);
	md_sqlp_str(&p, project);
	md_sqlp_str(&p, S(n->author));
	md_sqlp_str(&p, S(n->author_email));
	md_sqlp_str(&p, S(n->kind));
	md_sqlp_str(&p, S(n->text));
	md_sqlp_str(&p, S(n->full_text));
	md_sqlp_str(&p, S(n->message_id));
	md_sqlp_str(&p, S(n->via));
	md_sqlp_str(&p, S(n->flags));
	md_sqlp_long(&p, n->attachments);
	if (n->raw_id > 0)
		md_sqlp_long(&p, n->raw_id);
	else
		md_sqlp_null(&p);
	md_sqlp_long(&p, (long long)time(NULL));
	res = md_db_query(st->db,
	    "WITH n AS (INSERT INTO notes (issue_id, project, author, author_email, kind, "
	    "text, full_text, message_id, via, flags, attachments, raw_id, created) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id), "
	    "u AS (UPDATE issues SET updated = $13 WHERE id = $1) SELECT id FROM n",
	    &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if (id != NULL)
		*id = (long)md_db_ll(res, 0, 0);
	PQclear(res);
	return 0;
}

int
md_trk_system_note(struct md_store *st, long issue_id, const char *project,
    const char *text, char *err, size_t errlen)
{
	struct md_trk_note n = {
		.author = "Support Bot", .kind = "system", .text = text,
	};

	return md_trk_note_add(st, issue_id, project, &n, NULL, err, errlen);
}
