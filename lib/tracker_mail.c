/*
 * tracker_mail.c - who gets which mail about an issue, and how it threads.
 *
 * Every subscriber has their own reply and unsubscribe keys (so a reply
 * names its author) and their own chain of Message-IDs in
 * <p>issue:<p>:<n>:chain: the ids of the mails we sent them and of the
 * mails they sent us, newest last, at most MD_TRK_CHAIN_MAX.  A new mail
 * answers the newest (In-Reply-To) and lists the request's Message-ID
 * followed by the chain (References), so every client threads it under
 * the conversation it already shows, while the header stays short.
 * Mails are only rendered here; the script that queues them re-checks
 * subscription, bounces and the automatic-mail cap atomically.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tracker.h"
#include "tracker_int.h"

void
md_trk_issue_free(struct md_trk_issue *b)
{
	free(b->title);
	free(b->description);
	free(b->message_id);
	free(b->customer_email);
	free(b->customer_name);
	free(b->state);
	memset(b, 0, sizeof *b);
}

int
md_trk_issue_load(struct md_redis *r, const char *project, long iid,
    struct md_trk_issue *b, char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	char **dst[] = { &b->title, &b->description, &b->message_id,
	    &b->customer_email, &b->customer_name, &b->state };
	size_t k, nf = sizeof dst / sizeof dst[0];
	int rc = 0;

	memset(b, 0, sizeof *b);
	rep = md_redis_cmd(r, "HMGET %s title description message_id customer_email "
	    "customer_name state", md_key(r, &key, "issue:%s:%ld", project, iid));
	md_buf_free(&key);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements != nf) {
		md_trk_redis_err(r, rep, err, errlen);
		rc = -1;
	} else if (rep->element[0]->type != REDIS_REPLY_STRING) {
		snprintf(err, errlen, "no such issue %s#%ld", project, iid);
		rc = MD_TRK_NOTFOUND;
	}
	for (k = 0; rc == 0 && k < nf; k++)
		if ((*dst[k] = md_trk_strndup(rep->element[k]->str,
		    rep->element[k]->len)) == NULL) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
	if (rep != NULL)
		freeReplyObject(rep);
	if (rc != 0)
		md_trk_issue_free(b);
	return rc;
}

int
md_trk_is_desk(const struct md_config *cfg, const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at != NULL && strcasecmp(at + 1, cfg->desk_domain) == 0;
}

redisReply *
md_trk_run(struct md_redis *r, struct md_script *s, struct md_args *a, size_t minel,
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

/* The value for field name in an HGETALL reply, or NULL. */
static const char *
hget(const redisReply *h, const char *name)
{
	size_t k;

	for (k = 0; h != NULL && k + 1 < h->elements; k += 2)
		if (strcmp(h->element[k]->str, name) == 0)
			return h->element[k + 1]->str;
	return NULL;
}

/*
 * In-Reply-To and References for one subscriber: the last id of the chain
 * (else the request's), and the request's id followed by the chain.
 */
static int
thread_headers(const char *root, const char *chain, md_buf *refs, char *irt,
    size_t irtlen)
{
	const char *p = chain != NULL ? chain : "", *s;
	size_t n;

	md_buf_reset(refs);
	/* cut, an id would name another message: then none (compose drops it) */
	snprintf(irt, irtlen, "%s", strlen(root) < irtlen ? root : "");
	if (md_buf_puts(refs, root) < 0)
		return -1;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		for (s = p; *p != '\0' && *p != ' '; p++)
			;
		if ((n = (size_t)(p - s)) == 0 || (strlen(root) == n &&
		    strncmp(root, s, n) == 0))
			continue;
		if ((refs->len > 0 && md_buf_putc(refs, ' ') < 0) ||
		    md_buf_append(refs, s, n) < 0)
			return -1;
		if (n < irtlen)
			snprintf(irt, irtlen, "%.*s", (int)n, s);
	}
	return 0;
}

/* HGETALL of issue:<p>:<n>:<what>; NULL after err is set. */
static redisReply *
issue_hash(struct md_redis *r, const char *project, long iid, const char *what,
    char *err, size_t errlen)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;

	rep = md_redis_cmd(r, "HGETALL %s",
	    md_key(r, &key, "issue:%s:%ld:%s", project, iid, what));
	md_buf_free(&key);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
		md_trk_redis_err(r, rep, err, errlen);
		if (rep != NULL)
			freeReplyObject(rep);
		return NULL;
	}
	return rep;
}

int
md_trk_mails(struct md_redis *r, const struct md_config *cfg,
    const char *project, long iid, const struct md_trk_issue *b,
    enum md_template_kind tk, const char *ok, const char *note_text,
    const char *prefix, const struct md_trk_rcpts *who, struct md_args *a,
    int *n, char *err, size_t errlen)
{
	md_buf mail = MD_BUF_INIT, refs = MD_BUF_INIT;
	redisReply *subs, *keys = NULL, *chains = NULL;
	char rkey[MD_KEY_LEN + 1], ukey[MD_KEY_LEN + 1], msgid[256], irt[256];
	const char *kv;
	size_t k;
	int rc = -1;

	*n = 0;
	if ((subs = issue_hash(r, project, iid, "subscribers", err, errlen)) == NULL ||
	    (keys = issue_hash(r, project, iid, "keys", err, errlen)) == NULL ||
	    (chains = issue_hash(r, project, iid, "chain", err, errlen)) == NULL)
		goto out;
	for (k = 0; k + 1 < subs->elements; k += 2) {
		const char *email = subs->element[k]->str;
		struct md_trk_mail m = {
			.kind = tk, .project = project, .iid = iid,
			.title = b->title, .description = b->description,
			.note_text = note_text, .rcpt = email,
			.rkey = rkey, .ukey = ukey, .thread_id = irt,
			.refs = md_buf_str(&refs), .prefix = prefix,
		};

		if (who->only != NULL ? strcmp(email, who->only) != 0 :
		    strcmp(subs->element[k + 1]->str, "subscribed") != 0)
			continue;
		if ((who->except != NULL && strcmp(email, who->except) == 0) ||
		    *email == '\0' || md_trk_is_desk(cfg, email))
			continue;
		*rkey = *ukey = '\0';
		if ((kv = hget(keys, email)) == NULL ||
		    sscanf(kv, "%26s %26s", rkey, ukey) != 2)
			*rkey = *ukey = '\0';
		if (strcmp(email, b->customer_email) == 0)
			m.rcpt_name = b->customer_name;
		if (thread_headers(b->message_id, hget(chains, email), &refs, irt,
		    sizeof irt) < 0) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		m.refs = md_buf_str(&refs);
		md_buf_reset(&mail);
		if (md_trk_render(r, cfg, &m, msgid, sizeof msgid, &mail, err, errlen) < 0)
			goto out;
		md_trk_add_mail(a, cfg, project, ok, email, rkey, msgid, &mail);
		(*n)++;
	}
	rc = 0;
out:
	if (subs != NULL)
		freeReplyObject(subs);
	if (keys != NULL)
		freeReplyObject(keys);
	if (chains != NULL)
		freeReplyObject(chains);
	md_buf_free(&mail);
	md_buf_free(&refs);
	return rc;
}
