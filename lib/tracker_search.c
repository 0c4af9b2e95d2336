/*
 * tracker_search.c - the issue list: filters, paging, counts, and full-text
 * search over titles, descriptions and every note.
 *
 * One statement per list, so the counts and the page come from one
 * snapshot.  Without a search the page walks issues_created (or
 * issues_updated) and stops after offset + limit rows; the counts are an
 * index-only pass over the project's issues.  With a search both GIN
 * indexes (issues.search, notes.search) give the matching documents; an
 * issue's rank is the best ts_rank of its own text (title weighted A,
 * description B) and of its notes, so a conversation that mentions the
 * words once ranks below a title that names them.  Each document matches
 * on its own: the words must all be in the title and description, or all
 * in one note (websearch_to_tsquery: "quoted phrases", "or", -word).
 * doc/performance.md, "Search on PostgreSQL", has the numbers.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tracker.h"
#include "tracker_int.h"

/* Statement text and its parameters, built together. */
struct listq {
	md_buf		 sql;
	struct md_sqlp	 p;
	int		 oom;
};

static void
sql(struct listq *q, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sql(struct listq *q, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (md_buf_vprintf(&q->sql, fmt, ap) < 0)
		q->oom = 1;
	va_end(ap);
}

/* Appends " AND <pre>$n<post>" with val as the new parameter $n. */
static void
cond_str(struct listq *q, const char *pre, const char *val, const char *post)
{
	md_sqlp_str(&q->p, val);
	sql(q, " AND %s$%d%s", pre, q->p.n, post);
}

/* The filters other than state and search, on issues i. */
static void
filters(struct listq *q, const struct md_issue_filter *f, const char *cust)
{
	if (f->label != NULL && *f->label != '\0')
		cond_str(q, "i.labels @> ARRAY[", f->label, "::text]");
	if (*cust != '\0')
		cond_str(q, "i.customer_email = ", cust, "");
}

/*
 * Builds the statement.  Result: one row per issue of the page, each
 * starting with the opened and closed counts (one row with NULL issue
 * columns when the page is empty).
 */
static void
build(struct listq *q, const char *project, const struct md_issue_filter *f,
    const char *state, const char *cust, long offset, long limit)
{
	int search = f->search != NULL && *f->search != '\0';
	const char *order = f->sort_updated ? "i.updated DESC, i.iid DESC" :
	    "i.created DESC, i.iid DESC";
	int pstate = 0;

	md_sqlp_str(&q->p, project);			/* $1 */
	if (strcmp(state, "all") != 0) {
		md_sqlp_str(&q->p, state);
		pstate = q->p.n;
	}
	if (!search) {
		sql(q, "WITH c AS (SELECT "
		    "count(*) FILTER (WHERE i.state = 'opened') AS opened, "
		    "count(*) FILTER (WHERE i.state = 'closed') AS closed "
		    "FROM issues i WHERE i.project = $1");
		filters(q, f, cust);
		sql(q, "), pg AS (SELECT i.id, row_number() OVER (ORDER BY %s) AS k "
		    "FROM issues i WHERE i.project = $1", order);
		filters(q, f, cust);
		if (pstate)
			sql(q, " AND i.state = $%d", pstate);
		sql(q, " ORDER BY %s", order);
	} else {
		md_sqlp_str(&q->p, f->search);
		md_buf_printf(&q->sql,
		    "WITH q AS MATERIALIZED (SELECT websearch_to_tsquery('simple', $%d) AS q), "
		    "hit AS (SELECT i.id, ts_rank(i.search, q.q) AS r FROM issues i, q "
		    "WHERE i.project = $1 AND i.search @@ q.q "
		    "UNION ALL SELECT n.issue_id, ts_rank(n.search, q.q) FROM notes n, q "
		    "WHERE n.project = $1 AND n.search @@ q.q), "
		    "best AS (SELECT id, max(r) AS r FROM hit GROUP BY id), "
		    "m AS MATERIALIZED (SELECT i.id, i.iid, i.state, best.r FROM best "
		    "JOIN issues i ON i.id = best.id WHERE true", q->p.n);
		filters(q, f, cust);
		sql(q, "), c AS (SELECT "
		    "count(*) FILTER (WHERE m.state = 'opened') AS opened, "
		    "count(*) FILTER (WHERE m.state = 'closed') AS closed FROM m), "
		    "pg AS (SELECT m.id, row_number() OVER (ORDER BY m.r DESC, m.iid DESC) AS k "
		    "FROM m WHERE true");
		if (pstate)
			sql(q, " AND m.state = $%d", pstate);
		sql(q, " ORDER BY m.r DESC, m.iid DESC");
	}
	md_sqlp_long(&q->p, limit);
	md_sqlp_long(&q->p, offset);
	sql(q, " LIMIT $%d OFFSET $%d) "
	    "SELECT c.opened, c.closed, " MD_TRK_ISSUE_COLS " FROM c LEFT JOIN "
	    "(pg JOIN " MD_TRK_ISSUE_FROM " ON i.id = pg.id) ON true ORDER BY pg.k",
	    q->p.n - 1, q->p.n);
}

int
md_tracker_list(struct md_store *st, const char *project,
    const struct md_issue_filter *f, struct md_issue_list *out,
    char *err, size_t errlen)
{
	const char *state = f->state != NULL ? f->state : "all";
	char cust[MD_ADDR_MAX + 1];
	struct listq q;
	PGresult *res;
	size_t k;
	int row, rc = -1;

	memset(out, 0, sizeof *out);
	if (strcmp(state, "all") != 0 && strcmp(state, "opened") != 0 &&
	    strcmp(state, "closed") != 0) {
		snprintf(err, errlen, "bad state \"%.32s\" (opened, closed or all)", state);
		return -1;
	}
	/* Addresses are stored in lower case. */
	snprintf(cust, sizeof cust, "%s", f->customer != NULL ? f->customer : "");
	for (k = 0; cust[k] != '\0'; k++)
		cust[k] = (char)tolower((unsigned char)cust[k]);
	md_buf_init(&q.sql);
	md_sqlp_init(&q.p);
	q.oom = 0;
	build(&q, project, f, state, cust, f->offset > 0 ? f->offset : 0,
	    f->limit > 0 ? f->limit : 20);
	if (q.oom || q.p.err) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	if ((res = md_db_query(st->db, md_buf_str(&q.sql), &q.p, err, errlen)) == NULL)
		goto done;
	if (PQntuples(res) > 0) {
		out->opened = (long)md_db_ll(res, 0, 0);
		out->closed = (long)md_db_ll(res, 0, 1);
	}
	out->total = strcmp(state, "opened") == 0 ? out->opened :
	    strcmp(state, "closed") == 0 ? out->closed : out->opened + out->closed;
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 3) &&
	    (out->items = calloc((size_t)PQntuples(res), sizeof *out->items)) == NULL) {
		snprintf(err, errlen, "out of memory");
		PQclear(res);
		goto done;
	}
	rc = 0;
	for (row = 0; out->items != NULL && row < PQntuples(res); row++) {
		if (md_trk_issue_row(res, row, 2, &out->items[out->n]) < 0) {
			snprintf(err, errlen, "out of memory");
			md_issue_list_free(out);
			rc = -1;
			break;
		}
		out->n++;
	}
	PQclear(res);
done:
	md_buf_free(&q.sql);
	md_sqlp_free(&q.p);
	return rc;
}
