/*
 * tracker_ingest.c - one inbox record becomes an issue, a note or an archive entry.
 *
 * A new request needs its issue number inside the confirmation mail, and
 * the number is only final inside the script.  So the C side renders the
 * mail for last_iid + 1 and the script checks that last_iid has not moved
 * (optimistic concurrency); if another worker won the race the script
 * changes nothing and we render again for the next number.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keygen.h"
#include "mime.h"
#include "projects.h"
#include "tracker.h"
#include "tracker_int.h"

#define MAX_CAS_RETRIES	100

/* 1 if the comma separated list has the token. */
static int
has_token(const char *list, const char *tok)
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

/* The customer's address, lower case: From, else the envelope sender. */
static void
customer_addr(const struct md_record *rec, char *out, size_t outlen)
{
	const char *a = md_record_get(rec, MD_F_FROM_ADDR);
	size_t i;

	if (*a == '\0')
		a = md_record_get(rec, MD_F_MAIL_FROM);
	snprintf(out, outlen, "%s", a);
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
static int
add_attachments(struct md_args *a, const struct md_config *cfg,
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

static void
add_field(struct md_args *a, const char *name, const struct md_record *rec,
    enum md_field f)
{
	md_args_add(a, name);
	md_args_addn(a, md_record_get(rec, f), md_record_len(rec, f));
}

/* Whether the confirmation may be sent at all (the script adds the bounce
 * and unsubscribe checks). */
static int
may_confirm(const struct md_record *rec, const struct md_project *p,
    const char *email)
{
	if (*md_record_get(rec, MD_F_MAIL_FROM) == '\0' || *email == '\0')
		return 0;
	if (has_token(md_record_get(rec, MD_F_FLAGS), "automated"))
		return 0;
	if (p->verified_senders && strcmp(md_record_get(rec, MD_F_SPF), "pass") != 0)
		return 0;
	return 1;
}

/* Everything but the expected iid and the mail: built once per record. */
struct newreq {
	const struct md_record	*rec;
	const char		*entry;
	char			 email[MD_ADDR_MAX + 1];
	char			 rkey[MD_KEY_LEN + 1];
	char			 ukey[MD_KEY_LEN + 1];
	int			 confirm;
};

static int
create_args(struct md_args *a, const struct md_config *cfg, struct newreq *q,
    long want, const char *msgid, const md_buf *mail)
{
	const struct md_record *rec = q->rec;
	const char *subject = md_record_get(rec, MD_F_SUBJECT);
	int slot;

	md_args_add(a, cfg->redis_prefix);
	md_args_add(a, md_record_get(rec, MD_F_PROJECT));
	md_args_addf(a, "%ld", want);
	md_args_add(a, q->entry);
	md_args_add(a, md_record_get(rec, MD_F_MESSAGE_ID));
	md_args_addf(a, "%ld", (long)time(NULL));
	md_args_add(a, q->email);
	md_args_add(a, q->rkey);
	md_args_add(a, q->ukey);
	md_args_add(a, has_token(md_record_get(rec, MD_F_FLAGS), "spam") ? "spam?" : "");
	md_args_addn(a, md_record_get(rec, MD_F_RAW), md_record_len(rec, MD_F_RAW));
	slot = md_args_slot(a);
	md_args_add(a, "title");
	md_args_add(a, *subject != '\0' ? subject : "(no subject)");
	add_field(a, "description", rec, MD_F_TEXT);
	add_field(a, "customer_name", rec, MD_F_FROM_NAME);
	add_field(a, "spf", rec, MD_F_SPF);
	add_field(a, "score", rec, MD_F_SCORE);
	add_field(a, "rules", rec, MD_F_RULES);
	add_field(a, "flags", rec, MD_F_FLAGS);
	add_field(a, "received", rec, MD_F_RECEIVED);
	md_args_setf(a, slot, "%d", 16);
	if (add_attachments(a, cfg, rec) < 0)
		return -1;
	if (mail != NULL) {
		md_args_add(a, "5");
		md_trk_add_mail(a, cfg, md_record_get(rec, MD_F_PROJECT),
		    "confirmation", q->email, msgid, mail);
	} else {
		md_args_add(a, "0");
	}
	return a->err ? -1 : 0;
}

static long
last_iid(struct md_redis *r, const char *project)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	long v;

	rep = md_redis_cmd(r, "HGET %s last_iid", md_key(r, &key, "project:%s", project));
	md_buf_free(&key);
	if (rep == NULL || rep->type == REDIS_REPLY_ERROR)
		v = -1;
	else
		v = rep->type == REDIS_REPLY_NIL ? 0 : (long)md_reply_int(rep, -1);
	if (rep != NULL)
		freeReplyObject(rep);
	return v;
}

/* One attempt: 1 done, 0 retry, -1 error. */
static int
create_once(struct md_redis *r, const struct md_config *cfg, struct newreq *q,
    struct md_ingest *out, char *err, size_t errlen)
{
	const struct md_record *rec = q->rec;
	struct md_args a;
	md_buf mail = MD_BUF_INIT;
	char msgid[256] = "";
	redisReply *rep = NULL;
	long want;
	int rc = -1;

	if ((want = last_iid(r, out->project)) < 0) {
		snprintf(err, errlen, "%s", md_redis_errstr(r));
		return -1;
	}
	want++;
	md_args_init(&a);
	if (q->confirm) {
		struct md_trk_mail m = {
			.kind = MD_TPL_THANK_YOU, .project = out->project, .iid = want,
			.title = md_record_get(rec, MD_F_SUBJECT),
			.description = md_record_get(rec, MD_F_TEXT),
			.rcpt = q->email, .rcpt_name = md_record_get(rec, MD_F_FROM_NAME),
			.rkey = q->rkey, .ukey = q->ukey,
			.thread_id = md_record_get(rec, MD_F_MESSAGE_ID),
		};

		if (md_trk_render(r, cfg, &m, msgid, sizeof msgid, &mail, err, errlen) < 0)
			goto out;
	}
	if (create_args(&a, cfg, q, want, msgid, q->confirm ? &mail : NULL) < 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	rep = md_redis_eval(r, &md_trk_create_script, 0, a.n, a.v, a.len);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements != 3 ||
	    rep->element[0]->type != REDIS_REPLY_STRING) {
		md_trk_redis_err(r, rep, err, errlen);
		goto out;
	}
	if (strcmp(rep->element[0]->str, "retry") == 0) {
		rc = 0;
		goto out;
	}
	out->kind = strcmp(rep->element[0]->str, "dup") == 0 ?
	    MD_INGEST_DUP : MD_INGEST_CREATED;
	out->iid = (long)md_reply_int(rep->element[1], 0);
	out->mailed = md_reply_int(rep->element[2], 0) > 0;
	rc = 1;
out:
	if (rep != NULL)
		freeReplyObject(rep);
	md_args_free(&a);
	md_buf_free(&mail);
	return rc;
}

static int
ingest_new(struct md_redis *r, const struct md_config *cfg, const char *entry,
    const struct md_record *rec, struct md_ingest *out, char *err, size_t errlen)
{
	struct md_project p;
	struct newreq q;
	int rc, i;

	memset(&q, 0, sizeof q);
	q.rec = rec;
	q.entry = entry;
	rc = md_project_get(r, out->project, &p);
	if (rc <= 0) {
		if (rc < 0)
			snprintf(err, errlen, "%s", md_redis_errstr(r));
		else
			snprintf(err, errlen, "no such project: %s", out->project);
		return -1;
	}
	customer_addr(rec, q.email, sizeof q.email);
	q.confirm = may_confirm(rec, &p, q.email);
	md_project_free(&p);
	if (md_keygen(q.rkey, sizeof q.rkey) < 0 || md_keygen(q.ukey, sizeof q.ukey) < 0) {
		snprintf(err, errlen, "cannot generate issue keys");
		return -1;
	}
	for (i = 0; i < MAX_CAS_RETRIES; i++) {
		if ((rc = create_once(r, cfg, &q, out, err, errlen)) != 0)
			return rc < 0 ? -1 : 0;
		out->retries++;
	}
	snprintf(err, errlen, "issue number for %s still contended after %d tries",
	    out->project, MAX_CAS_RETRIES);
	return -1;
}

static int
ingest_reply(struct md_redis *r, const struct md_config *cfg, const char *entry,
    const struct md_record *rec, int unsub, struct md_ingest *out,
    char *err, size_t errlen)
{
	const char *name = md_record_get(rec, MD_F_FROM_NAME);
	char email[MD_ADDR_MAX + 1];
	struct md_args a;
	redisReply *rep;
	int slot, rc = -1;

	customer_addr(rec, email, sizeof email);
	md_args_init(&a);
	md_args_add(&a, cfg->redis_prefix);
	md_args_add(&a, unsub ? "unsubscribe" : "reply");
	md_args_add(&a, md_record_get(rec, MD_F_KEY));
	md_args_add(&a, entry);
	md_args_add(&a, md_record_get(rec, MD_F_MESSAGE_ID));
	md_args_addf(&a, "%ld", (long)time(NULL));
	slot = md_args_slot(&a);
	md_args_add(&a, "author");
	md_args_add(&a, *name != '\0' ? name : email);
	md_args_add(&a, "author_email");
	md_args_add(&a, email);
	md_args_add(&a, "kind");
	md_args_add(&a, "customer");
	add_field(&a, "text", rec, MD_F_TEXT);
	md_args_add(&a, "created");
	md_args_addf(&a, "%ld", (long)time(NULL));
	add_field(&a, "message_id", rec, MD_F_MESSAGE_ID);
	add_field(&a, "attachments", rec, MD_F_ATTACHMENTS);
	add_field(&a, "raw", rec, MD_F_RAW);
	md_args_setf(&a, slot, "%d", 16);
	if ((unsub ? md_args_slot(&a) : add_attachments(&a, cfg, rec)) < 0 || a.err) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	rep = md_redis_eval(r, &md_trk_reply_script, 0, a.n, a.v, a.len);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements != 3 ||
	    rep->element[0]->type != REDIS_REPLY_STRING ||
	    rep->element[1]->type != REDIS_REPLY_STRING) {
		md_trk_redis_err(r, rep, err, errlen);
	} else {
		out->kind = strcmp(rep->element[0]->str, "note") == 0 ? MD_INGEST_NOTE :
		    strcmp(rep->element[0]->str, "dup") == 0 ? MD_INGEST_DUP :
		    MD_INGEST_UNSUBSCRIBED;
		snprintf(out->project, sizeof out->project, "%s", rep->element[1]->str);
		out->iid = (long)md_reply_int(rep->element[2], 0);
		rc = 0;
	}
	if (rep != NULL)
		freeReplyObject(rep);
out:
	md_args_free(&a);
	return rc;
}

