/*
 * inbox.c - maildesk-worker's record consumer (consumer group
 * MD_GROUP_WORKERS; the group protocol itself is lib/store/inbox_group.c).
 *
 * At-least-once: the records of one read are filed in one PostgreSQL
 * transaction (md_tracker_ingest_batch), and only after it committed are
 * the entries that succeeded acknowledged (XACK + XDEL, one round trip).
 * A crash in between leaves them pending; their replay finds them filed
 * (project + Message-ID) and comes back MD_INGEST_DUP, which is
 * acknowledged.  An entry that failed worker_max_failures deliveries goes
 * to <p>dead with the last error, so one poison record never blocks the
 * rest.  A database outage is not the records' fault: nothing is counted
 * against them, they stay pending and the worker waits for PostgreSQL.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "wk_inbox.h"
#include "inbox_group.h"
#include "log.h"
#include "queue.h"
#include "record.h"
#include "stream_names.h"
#include "tracker.h"
#include "wk_metrics.h"

#define CLAIM_EVERY_MS	5000	/* or worker_claim_idle_ms if shorter */
#define READ_COUNT	WK_INBOX_READ
/*
 * One entry per XAUTOCLAIM: a claim counts as a delivery, so a record that
 * crashes the worker would otherwise add a delivery to every entry claimed
 * with it on each crash, and its healthy neighbours would reach
 * worker_max_failures without ever being tried.  Claims follow crashes
 * and failures only, so the extra round trips are rare.
 */
#define CLAIM_COUNT	1

int
wk_inbox_init(struct wk_inbox *w, const struct md_config *cfg)
{
	char host[64];

	memset(w, 0, sizeof *w);
	w->cfg = cfg;
	if (gethostname(host, sizeof host) < 0)
		snprintf(host, sizeof host, "worker");
	host[sizeof host - 1] = '\0';
	snprintf(w->consumer, sizeof w->consumer, "%s-%ld", host, (long)getpid());
	snprintf(w->stream, sizeof w->stream, "%s" MD_STREAM_INBOX, cfg->redis_prefix);
	return 0;
}

void
wk_inbox_free(struct wk_inbox *w)
{
	if (w->st_open)
		md_store_close(&w->st);
	w->st_open = 0;
	w->r = NULL;
}

int
wk_inbox_open(struct wk_inbox *w, char *err, size_t errlen)
{
	if (w->st_open)
		return 0;
	if (md_store_open(&w->st, w->cfg, 1, err, errlen) < 0) {
		/* db.h: trouble talking to the server reads "postgres: ...";
		 * anything else is the schema check's verdict. */
		if (strncmp(err, "postgres:", 9) != 0 &&
		    strncmp(err, "out of memory", 13) != 0)
			return -2;
		return -1;
	}
	w->st_open = 1;
	w->r = w->st.redis;
	return 0;
}

/*
 * 1 when the last batch failed because PostgreSQL went away (the
 * connection is gone) rather than because of its records.
 */
static int
db_lost(struct wk_inbox *w)
{
	PGconn *c = md_db_conn(w->st.db);

	return c == NULL || PQstatus(c) != CONNECTION_OK;
}

/* PostgreSQL reachable (reconnecting if need be); logs an outage once. */
static int
db_up(struct wk_inbox *w)
{
	char err[512];

	if (md_db_connect(w->st.db, err, sizeof err) < 0) {
		md_log(w->db_down ? LOG_DEBUG : LOG_ERR, "%s; records wait in %s",
		    err, w->stream);
		w->db_down = 1;
		return 0;
	}
	if (w->db_down)
		md_log(LOG_INFO, "database reachable again");
	w->db_down = 0;
	return 1;
}

static int
ensure_group(struct wk_inbox *w)
{
	char err[512];

	if (w->group_ok)
		return 0;
	if (md_group_ensure(w->r, w->stream, err, sizeof err) < 0) {
		md_log(LOG_ERR, "%s", err);
		return -1;
	}
	w->group_ok = 1;
	return 0;
}

static void
bury(struct wk_inbox *w, const char *id, const char *why, long n)
{
	char err[512];

	if (md_queue_bury(w->r, id, why, n, err, sizeof err) < 0) {
		md_log(LOG_ERR, "%s: cannot move to dead letters: %s", id, err);
	} else {
		md_log(LOG_ERR, "%s: moved to %sdead after %ld deliveries: %s", id,
		    w->cfg->redis_prefix, n, why);
		wk_metrics_record("dead");
	}
}

