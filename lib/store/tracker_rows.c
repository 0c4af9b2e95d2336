/*
 * tracker_rows.c - one issue by its name, and an issue or an attachment
 * out of a query's result row (the columns tracker_rows.h names), for
 * every reader of issues: one issue (tracker_get.c, tracker_mail.c), an
 * attachment's bytes (tracker_bytes.c), the list (tracker_search.c) and
 * "my work" (tracker_mywork.c) read the same columns the same way.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store.h"
#include "tracker.h"
#include "tracker_rows.h"

PGresult *
md_trk_issue_select(struct md_store *st, const char *sql, const char *project, long iid,
    int *rc, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;

	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	md_sqlp_long(&p, iid);
	res = md_db_query(st->db, sql, &p, err, errlen);
	md_sqlp_free(&p);
	*rc = -1;
	if (res != NULL && PQntuples(res) == 0) {
		snprintf(err, errlen, "no such issue %s#%ld", project, iid);
		*rc = MD_TRK_NOTFOUND;
		PQclear(res);
		res = NULL;
	}
	return res;
}

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

int
md_trk_att_row(const PGresult *res, int row, struct md_issue_att *a)
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
