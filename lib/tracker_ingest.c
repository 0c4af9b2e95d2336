/*
 * tracker_ingest.c - one inbox record becomes an issue, a note or an archive entry.
 *
 * A new request needs its issue number inside the confirmation mail.  A
 * small script reserves the number first (under the inbox entry id, so a
 * crash wastes none), the mail is rendered for it, and the create script
 * files everything at once.  Workers never contend for a number: the
 * earlier design (render for last_iid + 1, retry when another worker took
 * it) made every extra worker slower, as each lost race re-sent the whole
 * record.
 *
 * Addresses in Cc of a new request become participants with keys of their
 * own (tracker_mail.c mails them the conversation).  A "new" record that
 * answers an existing issue (tracker_reply.c finds it) is filed as a note.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keygen.h"
#include "mime.h"
#include "trim.h"
#include "projects.h"
#include "tracker.h"
#include "tracker_int.h"

#define MAX_RESERVE_TRIES	100	/* an issue number found taken: reserve again */

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

/* Whether the confirmation may be sent at all (the script adds the bounce
 * and unsubscribe checks). */
static int
may_confirm(const struct md_record *rec, const struct md_project *p,
    const char *email)
{
	if (*md_record_get(rec, MD_F_MAIL_FROM) == '\0' || *email == '\0')
		return 0;
	if (md_trk_has_token(md_record_get(rec, MD_F_FLAGS), "automated"))
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
	long			 follows;	/* closed issue it continues */
	char			*description;	/* trimmed for follow-ups, else NULL */
	struct md_args		 parts;		/* participants: email, rkey, ukey */
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
	md_args_add(a, md_trk_has_token(md_record_get(rec, MD_F_FLAGS), "spam") ? "spam?" : "");
	md_args_addn(a, md_record_get(rec, MD_F_RAW), md_record_len(rec, MD_F_RAW));
	slot = md_args_slot(a);
	md_args_add(a, "title");
	md_args_add(a, *subject != '\0' ? subject : "(no subject)");
	if (q->description != NULL) {
		md_args_add(a, "description");
		md_args_add(a, q->description);
	} else {
		md_trk_add_field(a, "description", rec, MD_F_TEXT);
	}
	md_trk_add_field(a, "customer_name", rec, MD_F_FROM_NAME);
	md_trk_add_field(a, "spf", rec, MD_F_SPF);
	md_trk_add_field(a, "score", rec, MD_F_SCORE);
	md_trk_add_field(a, "rules", rec, MD_F_RULES);
	md_trk_add_field(a, "flags", rec, MD_F_FLAGS);
	md_trk_add_field(a, "received", rec, MD_F_RECEIVED);
	md_args_setf(a, slot, "%d", 16);
	if (md_trk_add_atts(a, cfg, rec) < 0)
		return -1;
	if (mail != NULL) {
		md_args_add(a, "5");
		md_trk_add_mail(a, cfg, md_record_get(rec, MD_F_PROJECT),
		    "confirmation", q->email, q->rkey, msgid, mail);
	} else {
		md_args_add(a, "0");
	}
	md_args_addf(a, "%d", q->parts.n);
	for (slot = 0; slot < q->parts.n; slot++)
		md_args_addn(a, q->parts.v[slot], q->parts.len[slot]);
	if (q->follows > 0)
		md_args_addf(a, "%ld", q->follows);
	else
		md_args_add(a, "");
	md_args_addf(a, "%d", cfg->max_auto_mails_per_hour);
	return a->err || q->parts.err ? -1 : 0;
}

/*
 * The number for this request (reserved under its inbox entry, so the same
 * after a crash); 1 and *dup set when its Message-ID is filed already.
 */
static long
reserve_iid(struct md_redis *r, const struct md_config *cfg, const struct newreq *q,
    const char *project, int *dup, char *err, size_t errlen)
{
	const char *mid = md_record_get(q->rec, MD_F_MESSAGE_ID);
	struct md_args a;
	redisReply *rep = NULL;
	long v = -1;

	md_args_init(&a);
	md_args_add(&a, cfg->redis_prefix);
	md_args_add(&a, project);
	md_args_add(&a, q->entry);
	md_args_add(&a, mid);
	if (*mid == '\0')	/* the dedup key is then the SHA-1 of the raw text */
		md_args_addn(&a, md_record_get(q->rec, MD_F_RAW),
		    md_record_len(q->rec, MD_F_RAW));
	if (a.err) {
		snprintf(err, errlen, "out of memory");
		md_args_free(&a);
		return -1;
	}
	rep = md_redis_eval(r, &md_trk_reserve_script, 0, a.n, a.v, a.len);
	md_args_free(&a);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
	    rep->element[0]->type != REDIS_REPLY_STRING) {
		md_trk_redis_err(r, rep, err, errlen);
	} else {
		*dup = strcmp(rep->element[0]->str, "dup") == 0;
		v = (long)md_reply_int(rep->element[1], -1);
		if (v < 1)
			snprintf(err, errlen, "bad issue number from the reserve step");
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return v < 1 ? -1 : v;
}

/* One attempt: 1 done, 0 retry, -1 error. */
static int
create_once(struct md_redis *r, const struct md_config *cfg, struct newreq *q,
    struct md_ingest *out, char *err, size_t errlen)
{
	const struct md_record *rec = q->rec;
	struct md_args a;
	md_buf mail = MD_BUF_INIT;
	char msgid[256] = "", notice[256] = "";
	redisReply *rep = NULL;
	long want;
	int rc = -1, dup = 0;

