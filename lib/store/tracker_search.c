/*
 * tracker_search.c - the issue list: filters, paging, counts, and full-text
 * search over titles, descriptions and every note.
 *
 * One statement per list, so the counts and the page come from one
 * snapshot.  Without a search the page walks issues_created (or
 * issues_updated) and stops after offset + limit rows; the counts are an
 * index-only pass over the project's issues.  A search reads two GIN
 * indexes: issues.search (title weight A, description B) and
 * issue_notes_search, one document per issue with the words of all its
 * notes (customer, public, internal, system), kept by triggers (001).  The
 * words must all be in the title and description, or all in the notes
 * (websearch_to_tsquery: "quoted phrases", "or", -word); 'simple'
 * configuration, no stemming.  Issues that match in their own text come
 * first, by ts_rank; then those that match in their notes alone, by the
 * ts_rank of their notes when there are at most RANK_NOTES_MAX of them,
 * else newest first (build_search() says why).  The numbers:
 * doc/performance.md, "Search on PostgreSQL".
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tracker.h"
#include "tracker_rows.h"

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

/*
 * The responders' filters (issue 18) on issues i: assignee, priority,
 * overdue (open, no public reply yet, past created + the project's
 * first_response).
 */
static void
owner_filters(struct listq *q, const struct md_issue_filter *f)
{
	if (f->assignee != NULL && *f->assignee == '\0')
		sql(q, " AND i.assignee IS NULL");
	else if (f->assignee != NULL)
		cond_str(q, "i.assignee = ", f->assignee, "");
	if (f->priority != NULL && *f->priority != '\0')
		cond_str(q, "i.priority = ", f->priority, "");
	if (f->overdue)
		sql(q, " AND i.state = 'opened' AND i.first_response_at IS NULL AND "
		    "i.created + (SELECT pr.first_response FROM projects pr WHERE "
		    "pr.name = i.project) < extract(epoch FROM now())::bigint");
}

/* 1 if the filter has any of owner_filters' conditions. */
static int
has_owner_filters(const struct md_issue_filter *f)
{
	return f->assignee != NULL || (f->priority != NULL && *f->priority != '\0') ||
	    f->overdue;
}

/* The filters other than state and search, on issues i. */
static void
filters(struct listq *q, const struct md_issue_filter *f, const char *cust)
{
	if (f->label != NULL && *f->label != '\0')
		cond_str(q, "i.labels @> ARRAY[", f->label, "::text]");
	if (*cust != '\0')
		cond_str(q, "i.customer_email = ", cust, "");
	owner_filters(q, f);
}

/* The same on issue_notes_search s (its copies of the issue's columns). */
static void
filters_s(struct listq *q, const struct md_issue_filter *f, const char *cust)
{
	if (f->label != NULL && *f->label != '\0')
		cond_str(q, "s.labels @> ARRAY[", f->label, "::text]");
	if (*cust != '\0')
		cond_str(q, "s.customer_email = ", cust, "");
	/* issue_notes_search has no copies of these: the issue row decides. */
	if (has_owner_filters(f)) {
		sql(q, " AND s.issue_id IN (SELECT i.id FROM issues i WHERE i.project = $1");
		owner_filters(q, f);
		sql(q, ")");
	}
}

/* A list without search: the page in created (or updated) order. */
static void
build_list(struct listq *q, const struct md_issue_filter *f, const char *cust,
    int pstate, long offset, long limit)
{
	const char *order = f->sort_updated ? "i.updated DESC, i.iid DESC" :
	    "i.created DESC, i.iid DESC";

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
	md_sqlp_long(&q->p, limit);
	md_sqlp_long(&q->p, offset);
	sql(q, " ORDER BY %s LIMIT $%d OFFSET $%d)", order, q->p.n - 1, q->p.n);
}

/*
 * Notes-only matches are ranked by ts_rank when there are at most this
 * many; more are listed newest first.  Ranking them reads each issue's
 * notes document from TOAST (about 0.1 ms apiece on the benchmark machine),
 * so a few thousand would take the list past its 100 ms budget.
 */
#define RANK_NOTES_MAX	200

/*
 * A search, in two tiers.  own: issues whose title or description match,
 * each ranked (small documents, weights A and B).  nonly: the issues that
 * match in their notes alone, found with their state in
 * issue_notes_search's small heap, documents unread.  The counts are own's
 * plus nonly's.  The page takes own's best first; when it reaches past
 * them, t2 lists the notes-only matches (LIMIT 0 otherwise, so nothing of
 * t2 runs).  A note's words weigh D (0.1) and ts_rank never exceeds the
 * weight of the best match of a word, so an issue's own match outranks a
 * match in its notes for single words and "or"; for several words that
 * must all occur, notes that repeat them close together could score
 * higher and still come second.
 */
