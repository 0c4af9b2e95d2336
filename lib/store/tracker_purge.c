/*
 * tracker_purge.c - retention (raw messages and attachment bytes of issues
 * closed long ago) and the erasure of one customer's personal data.
 *
 * Retention keeps the rows (sizes, file names, the notes' text) and drops
 * the bytes, which are what fills the disk.  A purge keeps the issues and
 * the responders' notes, so the desk's history and numbering stay whole,
 * and removes everything that came from or names the customer.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "address.h"
#include "tracker.h"
#include "tracker_int.h"
#include "view.h"

/* ---- retention ------------------------------------------------------------ */

/*
 * One statement, so one short transaction per batch: the due issues are
 * locked (SKIP LOCKED: an issue a responder is changing right now waits
 * for the next run) and their bytes dropped.  Issues whose bytes are gone
 * already are passed over by the EXISTS tests, so a batch always makes
 * progress.
 */
int
md_tracker_retention(struct md_store *st, long now, long limit, long *raws,
    long *atts, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;

	*raws = *atts = 0;
	md_sqlp_init(&p);
	md_sqlp_long(&p, now);
	md_sqlp_long(&p, limit > 0 ? limit : 500);
	res = md_db_query(st->db,
	    "WITH due AS (SELECT i.id FROM issues i JOIN projects pr ON pr.name = i.project "
	    "WHERE pr.retention_days IS NOT NULL AND i.state = 'closed' "
	    "AND i.closed_at < $1::bigint - pr.retention_days::bigint * 86400 "
	    "AND (EXISTS (SELECT 1 FROM raw_messages r WHERE r.issue_id = i.id "
	    "AND r.data IS NOT NULL) OR EXISTS (SELECT 1 FROM attachments a "
	    "WHERE a.issue_id = i.id AND a.data IS NOT NULL)) "
	    "ORDER BY i.closed_at LIMIT $2 FOR UPDATE OF i SKIP LOCKED), "
	    "r AS (UPDATE raw_messages SET data = NULL WHERE issue_id IN (SELECT id FROM due) "
	    "AND data IS NOT NULL RETURNING 1), "
	    "a AS (UPDATE attachments SET data = NULL WHERE issue_id IN (SELECT id FROM due) "
	    "AND data IS NOT NULL RETURNING 1) "
	    "SELECT (SELECT count(*) FROM r), (SELECT count(*) FROM a)", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	*raws = (long)md_db_ll(res, 0, 0);
	*atts = (long)md_db_ll(res, 0, 1);
	PQclear(res);
	return 0;
}

/* ---- erasure ---------------------------------------------------------------- */

/* The view keys a purge deletes after its commit. */
struct purged_keys {
	PGresult		*res;	/* rkey, ukey, project, iid, email */
	struct md_view_key	*k;
	size_t			 n;
};

/* Runs one statement of the purge; the count of rows it changed, or -1. */
static long
step(struct md_store *st, const char *sql, int nparam, const char *addr,
    const char *purged, long audit, char *err, size_t errlen)
{
	struct md_sqlp p;
	long n;

	md_sqlp_init(&p);
	md_sqlp_str(&p, addr);
	if (nparam > 1)
		md_sqlp_str(&p, purged);
	if (nparam > 2)
		md_sqlp_long(&p, audit);
	n = md_db_exec_count(st->db, sql, &p, err, errlen);
	md_sqlp_free(&p);
	return n;
}

/*
 * The statements of a purge, in order; $1 is the address (lower case), $2
 * its replacement, $3 the audit_log id.  Their issues and the
 * notes they wrote are locked first, as every writer of an issue does.
 * "Theirs": issues whose customer they are, notes they wrote anywhere
 * (also as a Cc participant of someone else's issue).
 */
#define THEIR_ISSUES	"(SELECT id FROM issues WHERE customer_email = $1)"
#define THEIR_NOTES	"(SELECT id FROM notes WHERE author_email = $1)"
static const struct {
	const char	*sql;
	int		 nparam;	/* it uses $1 .. $nparam */
	int		 stat;		/* counted as 1 attachments, 2 raws */
} purge_steps[] = {
	/* Attachments of their issues and of their notes. */
	{ "UPDATE attachments SET data = NULL, filename = '[purged]' "
	  "WHERE (issue_id IN " THEIR_ISSUES " OR note_id IN " THEIR_NOTES ") "
	  "AND (data IS NOT NULL OR filename <> '[purged]')", 1, 1 },
	/* The messages as received: of their issues and of their notes. */
	{ "UPDATE raw_messages SET data = NULL WHERE (issue_id IN " THEIR_ISSUES
	  " OR id IN (SELECT raw_id FROM notes WHERE author_email = $1)) "
	  "AND data IS NOT NULL", 1, 2 },
	{ "UPDATE notes SET text = '[purged]', full_text = '', author = 'purged', "
	  "author_email = $2 WHERE author_email = $1", 2, 0 },
	/* A system note may name the address ("x@y unsubscribed"). */
	{ "UPDATE notes SET text = replace(text, $1, $2) "
	  "WHERE kind = 'system' AND issue_id IN (SELECT issue_id FROM participants "
	  "WHERE email = $1) AND strpos(text, $1) > 0", 2, 0 },
	{ "UPDATE participants SET email = $2, subscribed = false, chain = '', "
	  "reply_key = 'purged:' || $3 || ':' || issue_id || ':r', "
	  "unsub_key = 'purged:' || $3 || ':' || issue_id || ':u' WHERE email = $1", 3, 0 },
	{ "DELETE FROM bounced WHERE email = $1", 1, 0 },
	{ "DELETE FROM unsubscribed WHERE email = $1", 1, 0 },
	{ "DELETE FROM automail WHERE email = $1", 1, 0 },
	{ "DELETE FROM automated WHERE (lower(mail_from) = $1 "
	  "OR strpos(lower(from_hdr), $1) > 0)", 1, 0 },
	/* Mail to them: what is queued is not sent; copies of what was sent go. */
	{ "UPDATE outbox SET state = CASE WHEN state = 'queued' THEN 'dropped' "
	  "ELSE state END, data = ''::bytea, rcpt = $2, "
	  "last_error = CASE WHEN state = 'queued' THEN 'recipient purged' "
	  "ELSE last_error END WHERE lower(rcpt) = $1", 2, 0 },
	/* Last: the other steps find the issues by this address. */
	{ "UPDATE issues SET title = '[purged]', description = '', customer_email = $2, "
	  "customer_name = '', received = '', search = issue_search_doc('[purged]', '') "
	  "WHERE customer_email = $1", 2, 0 },
};

/* Their keys, before the rows change, for the view after the commit. */
static int
collect_keys(struct md_store *st, const char *addr, struct purged_keys *pk,
    char *err, size_t errlen)
{
	struct md_sqlp p;
	int k;

	memset(pk, 0, sizeof *pk);
	md_sqlp_init(&p);
	md_sqlp_str(&p, addr);
	pk->res = md_db_query(st->db, "SELECT p.reply_key, p.unsub_key, i.project, i.iid, "
	    "p.email FROM participants p JOIN issues i ON i.id = p.issue_id "
	    "WHERE p.email = $1 ORDER BY i.id FOR UPDATE OF p, i", &p, err, errlen);
	md_sqlp_free(&p);
	if (pk->res == NULL)
		return -1;
	if (PQntuples(pk->res) > 0 &&
	    (pk->k = calloc((size_t)PQntuples(pk->res), sizeof *pk->k)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (k = 0; k < PQntuples(pk->res); k++) {
		struct md_view_key *v = &pk->k[pk->n];

		/* A key the view cannot hold is not in it (and would stop the
		 * others being deleted). */
		if (!md_key_valid(md_db_val(pk->res, k, 0)) ||
		    !md_key_valid(md_db_val(pk->res, k, 1)))
			continue;
		pk->n++;
		v->rkey = md_db_val(pk->res, k, 0);
		v->ukey = md_db_val(pk->res, k, 1);
		v->project = md_db_val(pk->res, k, 2);
		v->iid = (long)md_db_ll(pk->res, k, 3);
		v->email = md_db_val(pk->res, k, 4);
	}
	return 0;
}

static void
keys_free(struct purged_keys *pk)
{
	free(pk->k);
	if (pk->res != NULL)
		PQclear(pk->res);
	memset(pk, 0, sizeof *pk);
}

/* Their issues and notes, counted and locked. */
static int
lock_theirs(struct md_store *st, const char *addr, struct md_purge_stats *out,
    char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;

	md_sqlp_init(&p);
	md_sqlp_str(&p, addr);
	res = md_db_query(st->db, "WITH i AS (SELECT id FROM issues WHERE customer_email = $1 "
	    "ORDER BY id FOR UPDATE), n AS (SELECT id FROM notes WHERE author_email = $1 "
	    "ORDER BY id FOR UPDATE) SELECT (SELECT count(*) FROM i), (SELECT count(*) FROM n)",
	    &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	out->issues = (long)md_db_ll(res, 0, 0);
	out->notes = (long)md_db_ll(res, 0, 1);
	PQclear(res);
	return 0;
}

/* The audit line, first (its id names the replacement address). */
static long
audit_open(struct md_store *st, const char *actor, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	long id;

	md_sqlp_init(&p);
	md_sqlp_long(&p, (long long)time(NULL));
	md_sqlp_str(&p, actor != NULL && *actor != '\0' ? actor : "maildesk");
	res = md_db_query(st->db, "INSERT INTO audit_log (at, actor, action) "
	    "VALUES ($1, $2, 'customer purge') RETURNING id", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	id = (long)md_db_ll(res, 0, 0);
	PQclear(res);
	return id;
}

static int
audit_close(struct md_store *st, long id, const struct md_purge_stats *s,
    char *err, size_t errlen)
{
	struct md_sqlp p;
	char detail[160];
	int rc;

	snprintf(detail, sizeof detail, "issues=%ld notes=%ld attachments=%ld raws=%ld",
	    s->issues, s->notes, s->attachments, s->raws);
	md_sqlp_init(&p);
	md_sqlp_str(&p, detail);
	md_sqlp_long(&p, id);
	rc = md_db_exec(st->db, "UPDATE audit_log SET detail = $1 WHERE id = $2", &p,
	    err, errlen);
	md_sqlp_free(&p);
	return rc;
}

int
md_tracker_purge_customer(struct md_store *st, const char *addr,
    const char *actor, struct md_purge_stats *out, char *err, size_t errlen)
{
	char low[MD_ADDR_MAX + 1], purged[64], e[256];
	struct purged_keys pk;
	size_t k;
	long audit, n;

	memset(out, 0, sizeof *out);
	memset(&pk, 0, sizeof pk);
	if (addr == NULL || *addr == '\0' || strlen(addr) > MD_ADDR_MAX ||
	    strchr(addr, '@') == NULL) {
		snprintf(err, errlen, "bad address");
		return -1;
	}
	for (k = 0; addr[k] != '\0'; k++)
		low[k] = (char)tolower((unsigned char)addr[k]);
	low[k] = '\0';
	if (md_db_begin(st->db, err, errlen) < 0)
		return -1;
	if ((audit = audit_open(st, actor, err, errlen)) < 0 ||
	    lock_theirs(st, low, out, err, errlen) < 0 ||
	    collect_keys(st, low, &pk, err, errlen) < 0)
		goto fail;
	snprintf(purged, sizeof purged, "purged-%ld@invalid", audit);
	for (k = 0; k < sizeof purge_steps / sizeof purge_steps[0]; k++) {
		if ((n = step(st, purge_steps[k].sql, purge_steps[k].nparam, low, purged, audit, err, errlen)) < 0)
			goto fail;
		if (purge_steps[k].stat == 1)
			out->attachments = n;
		else if (purge_steps[k].stat == 2)
			out->raws = n;
	}
	if (audit_close(st, audit, out, err, errlen) < 0 ||
	    md_db_commit(st->db, err, errlen) < 0)
		goto fail;
	/*
	 * After the commit (view.h): a crash before this leaves keys in the
	 * view that name no subscriber any more; the worker finds no row for
	 * them, and `maildesk view rebuild` removes them.
	 */
	if (pk.n > 0 && md_view_keys_del(st->redis, pk.k, pk.n, e, sizeof e) < 0) {
		snprintf(err, errlen, "purged, but the keys could not be removed from "
		    "the Redis view (run maildesk view rebuild): %s", e);
		keys_free(&pk);
		return -1;
	}
	keys_free(&pk);
	return 0;
fail:
	md_db_rollback(st->db);
	keys_free(&pk);
	memset(out, 0, sizeof *out);
	return -1;
}
