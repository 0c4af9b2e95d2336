/*
 * tracker_mywork.c - a responder's work across projects (issue 18): the
 * open issues assigned to them and the open unassigned issues of their
 * projects, the most urgent first.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracker.h"
#include "tracker_rows.h"

#define MYWORK_MAX	200

/*
 * Oldest due first: issues without a target (no due time) after those
 * with one, oldest first.  An admin counts every project as theirs.
 */
int
md_tracker_mywork(struct md_store *st, const char *user, int admin, long limit,
    struct md_issue_list *out, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	int row;

	memset(out, 0, sizeof *out);
	md_sqlp_init(&p);
	md_sqlp_str(&p, user != NULL ? user : "");
	md_sqlp_bool(&p, admin);
	md_sqlp_long(&p, limit > 0 && limit <= MYWORK_MAX ? limit : MYWORK_MAX);
	res = md_db_query(st->db, "SELECT " MD_TRK_ISSUE_COLS " FROM " MD_TRK_ISSUE_FROM
	    " LEFT JOIN projects pj ON pj.name = i.project WHERE i.state = 'opened' AND "
	    "(i.assignee = $1 OR (i.assignee IS NULL AND ($2 OR i.project IN "
	    "(SELECT m.project FROM project_members m WHERE m.username = $1)))) "
	    "ORDER BY i.created + pj.first_response NULLS LAST, i.created, i.id LIMIT $3",
	    &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) > 0 &&
	    (out->items = calloc((size_t)PQntuples(res), sizeof *out->items)) == NULL)
		goto oom;
	for (row = 0; row < PQntuples(res); row++) {
		if (md_trk_issue_row(res, row, 0, &out->items[out->n]) < 0)
			goto oom;
		out->n++;
	}
	out->total = out->opened = (long)out->n;
	PQclear(res);
	return 0;
oom:
	PQclear(res);
	md_issue_list_free(out);
	snprintf(err, errlen, "out of memory");
	return -1;
}
