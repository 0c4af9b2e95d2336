/*
 * tracker_ingest.c - one inbox read becomes issues, notes and archive rows.
 *
 * md_tracker_ingest_batch files the records of one inbox read in one
 * PostgreSQL transaction (one commit, so one WAL flush, for the read),
 * each record under a savepoint: a record that fails is rolled back to its
 * savepoint and the others go on.  Records are sorted by kind here:
 * unsubscribe requests and automated mail (tracker_auto.c), replies through
 * a reply key, and new requests, which may still answer an existing issue
 * (tracker_reply.c finds it) and are then filed as a note; new requests
 * proper are tracker_newreq.c's.
 *
 * Before the first record the read takes every issue and project row lock
 * its records will need, in the one order (tracker_lock.c): two workers
 * filing replies and new requests in opposite order would otherwise wait
 * for each other until the deadlock detector fails one record.
 *
 * Keys made for new subscribers go into the milter's view in one pipelined
 * call just before the commit (a key in the view whose commit then fails
 * is harmless: the worker looks keys up in PostgreSQL).  The inbox stream
 * is not touched: the worker acknowledges after the commit, and a replay
 * finds the record in filed_messages.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "notify.h"
#include "notify_keys.h"
#include "responder_reply.h"
#include "tracker.h"
#include "tracker_int.h"

/* ---- one record -------------------------------------------------------------- */

static int
ingest_one(struct md_trk_rec *r)
{
	const char *kind = md_record_get(r->rec, MD_F_KIND);
	const char *project = md_record_get(r->rec, MD_F_PROJECT);
	const char *key = md_record_get(r->rec, MD_F_KEY);
	char kproj[MD_PROJECT_MAX + 1], email[MD_ADDR_MAX + 1];
	struct md_rkey rk;
	long iid, issue_id;
	int rc;

	if (strcmp(kind, "automated") == 0)
		return md_trk_automated(r);
	if (strcmp(kind, "reply") == 0 || strcmp(kind, "unsubscribe") == 0) {
		if (!md_key_valid(key)) {
			snprintf(r->err, r->errlen, "bad record: %s without a valid key", kind);
			return -1;
		}
		if (*kind == 'u')
			return md_trk_unsubscribe(r);
		if ((rc = md_trk_key_issue(r->st, key, 0, kproj, &iid, &issue_id, email,
		    r->err, r->errlen)) < 0)
			return -1;
		if (rc == 1)
			return md_trk_answer(r, kproj, iid, email);
		/* Not a subscriber's: a responder's answer address (notify.h)? */
		if ((rc = md_rkey_lookup(r->st, key, &rk, r->err, r->errlen)) < 0)
			return -1;
		if (rc == 0) {
			snprintf(r->err, r->errlen, "unknown reply key %s", key);
			return -1;
		}
		return md_trk_responder_answer(r, &rk);
	}
	if (strcmp(kind, "new") != 0) {
		snprintf(r->err, r->errlen, "bad record: kind \"%.32s\"", kind);
		return -1;
	}
	if (!md_project_name_valid(project)) {
		snprintf(r->err, r->errlen, "bad record: project \"%.64s\"", project);
		return -1;
	}
	snprintf(r->out->project, sizeof r->out->project, "%s", project);
	if (md_trk_may_thread(r->rec)) {
		if ((rc = md_trk_find_thread(r, &iid)) < 0)
			return -1;
		if (rc == 1)
			return md_trk_answer(r, project, iid, "");
	}
	return md_trk_new_request(r, project, 0);
}

/* 1 if the connection's transaction is still usable. */
static int
tx_ok(struct md_store *st)
{
	PGconn *c = md_db_conn(st->db);

	return c != NULL && PQstatus(c) == CONNECTION_OK &&
	    PQtransactionStatus(c) == PQTRANS_INTRANS;
}

static void
fail_all(struct md_ingest_item *items, size_t n, const char *why)
{
	size_t i;

	for (i = 0; i < n; i++) {
		items[i].rc = -1;
		snprintf(items[i].err, sizeof items[i].err, "%s", why);
	}
}

void
md_tracker_ingest_batch(struct md_store *st, const struct md_config *cfg,
    struct md_ingest_item *items, size_t n)
{
	struct md_trk_keys keys = { NULL, 0, 0 };
	unsigned prepared = 0;
	char err[512];
	size_t i, mark;
	long now = (long)time(NULL);

	for (i = 0; i < n; i++) {
		memset(&items[i].out, 0, sizeof items[i].out);
		items[i].err[0] = '\0';
		items[i].rc = -1;
	}
	if (n == 0)
		return;
	if (md_db_begin(st->db, err, sizeof err) < 0 ||
	    md_trk_prepared_load(st, &prepared, err, sizeof err) < 0 ||
	    md_trk_lock_batch(st, items, n, err, sizeof err) < 0) {
		md_db_rollback(st->db);
		fail_all(items, n, err);
		return;
	}
	for (i = 0; i < n; i++) {
		struct md_trk_rec r = {
			.st = st, .cfg = cfg,
			.entry = items[i].entry_id != NULL ? items[i].entry_id : "",
			.rec = items[i].rec, .now = now, .keys = &keys,
			.prepared = &prepared,
			.out = &items[i].out, .err = items[i].err,
			.errlen = sizeof items[i].err,
		};

		if (md_db_exec(st->db, i == 0 ? "SAVEPOINT rec" :
		    "RELEASE SAVEPOINT rec; SAVEPOINT rec", NULL, err, sizeof err) < 0) {
			md_db_rollback(st->db);
			fail_all(items, n, err);
			goto out;
		}
		mark = keys.n;
		items[i].rc = ingest_one(&r);
		if (items[i].rc == 0)
			continue;
		items[i].rc = -1;
		memset(&items[i].out, 0, sizeof items[i].out);
		if (items[i].err[0] == '\0')
			snprintf(items[i].err, sizeof items[i].err, "failed");
		md_trk_keys_truncate(&keys, mark);
		if (md_db_exec(st->db, "ROLLBACK TO SAVEPOINT rec", NULL, err,
		    sizeof err) < 0) {
			/* The connection went away: the whole read is lost. */
			md_db_rollback(st->db);
			fail_all(items, n, items[i].err);
			goto out;
		}
	}
	/* Keys become valid in the view before the commit that makes them
	 * valid (store.h); a failed commit leaves harmless extra keys. */
	if (!tx_ok(st)) {
		md_db_rollback(st->db);
		fail_all(items, n, "postgres: the transaction was lost");
	} else if (md_trk_keys_put(st, &keys, err, sizeof err) < 0) {
		md_db_rollback(st->db);
		fail_all(items, n, err);
	} else if (md_db_commit(st->db, err, sizeof err) < 0) {
		fail_all(items, n, err);
	}
out:
	md_trk_keys_truncate(&keys, 0);
	free(keys.v);
}

int
md_tracker_ingest(struct md_store *st, const struct md_config *cfg,
    const char *entry_id, const struct md_record *rec, struct md_ingest *out,
    char *err, size_t errlen)
{
	struct md_ingest_item it;

	memset(&it, 0, sizeof it);
	it.entry_id = entry_id;
	it.rec = rec;
	md_tracker_ingest_batch(st, cfg, &it, 1);
	*out = it.out;
	if (it.rc < 0)
		snprintf(err, errlen, "%s", it.err);
	return it.rc;
}
