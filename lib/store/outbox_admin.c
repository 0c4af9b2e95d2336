/*
 * outbox_admin.c - the outbox as `maildesk queue` shows it to an admin:
 * counts by state and the queued rows (outbox_store.h, "for admins").
 *
 * Split from outbox_store.c, which holds what senders do to the table:
 * these statements only read it, and nothing a sender runs needs them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox_store.h"

/* The database's clock, as the senders' statements use it (outbox_store.c). */
#define NOW	"extract(epoch FROM now())"

int
md_outbox_stats(struct md_store *st, struct md_outbox_stats *out, char *err,
    size_t errlen)
{
	PGresult *res;

	memset(out, 0, sizeof *out);
	res = md_db_query(st->db, "SELECT"
	    " count(*) FILTER (WHERE state = 'queued'),"
	    " count(*) FILTER (WHERE state = 'queued' AND next_attempt <= e"
	    "  AND (claimed_until IS NULL OR claimed_until < e)),"
	    " count(*) FILTER (WHERE state = 'queued' AND attempts > 0),"
	    " count(*) FILTER (WHERE state = 'queued' AND claimed_until >= e),"
	    " count(*) FILTER (WHERE state = 'queued' AND handover IS NOT NULL),"
	    " count(*) FILTER (WHERE state = 'sent'),"
	    " count(*) FILTER (WHERE state = 'failed'),"
	    " count(*) FILTER (WHERE state = 'dropped'),"
	    " coalesce(floor(e - min(created) FILTER (WHERE state = 'queued')), 0)::bigint"
	    " FROM outbox, (SELECT " NOW " AS e) AS n GROUP BY e", NULL, err, errlen);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		out->queued = (long)md_db_ll(res, 0, 0);
		out->due = (long)md_db_ll(res, 0, 1);
		out->deferred = (long)md_db_ll(res, 0, 2);
		out->claimed = (long)md_db_ll(res, 0, 3);
		out->handover = (long)md_db_ll(res, 0, 4);
		out->sent = (long)md_db_ll(res, 0, 5);
		out->failed = (long)md_db_ll(res, 0, 6);
		out->dropped = (long)md_db_ll(res, 0, 7);
		out->oldest = (long)md_db_ll(res, 0, 8);
		if (out->oldest < 0)
			out->oldest = 0;
	}
	PQclear(res);
	return 0;
}

void
md_outbox_pending_free(struct md_outbox_pending *p, size_t n)
{
	size_t k;

	for (k = 0; p != NULL && k < n; k++) {
		free(p[k].rcpt);
		free(p[k].claimed_by);
		free(p[k].handover);
		free(p[k].last_error);
	}
	free(p);
}

int
md_outbox_pending(struct md_store *st, size_t max, struct md_outbox_pending **out,
    size_t *n, char *err, size_t errlen)
{
	struct md_outbox_pending *p = NULL;
	struct md_sqlp sp;
	PGresult *res;
	int rows, k, oom = 0;

	*out = NULL;
	*n = 0;
	md_sqlp_init(&sp);
	md_sqlp_long(&sp, max > 0 ? (long long)max : 100);
	res = md_db_query(st->db, "SELECT id, project, iid, kind, rcpt, attempts,"
	    " next_attempt, created,"
	    " CASE WHEN claimed_until >= " NOW " THEN coalesce(claimed_by, '')"
	    "  ELSE '' END, coalesce(handover, ''), last_error"
	    " FROM outbox WHERE state = 'queued' ORDER BY next_attempt, id LIMIT $1",
	    &sp, err, errlen);
	md_sqlp_free(&sp);
	if (res == NULL)
		return -1;
	rows = PQntuples(res);
	if (rows > 0 && (p = calloc((size_t)rows, sizeof *p)) == NULL) {
		PQclear(res);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (k = 0; k < rows; k++) {
		p[k].id = md_db_ll(res, k, 0);
		snprintf(p[k].project, sizeof p[k].project, "%s", md_db_val(res, k, 1));
		p[k].iid = (long)md_db_ll(res, k, 2);
		snprintf(p[k].kind, sizeof p[k].kind, "%s", md_db_val(res, k, 3));
		p[k].rcpt = md_db_dup(res, k, 4);
		p[k].attempts = (int)md_db_ll(res, k, 5);
		p[k].next_attempt = (long)md_db_ll(res, k, 6);
		p[k].created = (long)md_db_ll(res, k, 7);
		p[k].claimed_by = md_db_dup(res, k, 8);
		p[k].handover = md_db_dup(res, k, 9);
		p[k].last_error = md_db_dup(res, k, 10);
		if (p[k].rcpt == NULL || p[k].claimed_by == NULL ||
		    p[k].handover == NULL || p[k].last_error == NULL)
			oom = 1;
	}
	PQclear(res);
	if (rows == 0)
		return 0;
	if (oom) {
		md_outbox_pending_free(p, (size_t)rows);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*out = p;
	*n = (size_t)rows;
	return 0;
}