/*
 * One line per filed entry: what it became, then the milter's queue id and
 * the Message-ID, so that one grep follows a customer's mail from the
 * milter's verdict line (same queue id) to its issue.
 */
static void
log_result(const char *id, const struct md_record *rec, const struct md_ingest *res)
{
	static const char *const results[] = {
		[MD_INGEST_CREATED] = "created", [MD_INGEST_DUP] = "duplicate",
		[MD_INGEST_NOTE] = "reply", [MD_INGEST_UNSUBSCRIBED] = "unsubscribed",
		[MD_INGEST_AUTOMATED] = "automated", [MD_INGEST_BOUNCE] = "bounce",
	};
	const char *qid = rec ? md_record_get(rec, MD_F_QUEUE_ID) : NULL;
	const char *msgid = rec ? md_record_get(rec, MD_F_MESSAGE_ID) : NULL;
	char what[160];

	switch (res->kind) {
	case MD_INGEST_CREATED:
		snprintf(what, sizeof what, "created %s#%ld%s", res->project, res->iid,
		    res->mailed ? ", confirmation queued" : ", no confirmation");
		break;
	case MD_INGEST_DUP:
		snprintf(what, sizeof what, "duplicate of %s#%ld, acknowledged",
		    res->project, res->iid);
		break;
	case MD_INGEST_NOTE:
		snprintf(what, sizeof what, "reply added to %s#%ld%s", res->project, res->iid,
		    res->mailed ? ", mail queued" : "");
		break;
	case MD_INGEST_UNSUBSCRIBED:
		snprintf(what, sizeof what, "unsubscribe for %s#%ld", res->project, res->iid);
		break;
	case MD_INGEST_AUTOMATED:
		snprintf(what, sizeof what, "automated mail kept, no issue");
		break;
	case MD_INGEST_BOUNCE:
		snprintf(what, sizeof what, "delivery report: a subscriber of %s#%ld bounced",
		    res->project, res->iid);
		break;
	default:
		snprintf(what, sizeof what, "filed");
		break;
	}
	md_log(LOG_INFO, "%s: %s queue_id=%s msgid=<%s>", id, what,
	    qid && *qid ? qid : "-", msgid ? msgid : "");
	if ((size_t)res->kind < sizeof results / sizeof results[0] && results[res->kind])
		wk_metrics_record(results[res->kind]);
}

/* A failed delivery: counted by XPENDING, buried after worker_max_failures. */
static void
failed(struct wk_inbox *w, const char *id, const char *err)
{
	long n = md_group_deliveries(w->r, w->stream, id);

	md_log(LOG_WARNING, "%s: delivery %ld failed: %s", id, n, err);
	if (n >= w->cfg->worker_max_failures)
		bury(w, id, err, n);
}

/* The outcome of one filed entry: logged, or counted as a failed delivery. */
static void
report(struct wk_inbox *w, const struct md_ingest_item *it)
{
	if (it->rc == 0) {
		log_result(it->entry_id, it->rec, &it->out);
	} else {
		wk_metrics_record("failed");
		failed(w, it->entry_id, it->err);
	}
}

/*
 * The record of one [id, fields] entry: 1 parsed into rec (*id set), 0
 * nothing to do (malformed, or deleted while pending and now acknowledged),
 * -1 failed (reported).
 */
static int
parse_entry(struct wk_inbox *w, const redisReply *e, const char **id,
    struct md_record *rec)
{
	const redisReply *f;
	const char **items;
	size_t *lens, k;
	int rc;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
	    e->element[0]->type != REDIS_REPLY_STRING)
		return 0;
	*id = e->element[0]->str;
	f = e->element[1];
	if (f->type != REDIS_REPLY_ARRAY) {
		/* Deleted while pending (trimmed by hand): nothing to do. */
		md_group_ack_gone(w->r, w->stream, *id);
		return 0;
	}
	items = calloc(f->elements + 1, sizeof *items);
	lens = calloc(f->elements + 1, sizeof *lens);
	for (k = 0; items != NULL && lens != NULL && k < f->elements; k++) {
		items[k] = f->element[k]->str != NULL ? f->element[k]->str : "";
		lens[k] = f->element[k]->len;
	}
	rc = items != NULL && lens != NULL &&
	    md_record_from_pairs(rec, f->elements, items, lens) == 0 ? 1 : -1;
	free(items);
	free(lens);
	if (rc < 0)
		failed(w, *id, "out of memory");
	return rc;
}

