/*
 * outbox_store.c - what senders do to the outbox table: claims, the
 * handover marker, outcomes and the weekly sweep (outbox_store.h).
 *
 * The rest of outbox_store.h is apart, because neither part writes a row
 * for a sender: the wake-up channel (LISTEN/NOTIFY) is outbox_listen.c,
 * the admin's view (maildesk queue) outbox_admin.c.
 *
 * Every write that records a sender's work says "AND claimed_by = me": the
 * claim is the fence.  A sender whose lease ran out (it hung, or the
 * database was away for longer than the lease) finds its row claimed by
 * another and records nothing, so two senders never both decide a row.
 * The lease is renewed by the handover marker itself, right before the
 * final ".", which is why one slow relay answer never lets another sender
 * take a mail that is being handed over.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "outbox_store.h"
#include "tracker_int.h"

/* The database's clock, so senders on several hosts agree on what is due. */
#define NOW	"extract(epoch FROM now())"

#define CLAIM_SQL \
	"UPDATE outbox SET claimed_by = $1," \
	" claimed_until = ceil(" NOW " + $2)::bigint, attempts = attempts + 1" \
	" WHERE id IN (SELECT id FROM outbox WHERE state = 'queued'" \
	"  AND next_attempt <= " NOW \
	"  AND (claimed_until IS NULL OR claimed_until < " NOW ")" \
	"  ORDER BY next_attempt, id LIMIT $3 FOR UPDATE SKIP LOCKED)" \
	" RETURNING id::text, project, iid::text, kind, rcpt, mail_from," \
	" message_id, data, created::text, attempts::text, coalesce(handover, '')"

static char *
dup_field(const PGresult *res, int row, int col, int *oom)
{
	char *s = md_db_dup(res, row, col);

	if (s == NULL)
		*oom = 1;
	return s;
}

void
md_outbox_mails_free(struct md_outbox_mail *m, size_t n)
{
	size_t k;

	for (k = 0; m != NULL && k < n; k++) {
		free(m[k].project);
		free(m[k].kind);
		free(m[k].rcpt);
		free(m[k].mail_from);
		free(m[k].message_id);
		free(m[k].data);
		free(m[k].handover);
	}
	free(m);
}