	if ((want = reserve_iid(r, cfg, q, out->project, &dup, err, errlen)) < 0)
		return -1;
	md_args_init(&a);
	if (q->follows > 0)
		snprintf(notice, sizeof notice, "You wrote to ticket #%ld, which is "
		    "closed, so we opened a new ticket #%ld for your message.",
		    q->follows, want);
	if (q->confirm && !dup) {	/* a duplicate only needs its acknowledgement */
		struct md_trk_mail m = {
			.kind = MD_TPL_THANK_YOU, .project = out->project, .iid = want,
			.title = md_record_get(rec, MD_F_SUBJECT),
			.description = q->description != NULL ? q->description :
			    md_record_get(rec, MD_F_TEXT),
			.rcpt = q->email, .rcpt_name = md_record_get(rec, MD_F_FROM_NAME),
			.rkey = q->rkey, .ukey = q->ukey,
			.thread_id = md_record_get(rec, MD_F_MESSAGE_ID),
			.prefix = notice,
		};

		if (md_trk_render(r, cfg, &m, msgid, sizeof msgid, &mail, err, errlen) < 0)
			goto out;
	}
	if (create_args(&a, cfg, q, want, msgid, q->confirm && !dup ? &mail : NULL) < 0) {
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

/* 1 if addr is one of the desk's aliases (stored with the domain lower case). */
static int
is_alias(struct md_redis *r, const char *addr)
{
	char canon[MD_ADDR_MAX + 1];
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	int v;

	snprintf(canon, sizeof canon, "%s", addr);
	md_addr_canon_alias(canon);
	rep = md_redis_cmd(r, "HEXISTS %s %s", md_key(r, &key, "aliases"), canon);
	md_buf_free(&key);
	v = md_reply_int(rep, 0) == 1;
	if (rep != NULL)
		freeReplyObject(rep);
	return v;
}

/*
 * The Cc addresses that become participants: not the desk's own addresses,
 * not the customer, no duplicates, at most max_participants.
 */
static int
add_participants(struct md_redis *r, const struct md_config *cfg, struct newreq *q)
{
	const char *p = md_record_get(q->rec, MD_F_CC), *s;
	char addr[MD_ADDR_MAX + 1], rkey[MD_KEY_LEN + 1], ukey[MD_KEY_LEN + 1];
	int taken = 0, seen = 0, k, dup;
	size_t n, i;

	while (*p != '\0' && taken < cfg->max_participants && seen++ < 1000) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		for (s = p; *p != '\0' && *p != ','; p++)
			;
		for (n = (size_t)(p - s); n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'); n--)
			;
		if (n == 0 || n > MD_ADDR_MAX || memchr(s, '@', n) == NULL)
			continue;
		for (i = 0; i < n; i++)
			addr[i] = (char)tolower((unsigned char)s[i]);
		addr[n] = '\0';
		for (dup = 0, k = 0; k < q->parts.n && !dup; k += 3)
			dup = strcmp(q->parts.v[k], addr) == 0;
		if (dup || strcmp(addr, q->email) == 0 || md_trk_is_desk(cfg, addr) ||
		    is_alias(r, addr))
			continue;
		if (md_keygen(rkey, sizeof rkey) < 0 || md_keygen(ukey, sizeof ukey) < 0)
			return -1;
		md_args_add(&q->parts, addr);
		md_args_add(&q->parts, rkey);
		md_args_add(&q->parts, ukey);
		taken++;
	}
	return q->parts.err ? -1 : 0;
}

int
md_trk_ingest_new(struct md_redis *r, const struct md_config *cfg, const char *entry,
    const struct md_record *rec, long follows, struct md_ingest *out, char *err,
    size_t errlen)
{
	struct md_project p;
	struct newreq q;
	int rc, i;

	memset(&q, 0, sizeof q);
	md_args_init(&q.parts);
	q.rec = rec;
	q.entry = entry;
	q.follows = follows;
	rc = md_project_settings(r, out->project, &p);	/* no alias scan per record */
	if (rc <= 0) {
		if (rc < 0)
			snprintf(err, errlen, "%s", md_redis_errstr(r));
		else
			snprintf(err, errlen, "no such project: %s", out->project);
		return -1;
	}
	md_trk_sender(rec, q.email, sizeof q.email);
	q.confirm = may_confirm(rec, &p, q.email) && !md_trk_is_desk(cfg, q.email);
	md_project_free(&p);
	rc = -1;
	if (md_keygen(q.rkey, sizeof q.rkey) < 0 || md_keygen(q.ukey, sizeof q.ukey) < 0 ||
	    (follows == 0 && add_participants(r, cfg, &q) < 0)) {
		snprintf(err, errlen, "cannot generate issue keys");
		goto out;
	}
	if (follows > 0 &&
	    (q.description = md_reply_trim(md_record_get(rec, MD_F_TEXT))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < MAX_RESERVE_TRIES; i++) {
		if ((rc = create_once(r, cfg, &q, out, err, errlen)) != 0) {
			rc = rc < 0 ? -1 : 0;
			goto out;
		}
		out->retries++;
	}
	snprintf(err, errlen, "no free issue number for %s after %d tries",
	    out->project, MAX_RESERVE_TRIES);
	rc = -1;
out:
	md_args_free(&q.parts);
	free(q.description);
	return rc;
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
