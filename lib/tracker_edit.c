/*
 * tracker_edit.c - what responders do to an issue: notes, close/reopen, labels.
 *
 * Mails to subscribers are rendered here, one per subscribed address, and
 * queued by the same script that makes the change; the script skips
 * addresses that unsubscribed or bounced in the meantime.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "projects.h"
#include "tracker.h"
#include "tracker_int.h"

struct issue_bits {
	char	*title;
	char	*description;
	char	*message_id;
	char	*customer_email;
	char	*customer_name;
};

static void
bits_free(struct issue_bits *b)
{
	free(b->title);
	free(b->description);
	free(b->message_id);
	free(b->customer_email);
	free(b->customer_name);
}

/* 0, MD_TRK_NOTFOUND or -1. */
static int
load_bits(struct md_redis *r, const char *project, long iid, struct issue_bits *b,
    char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	char **dst[] = { &b->title, &b->description, &b->message_id,
	    &b->customer_email, &b->customer_name };
	size_t k;
	int rc = 0;

	memset(b, 0, sizeof *b);
	rep = md_redis_cmd(r, "HMGET %s title description message_id customer_email "
	    "customer_name", md_key(r, &key, "issue:%s:%ld", project, iid));
	md_buf_free(&key);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements != 5) {
		md_trk_redis_err(r, rep, err, errlen);
		rc = -1;
	} else if (rep->element[0]->type != REDIS_REPLY_STRING) {
		snprintf(err, errlen, "no such issue %s#%ld", project, iid);
		rc = MD_TRK_NOTFOUND;
	}
	for (k = 0; rc == 0 && k < 5; k++)
		if ((*dst[k] = md_trk_strndup(rep->element[k]->str,
		    rep->element[k]->len)) == NULL) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
	if (rep != NULL)
		freeReplyObject(rep);
	if (rc != 0)
		bits_free(b);
	return rc;
}

/* "<rkey> <ukey>" of email from the keys reply (an HGETALL array). */
static void
find_keys(const redisReply *keys, const char *email, char *rkey, char *ukey)
{
	size_t k;

	*rkey = *ukey = '\0';
	for (k = 0; keys != NULL && k + 1 < keys->elements; k += 2)
		if (strcmp(keys->element[k]->str, email) == 0 &&
		    sscanf(keys->element[k + 1]->str, "%26s %26s", rkey, ukey) != 2)
			*rkey = *ukey = '\0';
}

/*
 * Appends the counted list of mails of template kind tk (outbox kind ok) to
 * every subscribed address.  0 or -1.
 */
static int
subscriber_mails(struct md_redis *r, const struct md_config *cfg,
    const char *project, long iid, const struct issue_bits *b,
    enum md_template_kind tk, const char *ok, const char *note_text,
    struct md_args *a, char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT, mail = MD_BUF_INIT;
	redisReply *subs, *keys;
	char rkey[MD_KEY_LEN + 1], ukey[MD_KEY_LEN + 1], msgid[256];
	size_t k;
	int slot = md_args_slot(a), n = 0, rc = 0;

	subs = md_redis_cmd(r, "HGETALL %s",
	    md_key(r, &key, "issue:%s:%ld:subscribers", project, iid));
	keys = md_redis_cmd(r, "HGETALL %s",
	    md_key(r, &key, "issue:%s:%ld:keys", project, iid));
	md_buf_free(&key);
	if (subs == NULL || subs->type != REDIS_REPLY_ARRAY ||
	    keys == NULL || keys->type != REDIS_REPLY_ARRAY) {
		md_trk_redis_err(r, subs == NULL || subs->type != REDIS_REPLY_ARRAY ?
		    subs : keys, err, errlen);
		rc = -1;
	}
	for (k = 0; rc == 0 && k + 1 < subs->elements; k += 2) {
		const char *email = subs->element[k]->str;
		struct md_trk_mail m = {
			.kind = tk, .project = project, .iid = iid,
			.title = b->title, .description = b->description,
			.note_text = note_text, .rcpt = email,
			.rkey = rkey, .ukey = ukey, .thread_id = b->message_id,
		};

		if (strcmp(subs->element[k + 1]->str, "subscribed") != 0)
			continue;
		if (strcmp(email, b->customer_email) == 0)
			m.rcpt_name = b->customer_name;
		find_keys(keys, email, rkey, ukey);
		md_buf_reset(&mail);
		if (md_trk_render(r, cfg, &m, msgid, sizeof msgid, &mail, err, errlen) < 0) {
			rc = -1;
			break;
		}
		md_trk_add_mail(a, cfg, project, ok, email, msgid, &mail);
		n++;
	}
	md_args_setf(a, slot, "%d", n * 5);
	if (subs != NULL)
		freeReplyObject(subs);
	if (keys != NULL)
		freeReplyObject(keys);
	md_buf_free(&mail);
	return rc;
}

/* Runs a script whose reply starts with a status string; NULL on failure. */
static redisReply *
run(struct md_redis *r, struct md_script *s, struct md_args *a, size_t minel,
    char *err, size_t errlen)
{
	redisReply *rep;

	if (a->err) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	rep = md_redis_eval(r, s, 0, a->n, a->v, a->len);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements < minel ||
	    rep->element[0]->type != REDIS_REPLY_STRING) {
		md_trk_redis_err(r, rep, err, errlen);
		if (rep != NULL)
			freeReplyObject(rep);
		return NULL;
	}
	return rep;
}