static int
by_id(const void *a, const void *b)
{
	const struct md_outbox_mail *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int
md_outbox_claim(struct md_store *st, const char *me, int lease_s, int max,
    struct md_outbox_mail **out, size_t *n, char *err, size_t errlen)
{
	struct md_outbox_mail *m;
	struct md_sqlp p;
	PGresult *res;
	int rows, k, oom = 0;

	*out = NULL;
	*n = 0;
	md_sqlp_init(&p);
	md_sqlp_str(&p, me);
	md_sqlp_long(&p, lease_s);
	md_sqlp_long(&p, max > 0 ? max : 1);
	/* Binary results: data is bytea and comes as its bytes; the other
	 * columns are text, whose binary form is the text itself. */
	res = md_db_query_bin(st->db, CLAIM_SQL, &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if ((rows = PQntuples(res)) == 0) {
		PQclear(res);
		return 0;
	}
	if ((m = calloc((size_t)rows, sizeof *m)) == NULL) {
		/* Claimed but not returned: the lease gives them back. */
		PQclear(res);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (k = 0; k < rows; k++) {
		m[k].id = md_db_ll(res, k, 0);
		m[k].project = dup_field(res, k, 1, &oom);
		m[k].iid = (long)md_db_ll(res, k, 2);
		m[k].kind = dup_field(res, k, 3, &oom);
		m[k].rcpt = dup_field(res, k, 4, &oom);
		m[k].mail_from = dup_field(res, k, 5, &oom);
		m[k].message_id = dup_field(res, k, 6, &oom);
		m[k].len = (size_t)PQgetlength(res, k, 7);
		if ((m[k].data = malloc(m[k].len + 1)) == NULL) {
			oom = 1;
		} else {
			memcpy(m[k].data, PQgetvalue(res, k, 7), m[k].len);
			m[k].data[m[k].len] = '\0';
		}
		m[k].created = (long)md_db_ll(res, k, 8);
		m[k].attempts = (int)md_db_ll(res, k, 9);
		m[k].handover = dup_field(res, k, 10, &oom);
	}
	PQclear(res);
	if (oom) {
		md_outbox_mails_free(m, (size_t)rows);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	qsort(m, (size_t)rows, sizeof *m, by_id);
	*out = m;
	*n = (size_t)rows;
	return 0;
}

long
md_outbox_release(struct md_store *st, const char *me, const long long *ids,
    size_t n, char *err, size_t errlen)
{
	md_buf arr = MD_BUF_INIT;
	struct md_sqlp p;
	size_t k;
	long rc;

	if (n == 0)
		return 0;
	md_buf_puts(&arr, "{");
	for (k = 0; k < n; k++)
		md_buf_printf(&arr, "%s%lld", k > 0 ? "," : "", ids[k]);
	md_buf_puts(&arr, "}");
	if (md_buf_failed(&arr)) {	/* sticky (buf.h): one check for the list */
		md_buf_free(&arr);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	md_sqlp_init(&p);
	md_sqlp_str(&p, me);
	md_sqlp_str(&p, md_buf_str(&arr));
	rc = md_db_exec_count(st->db, "UPDATE outbox SET claimed_until = NULL,"
	    " attempts = greatest(attempts - 1, 0)"
	    " WHERE id = ANY($2::bigint[]) AND claimed_by = $1 AND state = 'queued'",
	    &p, err, errlen);
	md_sqlp_free(&p);
	md_buf_free(&arr);
	return rc;
}

/* 1 one row changed, 0 none, -1 error. */
static int
one_row(long changed)
{
	return changed < 0 ? -1 : changed > 0;
}

int
md_outbox_handover_set(struct md_store *st, long long id, const char *me,
    int lease_s, char *err, size_t errlen)
{
	struct md_sqlp p;
	long rc;

	md_sqlp_init(&p);
	md_sqlp_long(&p, id);
	md_sqlp_str(&p, me);
	md_sqlp_long(&p, lease_s);
	rc = md_db_exec_count(st->db, "UPDATE outbox SET handover = $2,"
	    " claimed_until = ceil(" NOW " + $3)::bigint"
	    " WHERE id = $1 AND claimed_by = $2 AND state = 'queued'", &p, err, errlen);
	md_sqlp_free(&p);
	return one_row(rc);
}

int
md_outbox_sent(struct md_store *st, long long id, const char *me, char *err,
    size_t errlen)
{
	struct md_sqlp p;
	long rc;

	md_sqlp_init(&p);
	md_sqlp_long(&p, id);
	md_sqlp_str(&p, me);
	/* state 'sent' too: a replay after a lost reply is still ours. */
	rc = md_db_exec_count(st->db, "UPDATE outbox SET state = 'sent',"
	    " done_at = coalesce(done_at, " NOW "::bigint), claimed_until = NULL,"
	    " handover = NULL, last_error = ''"
	    " WHERE id = $1 AND claimed_by = $2 AND state IN ('queued', 'sent')",
	    &p, err, errlen);
	md_sqlp_free(&p);
	return one_row(rc);
}

int
md_outbox_retry(struct md_store *st, long long id, const char *me, long delay_s,
    int keep_handover, const char *why, char *err, size_t errlen)
{
	struct md_sqlp p;
	long rc;

	md_sqlp_init(&p);
	md_sqlp_long(&p, id);
	md_sqlp_str(&p, me);
	md_sqlp_long(&p, delay_s > 0 ? delay_s : 0);
	md_sqlp_str(&p, why != NULL ? why : "");
	md_sqlp_bool(&p, keep_handover);
	/* claimed_by stays: it says who tried last; the NULL lease frees it. */
	rc = md_db_exec_count(st->db, "UPDATE outbox SET"
	    " next_attempt = ceil(" NOW " + $3)::bigint, claimed_until = NULL,"
	    " last_error = $4,"
	    " handover = CASE WHEN $5::boolean THEN handover ELSE NULL END"
	    " WHERE id = $1 AND claimed_by = $2 AND state = 'queued'", &p, err, errlen);
	md_sqlp_free(&p);
	return one_row(rc);
}

/* The system note on m's issue, inside the caller's transaction. */
static int
note_issue(struct md_store *st, const struct md_outbox_mail *m, const char *note,
    char *err, size_t errlen)
{
	struct md_trk_issue b;
	int rc;

	if (note == NULL || *note == '\0' || m->iid <= 0 || *m->project == '\0')
		return 0;
	/* The issue's row lock first, as every writer of an issue takes it. */
	rc = md_trk_issue_load(st, m->project, m->iid, 1, &b, err, errlen);
	if (rc == MD_TRK_NOTFOUND)
		return 0;	/* purged or deleted since: nobody to tell */
	if (rc < 0)
		return -1;
	rc = md_trk_system_note(st, b.id, b.project, note, err, errlen);
	md_trk_issue_free(&b);
	return rc < 0 ? -1 : 0;
}

int
md_outbox_end(struct md_store *st, const struct md_outbox_mail *m, const char *me,
    int bounce, const char *why, const char *note, char *err, size_t errlen)
{
	struct md_sqlp p;
	long changed;

	if (md_db_begin(st->db, err, errlen) < 0)
		return -1;
	if (note_issue(st, m, note, err, errlen) < 0)
		goto fail;
	md_sqlp_init(&p);
	md_sqlp_long(&p, m->id);
	md_sqlp_str(&p, me);
	md_sqlp_str(&p, bounce ? "failed" : "dropped");
	md_sqlp_str(&p, why != NULL ? why : "");
	changed = md_db_exec_count(st->db, "UPDATE outbox SET state = $3,"
	    " done_at = " NOW "::bigint, claimed_until = NULL, handover = NULL,"
	    " last_error = $4"
	    " WHERE id = $1 AND claimed_by = $2 AND state = 'queued'", &p, err, errlen);
	md_sqlp_free(&p);
	if (changed < 0)
		goto fail;
	if (changed == 0) {
		md_db_rollback(st->db);	/* not ours any more: no note either */
		return 0;
	}
	if (bounce && *m->rcpt != '\0') {
		md_sqlp_init(&p);
		md_sqlp_str(&p, m->rcpt);
		md_sqlp_str(&p, why != NULL ? why : "");
		if (md_db_exec(st->db, "INSERT INTO bounced (email, reason, created)"
		    " VALUES (lower($1), $2, " NOW "::bigint) ON CONFLICT (email)"
		    " DO UPDATE SET reason = EXCLUDED.reason, created = EXCLUDED.created",
		    &p, err, errlen) < 0) {
			md_sqlp_free(&p);
			goto fail;
		}
		md_sqlp_free(&p);
	}
	if (md_db_commit(st->db, err, errlen) < 0)
		return -1;
	return 1;
fail:
	md_db_rollback(st->db);
	return -1;
}

long
md_outbox_sweep(struct md_store *st, long keep_s, long limit, char *err,
    size_t errlen)
{
	struct md_sqlp p;
	long rc;

	md_sqlp_init(&p);
	md_sqlp_long(&p, keep_s);
	md_sqlp_long(&p, limit > 0 ? limit : 10000);
	rc = md_db_exec_count(st->db, "DELETE FROM outbox WHERE id IN (SELECT id"
	    " FROM outbox WHERE state IN ('sent', 'dropped')"
	    " AND done_at < " NOW " - $1 LIMIT $2)", &p, err, errlen);
	md_sqlp_free(&p);
	return rc;
}