/* Files n items as one transaction (again); returns how many succeeded. */
static size_t
ingest(struct wk_inbox *w, struct md_ingest_item *it, size_t n)
{
	size_t k, nok = 0;

	for (k = 0; k < n; k++) {
		it[k].rc = 0;
		it[k].err[0] = '\0';
		memset(&it[k].out, 0, sizeof it[k].out);
	}
	md_tracker_ingest_batch(&w->st, w->cfg, it, n);
	for (k = 0; k < n; k++)
		nok += it[k].rc == 0;
	return nok;
}

/*
 * Files n parsed entries as one transaction, then acknowledges those
 * whose result is committed and counts the others' failures.  0, or -1
 * when PostgreSQL went away (nothing counted: all stay pending and this
 * consumer re-reads its own pending entries once it is back) or the
 * acknowledgement failed (their replay is acknowledged as a duplicate).
 */
static int
file_batch(struct wk_inbox *w, struct md_ingest_item *it, size_t n)
{
	const char **ids;
	char err[512];
	size_t k, nok;
	int rc = 0;

	if (n == 0)
		return 0;
	nok = ingest(w, it, n);
	/*
	 * The connection had died while idle (PostgreSQL restarted) and a
	 * new one works: once more.  Had the commit gone through, the
	 * records come back as duplicates.
	 */
	if (nok < n && db_lost(w) && md_db_connect(w->st.db, err, sizeof err) == 0)
		nok = ingest(w, it, n);
	/*
	 * Every record failed: perhaps the commit did (a deferred constraint
	 * of one record fails them all).  Filed one by one, only the record
	 * at fault counts a failure.
	 */
	if (nok == 0 && n > 1 && !db_lost(w))
		for (k = 0; k < n; k++)
			nok += ingest(w, &it[k], 1);
	if (nok < n && db_lost(w)) {
		md_log(LOG_ERR, "database lost while filing %zu records (%s); they "
		    "stay pending", n, it[n - 1].err);
		w->db_down = 1;
		w->own_done = 0;
		return -1;
	}
	if (nok > 0) {
		if ((ids = calloc(nok, sizeof *ids)) == NULL) {
			md_log(LOG_ERR, "out of memory acknowledging %zu entries", nok);
			return -1;
		}
		for (k = 0, nok = 0; k < n; k++)
			if (it[k].rc == 0)
				ids[nok++] = it[k].entry_id;
		if (md_queue_ack(w->r, ids, nok, err, sizeof err) < 0) {
			md_log(LOG_ERR, "acknowledging %zu filed entries: %s (their "
			    "replay will be recognised)", nok, err);
			rc = -1;
		}
		free(ids);
	}
	for (k = 0; k < n; k++)
		report(w, &it[k]);
	return rc;
}

/* One entry that XAUTOCLAIM handed over (it failed or its worker died). */
static int
process_claimed(struct wk_inbox *w, const redisReply *e)
{
	struct md_ingest_item it;
	struct md_record rec;
	long n;
	int rc = 0;

	md_record_init(&rec);
	memset(&it, 0, sizeof it);
	if (e->type == REDIS_REPLY_ARRAY && e->elements == 2 &&
	    e->element[0]->type == REDIS_REPLY_STRING && e->element[1]->type ==
	    REDIS_REPLY_ARRAY && (n = md_group_deliveries(w->r, w->stream,
	    e->element[0]->str)) > w->cfg->worker_max_failures) {
		bury(w, e->element[0]->str, "gave up: delivered too often without "
		    "success (did a worker crash on it?)", n);
	} else if (parse_entry(w, e, &it.entry_id, &rec) == 1) {
		it.rec = &rec;
		rc = file_batch(w, &it, 1);
	}
	md_record_free(&rec);
	return rc;
}

/*
 * Entries of an XREADGROUP reply [[stream, [entries]]], filed as one batch
 * (one transaction); returns the count, or -1 as file_batch.
 */