static void
build_search(struct listq *q, const struct md_issue_filter *f, const char *cust,
    int pstate, const char *tsq, long offset, long limit)
{
	int t, lim, off;

	md_sqlp_str(&q->p, tsq);
	t = q->p.n;
	sql(q, "WITH own AS MATERIALIZED (SELECT i.id, i.iid, i.state, "
	    "ts_rank(i.search, $%d::tsquery) AS r FROM issues i "
	    "WHERE i.project = $1 AND i.search @@ $%d::tsquery", t, t);
	filters(q, f, cust);
	/* Issues the indexer has not reached yet (filed a moment ago): their
	 * document computed here, found through a small partial index. */
	sql(q, " UNION ALL SELECT i.id, i.iid, i.state, "
	    "ts_rank(issue_search_doc(i.title, i.description), $%d::tsquery) FROM issues i "
	    "WHERE i.project = $1 AND i.search IS NULL AND "
	    "issue_search_doc(i.title, i.description) @@ $%d::tsquery", t, t);
	filters(q, f, cust);
	sql(q, "), nonly AS MATERIALIZED (SELECT s.issue_id AS id, s.state "
	    "FROM issue_notes_search s WHERE s.project = $1 AND s.search @@ $%d::tsquery "
	    "AND s.issue_id NOT IN (SELECT id FROM own)", t);
	filters_s(q, f, cust);
	sql(q, "), c AS (SELECT "
	    "(SELECT count(*) FROM own WHERE state = 'opened') + "
	    "(SELECT count(*) FROM nonly WHERE state = 'opened') AS opened, "
	    "(SELECT count(*) FROM own WHERE state = 'closed') + "
	    "(SELECT count(*) FROM nonly WHERE state = 'closed') AS closed), "
	    "o AS (SELECT * FROM own WHERE true");
	if (pstate)
		sql(q, " AND own.state = $%d", pstate);
	sql(q, "), c2 AS MATERIALIZED (SELECT id FROM nonly WHERE true");
	if (pstate)
		sql(q, " AND nonly.state = $%d", pstate);
	md_sqlp_long(&q->p, limit);
	lim = q->p.n;
	md_sqlp_long(&q->p, offset);
	off = q->p.n;
	sql(q, "), n1 AS (SELECT count(*) AS n FROM o), "
	    "t1 AS (SELECT o.id, row_number() OVER (ORDER BY o.r DESC, o.iid DESC) AS k "
	    "FROM o ORDER BY o.r DESC, o.iid DESC LIMIT $%d OFFSET $%d), "
	    "t2 AS (SELECT c2.id, 1000000000 + row_number() OVER (ORDER BY x.r DESC, "
	    "c2.id DESC) AS k FROM c2, LATERAL (SELECT CASE WHEN "
	    "(SELECT count(*) FROM c2) <= %d THEN (SELECT ts_rank(s.search, $%d::tsquery) "
	    "FROM issue_notes_search s WHERE s.issue_id = c2.id) ELSE 0 END AS r) x "
	    "ORDER BY x.r DESC, c2.id DESC "
	    "LIMIT greatest(0, $%d + $%d - (SELECT n FROM n1)) "
	    "OFFSET greatest(0, $%d - (SELECT n FROM n1))), "
	    "pg AS (SELECT id, k FROM t1 UNION ALL SELECT id, k FROM t2)",
	    lim, off, RANK_NOTES_MAX, t, off, lim, off);
}

/*
 * Builds the statement.  Result: one row per issue of the page, each
 * starting with the opened and closed counts (one row with NULL issue
 * columns when the page is empty).
 */
static void
build(struct listq *q, const char *project, const struct md_issue_filter *f,
    const char *state, const char *cust, const char *tsq, long offset, long limit)
{
	int pstate = 0;

	md_sqlp_str(&q->p, project);			/* $1 */
	if (strcmp(state, "all") != 0) {
		md_sqlp_str(&q->p, state);
		pstate = q->p.n;
	}
	if (tsq == NULL)
		build_list(q, f, cust, pstate, offset, limit);
	else
		build_search(q, f, cust, pstate, tsq, offset, limit);
	sql(q, " SELECT c.opened, c.closed, " MD_TRK_ISSUE_COLS " FROM c LEFT JOIN "
	    "(pg JOIN " MD_TRK_ISSUE_FROM " ON i.id = pg.id) ON true ORDER BY pg.k");
}

