/*
 * tracker_ingest.c - one inbox record becomes an issue, a note or an archive entry.
 *
 * md_tracker_ingest sorts a record by kind: unsubscribe requests, replies
 * through a reply key, automated mail, and new requests, which may still
 * answer an existing issue (tracker_reply.c finds it) and are then filed as
 * a note.  New requests proper are tracker_newreq.c's.
 * md_tracker_ingest_batch does the same for one inbox read, handing runs
 * of independent new requests to tracker_newreq.c in one batch.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mime.h"
#include "tracker.h"
#include "tracker_int.h"

int
md_trk_has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, tok, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
		p = strchr(p, ',');
	}
	return 0;
}

void
md_trk_sender(const struct md_record *rec, char *out, size_t outlen)
{
	const char *a = md_record_get(rec, MD_F_FROM_ADDR);
	size_t i;

	if (*a == '\0')
		a = md_record_get(rec, MD_F_MAIL_FROM);
	/* Cut, an address would name another mailbox (even another domain). */
	snprintf(out, outlen, "%s", strlen(a) < outlen ? a : "");
	for (i = 0; out[i] != '\0'; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

static int
name_ok(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("._-", s[i]) == NULL)
			return 0;
	return 1;
}

/*
 * Attachments of the raw message as counted 5-tuples.  Parsed only when the
 * milter counted some, so plain mails cost no second MIME parse.
 */
int
md_trk_add_atts(struct md_args *a, const struct md_config *cfg,
    const struct md_record *rec)
{
	struct md_mime m;
	size_t i;
	int slot = md_args_slot(a);

	if (atoi(md_record_get(rec, MD_F_ATTACHMENTS)) <= 0 ||
	    md_record_len(rec, MD_F_RAW) == 0)
		return 0;
	if (md_mime_parse(md_record_get(rec, MD_F_RAW), md_record_len(rec, MD_F_RAW),
	    1, cfg->attachment_max_size, &m) < 0)
		return -1;
	for (i = 0; i < m.nattachments; i++) {
		const struct md_attachment *t = &m.attachments[i];

		md_args_add(a, t->filename);
		md_args_add(a, t->content_type);
		md_args_addf(a, "%zu", t->size);
		md_args_add(a, t->data != NULL ? "1" : "0");
		md_args_addn(a, t->data != NULL ? t->data : "", t->data != NULL ? t->size : 0);
	}
	md_args_setf(a, slot, "%zu", m.nattachments * 5);
	md_mime_free(&m);
	return 0;
}

void
md_trk_add_field(struct md_args *a, const char *name, const struct md_record *rec,
    enum md_field f)
{
	md_args_add(a, name);
	md_args_addn(a, md_record_get(rec, f), md_record_len(rec, f));
}

int
md_trk_ingest_unsub(struct md_redis *r, const struct md_config *cfg, const char *entry,
    const struct md_record *rec, struct md_ingest *out, char *err, size_t errlen)
{
	struct md_args a;
	redisReply *rep;
	int rc = -1;

	md_args_init(&a);
	md_args_add(&a, cfg->redis_prefix);
	md_args_add(&a, "unsubscribe");
	md_args_add(&a, md_record_get(rec, MD_F_KEY));
	md_args_add(&a, entry);
	md_args_add(&a, md_record_get(rec, MD_F_MESSAGE_ID));
	md_args_addf(&a, "%ld", (long)time(NULL));
	md_args_add(&a, "0");	/* no note fields */
	md_args_add(&a, "0");	/* no attachments */
	if (a.err) {
		snprintf(err, errlen, "out of memory");
		md_args_free(&a);
		return -1;
	}
	rep = md_redis_eval(r, &md_trk_reply_script, 0, a.n, a.v, a.len);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements != 3 ||
	    rep->element[1]->type != REDIS_REPLY_STRING) {
		md_trk_redis_err(r, rep, err, errlen);
	} else {
		out->kind = MD_INGEST_UNSUBSCRIBED;
		snprintf(out->project, sizeof out->project, "%s", rep->element[1]->str);
		out->iid = (long)md_reply_int(rep->element[2], 0);
		rc = 0;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	md_args_free(&a);
	return rc;
}