int
md_tracker_note(struct md_redis *r, const struct md_config *cfg,
    const char *project, long iid, const char *text, int internal,
    const char *author, char *note_id, size_t idlen, int *mailed,
    char *err, size_t errlen)
{
	struct issue_bits b;
	struct md_args a;
	redisReply *rep;
	int rc;

	if (mailed != NULL)
		*mailed = 0;
	if (text == NULL || *text == '\0') {
		snprintf(err, errlen, "empty note");
		return -1;
	}
	if ((rc = load_bits(r, project, iid, &b, err, errlen)) != 0)
		return rc;
	md_args_init(&a);
	md_args_add(&a, md_redis_prefix(r));
	md_args_add(&a, project);
	md_args_addf(&a, "%ld", iid);
	md_args_addf(&a, "%ld", (long)time(NULL));
	md_args_add(&a, internal ? "internal" : "public");
	md_args_add(&a, author != NULL && *author != '\0' ? author : "Support");
	md_args_add(&a, "");
	md_args_add(&a, text);
	rc = -1;
	if (internal)
		md_args_add(&a, "0");
	else if (subscriber_mails(r, cfg, project, iid, &b, MD_TPL_NEW_NOTE, "note",
	    text, &a, err, errlen) < 0)
		goto out;
	if ((rep = run(r, &md_trk_note_script, &a, 1, err, errlen)) == NULL)
		goto out;
	if (strcmp(rep->element[0]->str, "ok") != 0 || rep->elements != 3) {
		snprintf(err, errlen, "no such issue %s#%ld", project, iid);
		rc = MD_TRK_NOTFOUND;
	} else {
		if (note_id != NULL)
			snprintf(note_id, idlen, "%s", rep->element[1]->str);
		if (mailed != NULL)
			*mailed = (int)md_reply_int(rep->element[2], 0);
		rc = 0;
	}
	freeReplyObject(rep);
out:
	md_args_free(&a);
	bits_free(&b);
	return rc;
}

int
md_tracker_set_state(struct md_redis *r, const struct md_config *cfg,
    const char *project, long iid, int close, const char *author,
    int *changed, int *mailed, char *err, size_t errlen)
{
	struct issue_bits b;
	struct md_project p;
	struct md_args a;
	redisReply *rep;
	int rc, notify;

	*changed = 0;
	if (mailed != NULL)
		*mailed = 0;
	if ((rc = md_project_get(r, project, &p)) <= 0) {
		if (rc < 0)
			snprintf(err, errlen, "%s", md_redis_errstr(r));
		else
			snprintf(err, errlen, "no such project: %s", project);
		return rc < 0 ? -1 : MD_TRK_NOTFOUND;
	}
	notify = p.notify_state;
	md_project_free(&p);
	if ((rc = load_bits(r, project, iid, &b, err, errlen)) != 0)
		return rc;
	md_args_init(&a);
	md_args_add(&a, md_redis_prefix(r));
	md_args_add(&a, project);
	md_args_addf(&a, "%ld", iid);
	md_args_addf(&a, "%ld", (long)time(NULL));
	md_args_add(&a, close ? "closed" : "opened");
	md_args_add(&a, author != NULL && *author != '\0' ? author : "Support");
	rc = -1;
	if (!notify)
		md_args_add(&a, "0");
	else if (subscriber_mails(r, cfg, project, iid, &b,
	    close ? MD_TPL_CLOSE : MD_TPL_REOPEN, close ? "close" : "reopen", NULL,
	    &a, err, errlen) < 0)
		goto out;
	if ((rep = run(r, &md_trk_state_script, &a, 1, err, errlen)) == NULL)
		goto out;
	if (strcmp(rep->element[0]->str, "nosuch") == 0) {
		snprintf(err, errlen, "no such issue %s#%ld", project, iid);
		rc = MD_TRK_NOTFOUND;
	} else {
		*changed = strcmp(rep->element[0]->str, "ok") == 0;
		if (mailed != NULL && rep->elements > 1)
			*mailed = (int)md_reply_int(rep->element[1], 0);
		rc = 0;
	}
	freeReplyObject(rep);
out:
	md_args_free(&a);
	bits_free(&b);
	return rc;
}

int
md_label_valid(const char *label)
{
	size_t n, i;

	if (label == NULL || (n = strlen(label)) == 0 || n > MD_LABEL_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)label[i] < 0x20 || label[i] == 0x7f || label[i] == ',')
			return 0;
	return 1;
}

int
md_tracker_label(struct md_redis *r, const char *project, long iid,
    const char *label, int add, int *changed, char *err, size_t errlen)
{
	struct md_args a;
	redisReply *rep;
	int rc;

	*changed = 0;
	if (!md_label_valid(label)) {
		snprintf(err, errlen, "bad label (1-%d bytes, no commas or control characters)",
		    MD_LABEL_MAX);
		return -1;
	}
	md_args_init(&a);
	md_args_add(&a, md_redis_prefix(r));
	md_args_add(&a, project);
	md_args_addf(&a, "%ld", iid);
	md_args_addf(&a, "%ld", (long)time(NULL));
	md_args_add(&a, add ? "add" : "del");
	md_args_add(&a, label);
	rep = run(r, &md_trk_label_script, &a, 1, err, errlen);
	md_args_free(&a);
	if (rep == NULL)
		return -1;
	if (strcmp(rep->element[0]->str, "nosuch") == 0) {
		snprintf(err, errlen, "no such issue %s#%ld", project, iid);
		rc = MD_TRK_NOTFOUND;
	} else {
		*changed = strcmp(rep->element[0]->str, "ok") == 0;
		rc = 0;
	}
	freeReplyObject(rep);
	return rc;
}