static int
process_read(struct wk_inbox *w, const redisReply *rep)
{
	const redisReply *entries;
	struct md_ingest_item *it;
	struct md_record *recs;
	size_t k, n = 0;
	int rc;

	if ((entries = md_group_read_entries(rep)) == NULL)
		return 0;
	it = calloc(entries->elements, sizeof *it);
	recs = calloc(entries->elements, sizeof *recs);
	if (it == NULL || recs == NULL) {
		free(it);
		free(recs);
		md_log(LOG_ERR, "out of memory for %zu entries", entries->elements);
		return 0;	/* pending: claimed again later */
	}
	for (k = 0; k < entries->elements; k++) {
		md_record_init(&recs[n]);
		if (parse_entry(w, entries->element[k], &it[n].entry_id, &recs[n]) == 1) {
			it[n].rec = &recs[n];
			n++;
		} else {
			md_record_free(&recs[n]);
		}
	}
	rc = file_batch(w, it, n);
	for (k = 0; k < n; k++)
		md_record_free(&recs[k]);
	free(it);
	free(recs);
	return rc < 0 ? -1 : (int)entries->elements;
}

/* XAUTOCLAIM rounds over the whole PEL; returns entries handled or -1. */
static int
claim(struct wk_inbox *w, volatile sig_atomic_t *stop)
{
	char cursor[64] = "0-0";
	const redisReply *entries;
	redisReply *rep;
	size_t k;
	int total = 0, nogroup = 0;

	do {
		rep = md_group_autoclaim(w->r, w->stream, w->consumer,
		    w->cfg->worker_claim_idle_ms, cursor, sizeof cursor, CLAIM_COUNT, &entries, &nogroup);
		if (rep == NULL) {
			if (nogroup)
				w->group_ok = 0;
			return -1;
		}
		for (k = 0; k < entries->elements && !*stop; k++) {
			if (total == 0)
				md_log(LOG_NOTICE, "claiming entries idle for %d ms",
				    w->cfg->worker_claim_idle_ms);
			if (process_claimed(w, entries->element[k]) < 0) {
				freeReplyObject(rep);
				return -1;
			}
			total++;
		}
		freeReplyObject(rep);
	} while (strcmp(cursor, "0-0") != 0 && !*stop);
	return total;
}

int
wk_inbox_step(struct wk_inbox *w, volatile sig_atomic_t *stop)
{
	redisReply *rep;
	long long now = md_now_ms();
	int n, nogroup = 0, every = w->cfg->worker_claim_idle_ms < CLAIM_EVERY_MS ?
	    w->cfg->worker_claim_idle_ms : CLAIM_EVERY_MS;
	char err[512];

	if (!w->st_open) {
		n = wk_inbox_open(w, err, sizeof err);
		if (n == -2) {
			md_log(LOG_CRIT, "%s", err);
			w->fatal = 1;
		}
		if (n < 0) {
			if (n == -1)
				md_log(w->db_down ? LOG_DEBUG : LOG_ERR, "%s; records "
				    "wait in %s", err, w->stream);
			w->db_down = 1;
			return -1;
		}
	}
	/* Without PostgreSQL nothing is read: deliveries would only count up. */
	if (!db_up(w) || ensure_group(w) < 0)
		return -1;
	if (now - w->last_claim >= every) {
		w->last_claim = now;
		if ((n = claim(w, stop)) != 0)
			return n;
	}
	/* First our own history (a crash of this very consumer), then new entries. */
	rep = md_group_read(w->r, w->stream, w->consumer, !w->own_done, READ_COUNT,
	    w->cfg->worker_block_ms, &nogroup);
	if (rep == NULL) {
		if (nogroup)
			w->group_ok = 0;
		md_log(LOG_ERR, "reading %s: %s", w->stream, md_redis_errstr(w->r));
		return -1;
	}
	/* What failed there is retried through XAUTOCLAIM (process_read
	 * clears own_done again when the database went away meanwhile). */
	w->own_done = 1;
	n = rep->type == REDIS_REPLY_NIL ? 0 : process_read(w, rep);
	freeReplyObject(rep);
	return n;
}

void
wk_inbox_leave(struct wk_inbox *w)
{
	if (w->r != NULL)
		md_group_leave(w->r, w->stream, w->consumer);
}