/* The issue a reply key names: project, iid and the subscriber's address. */
static int
key_issue(struct md_redis *r, const char *key, char *project, long *iid,
    char *email, char *err, size_t errlen)
{
	md_buf k = MD_BUF_INIT;
	redisReply *rep;
	int rc = -1;

	rep = md_redis_cmd(r, "HMGET %s project iid email", md_key(r, &k, "rkey:%s", key));
	md_buf_free(&k);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements != 3) {
		md_trk_redis_err(r, rep, err, errlen);
	} else if (rep->element[0]->type != REDIS_REPLY_STRING ||
	    rep->element[1]->type != REDIS_REPLY_STRING ||
	    !name_ok(rep->element[0]->str, MD_PROJECT_MAX)) {
		snprintf(err, errlen, "redis: NOKEY unknown reply key %s", key);
	} else {
		snprintf(project, MD_PROJECT_MAX + 1, "%s", rep->element[0]->str);
		*iid = strtol(rep->element[1]->str, NULL, 10);
		snprintf(email, MD_ADDR_MAX + 1, "%s", rep->element[2]->str != NULL ?
		    rep->element[2]->str : "");
		rc = 0;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

int
md_tracker_ingest(struct md_redis *r, const struct md_config *cfg,
    const char *entry_id, const struct md_record *rec, struct md_ingest *out,
    char *err, size_t errlen)
{
	const char *kind = md_record_get(rec, MD_F_KIND);
	const char *project = md_record_get(rec, MD_F_PROJECT);
	const char *key = md_record_get(rec, MD_F_KEY);
	char kproj[MD_PROJECT_MAX + 1], email[MD_ADDR_MAX + 1];
	long iid;
	int rc;

	memset(out, 0, sizeof *out);
	if (entry_id == NULL)
		entry_id = "";
	if (strcmp(kind, "automated") == 0)
		return md_trk_ingest_automated(r, cfg, entry_id, rec, out, err, errlen);
	if (strcmp(kind, "reply") == 0 || strcmp(kind, "unsubscribe") == 0) {
		if (!name_ok(key, MD_KEY_LEN)) {
			snprintf(err, errlen, "bad record: %s without a valid key", kind);
			return -1;
		}
		if (*kind == 'u')
			return md_trk_ingest_unsub(r, cfg, entry_id, rec, out, err, errlen);
		if (key_issue(r, key, kproj, &iid, email, err, errlen) < 0)
			return -1;
		return md_trk_ingest_answer(r, cfg, entry_id, rec, kproj, iid, email,
		    out, err, errlen);
	}
	if (strcmp(kind, "new") != 0) {
		snprintf(err, errlen, "bad record: kind \"%.32s\"", kind);
		return -1;
	}
	if (!name_ok(project, MD_PROJECT_MAX)) {
		snprintf(err, errlen, "bad record: project \"%.64s\"", project);
		return -1;
	}
	snprintf(out->project, sizeof out->project, "%s", project);
	if ((rc = md_trk_find_thread(r, rec, &iid, err, errlen)) < 0)
		return -1;
	if (rc == 1)
		return md_trk_ingest_answer(r, cfg, entry_id, rec, project, iid, "",
		    out, err, errlen);
	return md_trk_ingest_new(r, cfg, entry_id, rec, 0, out, err, errlen);
}

/*
 * Whether rec can join a batch of new requests: a new request of a valid
 * project that answers no issue (finding out needs no Redis), with a
 * Message-ID that no request in the batch has (the second copy is then
 * filed after the first and comes out a duplicate, as one by one, without
 * taking an issue number).
 */
static int
batchable(const struct md_ingest_item *it, const struct md_ingest_item *batch,
    size_t n)
{
	const struct md_record *rec = it->rec;
	const char *project = md_record_get(rec, MD_F_PROJECT);
	const char *mid = md_record_get(rec, MD_F_MESSAGE_ID);
	size_t i;

	/* Without a Message-ID the key is the SHA-1 of the raw text, which
	 * only Redis computes: such records are filed alone. */
	if (strcmp(md_record_get(rec, MD_F_KIND), "new") != 0 || *mid == '\0' ||
	    !name_ok(project, MD_PROJECT_MAX) || md_trk_may_thread(rec))
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(md_record_get(batch[i].rec, MD_F_MESSAGE_ID), mid) == 0 &&
		    strcmp(md_record_get(batch[i].rec, MD_F_PROJECT), project) == 0)
			return 0;
	return 1;
}

static void
flush(struct md_redis *r, const struct md_config *cfg, struct md_ingest_item *batch,
    size_t n)
{
	struct md_trk_newreq *in;
	size_t i;

	if (n == 0)
		return;
	if ((in = calloc(n, sizeof *in)) == NULL) {
		for (i = 0; i < n; i++) {
			batch[i].rc = -1;
			snprintf(batch[i].err, sizeof batch[i].err, "out of memory");
		}
		return;
	}
	for (i = 0; i < n; i++) {
		memset(&batch[i].out, 0, sizeof batch[i].out);
		snprintf(batch[i].out.project, sizeof batch[i].out.project, "%s",
		    md_record_get(batch[i].rec, MD_F_PROJECT));
		in[i].entry = batch[i].entry_id != NULL ? batch[i].entry_id : "";
		in[i].rec = batch[i].rec;
		in[i].out = &batch[i].out;
		in[i].err = batch[i].err;
		in[i].errlen = sizeof batch[i].err;
	}
	md_trk_ingest_new_batch(r, cfg, in, n);
	for (i = 0; i < n; i++)
		batch[i].rc = in[i].rc;
	free(in);
}

void
md_tracker_ingest_batch(struct md_redis *r, const struct md_config *cfg,
    struct md_ingest_item *items, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		if (batchable(&items[i], items + start, i - start))
			continue;
		flush(r, cfg, items + start, i - start);
		items[i].err[0] = '\0';
		items[i].rc = md_tracker_ingest(r, cfg, items[i].entry_id, items[i].rec,
		    &items[i].out, items[i].err, sizeof items[i].err);
		start = i + 1;
	}
	flush(r, cfg, items + start, n - start);
}