/* The fields of an automated record worth keeping for admins. */
static const enum md_field auto_fields[] = {
	MD_F_RECEIVED, MD_F_MAIL_FROM, MD_F_FROM, MD_F_SUBJECT, MD_F_PROJECT,
	MD_F_RCPT, MD_F_AUTO_REASON, MD_F_MESSAGE_ID,
};

static int
ingest_automated(struct md_redis *r, const struct md_config *cfg, const char *entry,
    const struct md_record *rec, struct md_ingest *out, char *err, size_t errlen)
{
	struct md_args a;
	redisReply *rep;
	size_t i;
	int rc = -1, slot;

	md_args_init(&a);
	md_args_add(&a, cfg->redis_prefix);
	md_args_add(&a, entry);
	slot = md_args_slot(&a);
	for (i = 0; i < sizeof auto_fields / sizeof auto_fields[0]; i++)
		add_field(&a, md_record_field_name(auto_fields[i]), rec, auto_fields[i]);
	md_args_setf(&a, slot, "%zu", 2 * i);
	if (a.err) {
		snprintf(err, errlen, "out of memory");
		md_args_free(&a);
		return -1;
	}
	rep = md_redis_eval(r, &md_trk_automated_script, 0, a.n, a.v, a.len);
	if (md_reply_is_error(rep)) {
		md_trk_redis_err(r, rep, err, errlen);
	} else {
		out->kind = MD_INGEST_AUTOMATED;
		rc = 0;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	md_args_free(&a);
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

	memset(out, 0, sizeof *out);
	if (entry_id == NULL)
		entry_id = "";
	if (strcmp(kind, "automated") == 0)
		return ingest_automated(r, cfg, entry_id, rec, out, err, errlen);
	if (strcmp(kind, "reply") == 0 || strcmp(kind, "unsubscribe") == 0) {
		if (!name_ok(key, MD_KEY_LEN)) {
			snprintf(err, errlen, "bad record: %s without a valid key", kind);
			return -1;
		}
		return ingest_reply(r, cfg, entry_id, rec, *kind == 'u', out, err, errlen);
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
	return ingest_new(r, cfg, entry_id, rec, out, err, errlen);
}
