/*
 * tracker_rows.h - issues and attachments read from query results
 * (tracker_rows.c): the columns to SELECT and the functions that turn a
 * row of them into the structs of tracker.h.  For the tracker's readers
 * (tracker_get.c, tracker_bytes.c, tracker_search.c, tracker_mywork.c).
 */
#ifndef MD_TRACKER_ROWS_H
#define MD_TRACKER_ROWS_H

#include "db.h"
#include "tracker.h"

/*
 * The columns of a struct md_issue, for "SELECT " MD_TRK_ISSUE_COLS " FROM "
 * MD_TRK_ISSUE_FROM " WHERE ..." (issues i, the customer's participants row p
 * for the keys); md_trk_issue_row() reads them from column col on.
 */
#define MD_TRK_ISSUE_COLS \
	"i.project, i.iid, i.title, i.description, i.author, i.customer_email, " \
	"i.customer_name, i.state, " \
	"array_to_string(ARRAY(SELECT l FROM unnest(i.labels) AS l " \
	"ORDER BY l COLLATE \"C\"), ','), " \
	"i.message_id, coalesce(p.reply_key, ''), coalesce(p.unsub_key, ''), i.spf, " \
	"i.score, i.rules, i.flags, i.source, i.confidential::int, i.created, i.updated, " \
	"coalesce(i.assignee, ''), i.priority, coalesce(i.created + (SELECT pr.first_response " \
	"FROM projects pr WHERE pr.name = i.project), 0), coalesce(i.first_response_at, 0)"
#define MD_TRK_ISSUE_NCOLS	24
#define MD_TRK_ISSUE_FROM \
	"issues i LEFT JOIN participants p ON p.issue_id = i.id AND p.email = i.customer_email"
/* 0 or -1 (ENOMEM); i is all allocated or all free. */
int	md_trk_issue_row(const PGresult *res, int row, int col, struct md_issue *i);

/*
 * One issue's row by its name: runs sql, whose $1 is the project and $2
 * the iid.  The result when the issue exists; else NULL with *rc set to
 * MD_TRK_NOTFOUND ("no such issue" in err) or -1 (the query failed).
 */
PGresult *md_trk_issue_select(struct md_store *st, const char *sql, const char *project,
	    long iid, int *rc, char *err, size_t errlen);

/*
 * The columns of a struct md_issue_att (attachments a), in the order
 * md_trk_att_row() reads them from column 0 on; "stored" only while the
 * bytes are there.
 */
#define MD_TRK_ATT_COLS "a.n, a.filename, a.content_type, a.size, " \
	"(a.stored AND a.data IS NOT NULL)::int, coalesce(a.note_id::text, 'description')"
/* 0 or -1 (ENOMEM); a is all allocated or all free. */
int	md_trk_att_row(const PGresult *res, int row, struct md_issue_att *a);

#endif