/*
 * The search as a tsquery in text form, so the list statement gets it as a
 * constant: the planner then knows how many documents match (a parameter
 * it could only guess), and nothing parses the words again for every row.
 * *tsq NULL: the search has no words (only punctuation), nothing matches.
 */
static int
to_tsquery_text(struct md_store *st, const char *search, char **tsq, char *err,
    size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;

	*tsq = NULL;
	md_sqlp_init(&p);
	md_sqlp_str(&p, search);
	res = md_db_query(st->db, "SELECT websearch_to_tsquery('simple', $1)::text, "
	    "numnode(websearch_to_tsquery('simple', $1))", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if (md_db_ll(res, 0, 1) > 0 && (*tsq = md_db_dup(res, 0, 0)) == NULL) {
		snprintf(err, errlen, "out of memory");
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

static int
list_rows(PGresult *res, const char *state, struct md_issue_list *out, char *err,
    size_t errlen)
{
	int row;

	if (PQntuples(res) > 0) {
		out->opened = (long)md_db_ll(res, 0, 0);
		out->closed = (long)md_db_ll(res, 0, 1);
	}
	out->total = strcmp(state, "opened") == 0 ? out->opened :
	    strcmp(state, "closed") == 0 ? out->closed : out->opened + out->closed;
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 3))
		return 0;	/* an empty page */
	if ((out->items = calloc((size_t)PQntuples(res), sizeof *out->items)) == NULL)
		goto oom;
	for (row = 0; row < PQntuples(res); row++) {
		if (md_trk_issue_row(res, row, 2, &out->items[out->n]) < 0)
			goto oom;
		out->n++;
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	md_issue_list_free(out);
	return -1;
}

/*
 * In a read-only transaction with JIT off for it: the list is a short
 * query whose plan cost can still pass jit_above_cost (a search over many
 * documents), and compiling would take longer than running it.
 */
int
md_tracker_list(struct md_store *st, const char *project,
    const struct md_issue_filter *f, struct md_issue_list *out,
    char *err, size_t errlen)
{
	const char *state = f->state != NULL ? f->state : "all";
	char cust[MD_ADDR_MAX + 1], *tsq = NULL;
	struct listq q;
	PGresult *res;
	size_t k;
	int rc = -1;

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
	if (md_db_exec(st->db, "BEGIN READ ONLY; SET LOCAL jit = off", NULL, err,
	    errlen) < 0)
		goto done;
	/*
	 * A search must find its documents through the GIN indexes, whose
	 * answers need no recheck: a sequential scan of issue_notes_search
	 * looks cheap to the planner (the heap is small) but would read
	 * every document from TOAST to test it.
	 */
	if (f->search != NULL && *f->search != '\0' &&
	    md_db_exec(st->db, "SET LOCAL enable_seqscan = off", NULL, err, errlen) < 0)
		goto done;
	if (f->search != NULL && *f->search != '\0') {
		if (to_tsquery_text(st, f->search, &tsq, err, errlen) < 0)
			goto done;
		if (tsq == NULL) {	/* no words: no matches */
			rc = 0;
			goto done;
		}
	}
	build(&q, project, f, state, cust, tsq, f->offset > 0 ? f->offset : 0,
	    f->limit > 0 ? f->limit : 20);
	if (q.oom || q.p.err) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	if ((res = md_db_query(st->db, md_buf_str(&q.sql), &q.p, err, errlen)) == NULL)
		goto done;
	rc = list_rows(res, state, out, err, errlen);
	PQclear(res);
done:
	md_db_rollback(st->db);
	free(tsq);
	md_buf_free(&q.sql);
	md_sqlp_free(&q.p);
	return rc;
}

int
md_tracker_index(struct md_store *st, long limit, long *done, char *err, size_t errlen)
{
	struct md_sqlp p;
	long n;

	md_sqlp_init(&p);
	md_sqlp_long(&p, limit > 0 ? limit : 500);
	n = md_db_exec_count(st->db, "UPDATE issues SET search = "
	    "issue_search_doc(title, description) WHERE id IN (SELECT id FROM issues "
	    "WHERE search IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)", &p, err,
	    errlen);
	md_sqlp_free(&p);
	if (n < 0)
		return -1;
	*done = n;
	return 0;
}
