/*
 * tracker_newreq.c - new requests become issues, several per round trip.
 *
 * A new request needs its issue number inside the confirmation mail.  A
 * small script reserves the number first (under the inbox entry id, so a
 * crash wastes none) and hands back what rendering needs (the project's
 * verified_senders setting and its thank-you template); the mail is
 * rendered for that number and the create script files everything at once.
 * Workers never contend for a number: the earlier design (render for
 * last_iid + 1, retry when another worker took it) made every extra worker
 * slower, as each lost race re-sent the whole record.
 *
 * Requests come in batches (one inbox read): one reserve call numbers them
 * all, then all create calls go out in one pipelined write, so a batch of
 * fifty costs Redis two reads and two writes instead of a hundred round
 * trips, and fifty-one script runs instead of a hundred.  The
 * batch is built by md_tracker_ingest_batch from requests that do not
 * depend on each other (tracker_ingest.c); a single request is a batch of
 * one, so there is one code path.
 *
 * Addresses in Cc of a new request become participants with keys of their
 * own (tracker_mail.c mails them the conversation).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keygen.h"
#include "trim.h"
#include "tracker.h"
#include "tracker_int.h"

#define MAX_RESERVE_TRIES	100	/* an issue number found taken: reserve again */

enum nr_state { NR_RESERVE, NR_CREATE, NR_DONE, NR_FAILED };

/* One request through the steps; everything but the number is built once. */
struct newreq {
	struct md_trk_newreq	*in;
	enum nr_state		 state;
	char			 email[MD_ADDR_MAX + 1];
	char			 rkey[MD_KEY_LEN + 1];
	char			 ukey[MD_KEY_LEN + 1];
	int			 may_confirm;	/* before verified_senders */
	char			*description;	/* trimmed for follow-ups, else NULL */
	struct md_args		 parts;		/* participants: email, rkey, ukey */
	struct md_args		 args;		/* the create script's arguments */
	struct md_args		 stage;		/* HSET of the fields from the record */
	struct md_args		 stage_raw;	/* SET of the raw message */
	struct md_args		 unstage;	/* DEL of both, whatever the script did */
	struct md_cmd		 pre[2];	/* the two, run before the create script */
	int			 npre;
	struct md_cmd		 post;		/* unstage, run after it */
	/* from the reserve step */
	long			 want;
	int			 dup;
	int			 verified;	/* the project mails SPF-pass senders only */
	char			*tpl_body;
	char			*tpl_subject;
};

static void
fail(struct newreq *q, const char *why)
{
	snprintf(q->in->err, q->in->errlen, "%s", why);
	q->state = NR_FAILED;
}

/* Whether the confirmation may be sent at all, as far as the record says
 * (verified_senders comes with the reservation; the script adds the bounce
 * and unsubscribe checks).  A record with an auto_reason normally has kind
 * "automated" and never gets here; the check is for records written by
 * other paths, so that nothing the milter judged automated is answered. */
static int
may_confirm(const struct md_record *rec, const char *email)
{
	if (*md_record_get(rec, MD_F_MAIL_FROM) == '\0' || *email == '\0')
		return 0;
	return *md_record_get(rec, MD_F_AUTO_REASON) == '\0';
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
	const char *p = md_record_get(q->in->rec, MD_F_CC), *s;
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

/* Keys, participants and the follow-up text: what no attempt changes. */
static void
prepare(struct md_redis *r, const struct md_config *cfg, struct newreq *q)
{
	const struct md_record *rec = q->in->rec;

	md_args_init(&q->parts);
	md_args_init(&q->args);
	md_args_init(&q->stage);
	md_args_init(&q->stage_raw);
	md_args_init(&q->unstage);
	md_trk_sender(rec, q->email, sizeof q->email);
	q->may_confirm = may_confirm(rec, q->email) && !md_trk_is_desk(cfg, q->email);
	if (md_keygen(q->rkey, sizeof q->rkey) < 0 || md_keygen(q->ukey, sizeof q->ukey) < 0 ||
	    (q->in->follows == 0 && add_participants(r, cfg, q) < 0)) {
		fail(q, "cannot generate issue keys");
		return;
	}
	if (q->in->follows > 0 &&
	    (q->description = md_reply_trim(md_record_get(rec, MD_F_TEXT))) == NULL) {
		fail(q, "out of memory");
		return;
	}
	q->state = NR_RESERVE;
}

/* Adds q's 5-tuple to the arguments of the reserve script (tracker_scripts.c). */
static void
reserve_tuple(struct md_args *a, const struct newreq *q)
{
	const struct md_record *rec = q->in->rec;
	const char *mid = md_record_get(rec, MD_F_MESSAGE_ID);

	md_args_add(a, q->in->out->project);
	md_args_add(a, q->in->entry);
	md_args_add(a, mid);
	md_args_add(a, q->may_confirm ? md_template_name(MD_TPL_THANK_YOU) : "");
	if (*mid == '\0')	/* the dedup key is then the SHA-1 of the raw text */
		md_args_addn(a, md_record_get(rec, MD_F_RAW), md_record_len(rec, MD_F_RAW));
	else
		md_args_add(a, "");
}

static char *
reply_str(const redisReply *e)
{
	return e->type == REDIS_REPLY_STRING ? md_trk_strndup(e->str, e->len) :
	    md_trk_strndup(NULL, 0);
}

/* A request's part of the reserve reply: {"dup", iid} or {"iid", n, verified,
 * body, subject}, or an error. */
static void
reserved(struct md_redis *r, struct newreq *q, const redisReply *rep)
{
	free(q->tpl_body);
	free(q->tpl_subject);
	q->tpl_body = q->tpl_subject = NULL;
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR &&
	    strncmp(rep->str, "NOPROJECT ", 10) == 0) {
		fail(q, rep->str + 10);
		return;
	}
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements < 2 ||
	    rep->element[0]->type != REDIS_REPLY_STRING) {
		md_trk_redis_err(r, rep, q->in->err, q->in->errlen);
		q->state = NR_FAILED;
		return;
	}
	q->dup = strcmp(rep->element[0]->str, "dup") == 0;
	q->want = (long)md_reply_int(rep->element[1], -1);
	if (q->want < 1 || (!q->dup && rep->elements != 5)) {
		fail(q, "bad reply from the reserve step");
		return;
	}
	if (!q->dup) {
		q->verified = md_reply_int(rep->element[2], 0) == 1;
		q->tpl_body = reply_str(rep->element[3]);
		q->tpl_subject = reply_str(rep->element[4]);
		if (q->tpl_body == NULL || q->tpl_subject == NULL) {
			fail(q, "out of memory");
			return;
		}
	}
	q->state = NR_CREATE;
}

/* The confirmation for the reserved number; 0 none wanted, 1 made, -1 error. */
static int
confirmation(struct md_redis *r, const struct md_config *cfg, struct newreq *q,
    char *msgid, size_t msgidlen, md_buf *mail)
{
	const struct md_record *rec = q->in->rec;
	char notice[256] = "";
	struct md_trk_mail m = {
		.kind = MD_TPL_THANK_YOU, .project = q->in->out->project, .iid = q->want,
		.title = md_record_get(rec, MD_F_SUBJECT),
		.description = q->description != NULL ? q->description :
		    md_record_get(rec, MD_F_TEXT),
		.rcpt = q->email, .rcpt_name = md_record_get(rec, MD_F_FROM_NAME),
		.rkey = q->rkey, .ukey = q->ukey,
		.thread_id = md_record_get(rec, MD_F_MESSAGE_ID),
		.prefix = notice,
		.tpl_given = 1, .tpl_body = q->tpl_body, .tpl_subject = q->tpl_subject,
	};

	/* A duplicate only needs its acknowledgement. */
	if (!q->may_confirm || q->dup ||
	    (q->verified && strcmp(md_record_get(rec, MD_F_SPF), "pass") != 0))
		return 0;
	if (q->in->follows > 0)
		snprintf(notice, sizeof notice, "You wrote to ticket #%ld, which is "
		    "closed, so we opened a new ticket #%ld for your message.",
		    q->in->follows, q->want);
	if (md_trk_render(r, cfg, &m, msgid, msgidlen, mail, q->in->err,
	    q->in->errlen) < 0)
		return -1;
	return 1;
}

/*
 * The commands that stage the record's large values under key (the create
 * script renames them into the issue): its fields as a hash, the raw
 * message as a string when there is one; and the DEL that follows the
 * script, so that nothing staged outlives the transaction.
 */
static void
stage_args(const struct md_config *cfg, struct newreq *q, const char *key)
{
	const struct md_record *rec = q->in->rec;
	const char *subject = md_record_get(rec, MD_F_SUBJECT);
	struct md_args *h = &q->stage, *w = &q->stage_raw, *d = &q->unstage;

	md_args_free(h);
	md_args_init(h);
	md_args_free(w);
	md_args_init(w);
	md_args_free(d);
	md_args_init(d);
	md_args_add(d, "DEL");
	md_args_addf(d, "%s%s", cfg->redis_prefix, key);
	md_args_addf(d, "%s%s:raw", cfg->redis_prefix, key);
	q->post = (struct md_cmd){ .argc = d->n, .argv = d->v, .lens = d->len };
	md_args_add(h, "HSET");
	md_args_addf(h, "%s%s", cfg->redis_prefix, key);
	md_args_add(h, "title");
	md_args_add(h, *subject != '\0' ? subject : "(no subject)");
	if (q->description != NULL) {
		md_args_add(h, "description");
		md_args_add(h, q->description);
	} else {
		md_trk_add_field(h, "description", rec, MD_F_TEXT);
	}
	md_trk_add_field(h, "customer_name", rec, MD_F_FROM_NAME);
	md_trk_add_field(h, "spf", rec, MD_F_SPF);
	md_trk_add_field(h, "score", rec, MD_F_SCORE);
	md_trk_add_field(h, "rules", rec, MD_F_RULES);
	md_trk_add_field(h, "flags", rec, MD_F_FLAGS);
	md_trk_add_field(h, "received", rec, MD_F_RECEIVED);
	q->pre[0] = (struct md_cmd){ .argc = h->n, .argv = h->v, .lens = h->len };
	q->npre = 1;
	if (md_record_len(rec, MD_F_RAW) > 0) {
		md_args_add(w, "SET");
		md_args_addf(w, "%s%s:raw", cfg->redis_prefix, key);
		md_args_addn(w, md_record_get(rec, MD_F_RAW), md_record_len(rec, MD_F_RAW));
		q->pre[1] = (struct md_cmd){ .argc = w->n, .argv = w->v, .lens = w->len };
		q->npre = 2;
	}
}

/* ARGV of the create script (tracker_scripts.c) for the reserved number. */
static void
create_args(struct md_redis *r, const struct md_config *cfg, struct newreq *q)
{
	const struct md_record *rec = q->in->rec;
	struct md_args *a = &q->args;
	md_buf mail = MD_BUF_INIT;
	char msgid[256] = "", stage[64 + MD_PROJECT_MAX];
	int slot, confirm;

	if ((confirm = confirmation(r, cfg, q, msgid, sizeof msgid, &mail)) < 0) {
		q->state = NR_FAILED;
		goto out;
	}
	/* Unique while the transaction runs, which is all it lives. */
	snprintf(stage, sizeof stage, "stage:%s:%ld", q->in->out->project, q->want);
	stage_args(cfg, q, stage);
	md_args_free(a);
	md_args_init(a);
	md_args_add(a, cfg->redis_prefix);
	md_args_add(a, q->in->out->project);
	md_args_addf(a, "%ld", q->want);
	md_args_add(a, q->in->entry);
	md_args_add(a, md_record_get(rec, MD_F_MESSAGE_ID));
	md_args_addf(a, "%ld", (long)time(NULL));
	md_args_add(a, q->email);
	md_args_add(a, q->rkey);
	md_args_add(a, q->ukey);
	md_args_add(a, md_trk_has_token(md_record_get(rec, MD_F_FLAGS), "spam") ? "spam?" : "");
	md_args_addf(a, "%s%s", cfg->redis_prefix, stage);
	if (md_trk_add_atts(a, cfg, rec) < 0) {
		fail(q, "cannot parse the attachments");
		goto out;
	}
	if (confirm) {
		md_args_add(a, "5");
		md_trk_add_mail(a, cfg, q->in->out->project, "confirmation", q->email,
		    q->rkey, msgid, &mail);
	} else {
		md_args_add(a, "0");
	}
	md_args_addf(a, "%d", q->parts.n);
	for (slot = 0; slot < q->parts.n; slot++)
		md_args_addn(a, q->parts.v[slot], q->parts.len[slot]);
	if (q->in->follows > 0)
		md_args_addf(a, "%ld", q->in->follows);
	else
		md_args_add(a, "");
	md_args_addf(a, "%d", cfg->max_auto_mails_per_hour);
	if (a->err || q->parts.err || q->stage.err || q->stage_raw.err || q->unstage.err)
		fail(q, "out of memory");
out:
	md_buf_free(&mail);
}

/* The create reply: {"created"|"dup", iid, mails} or {"retry", iid, 0}. */
static void
created(struct md_redis *r, struct newreq *q, const redisReply *rep)
{
	struct md_ingest *out = q->in->out;

	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements != 3 ||
	    rep->element[0]->type != REDIS_REPLY_STRING) {
		md_trk_redis_err(r, rep, q->in->err, q->in->errlen);
		q->state = NR_FAILED;
	} else if (strcmp(rep->element[0]->str, "retry") == 0) {
		out->retries++;
		q->state = NR_RESERVE;
	} else {
		out->kind = strcmp(rep->element[0]->str, "dup") == 0 ?
		    MD_INGEST_DUP : MD_INGEST_CREATED;
		out->iid = (long)md_reply_int(rep->element[1], 0);
		out->mailed = md_reply_int(rep->element[2], 0) > 0;
		q->state = NR_DONE;
	}
}

/*
 * A lost connection fails the call it happened in and every later one of
 * the pipeline: those run once more, on a fresh connection, rather than
 * count as failed deliveries of healthy records.  Both steps are safe to
 * repeat (a reservation is kept per entry; a create that did run answers
 * "dup").
 */
static void
again(struct md_redis *r, struct md_script *s, const struct md_eval_call *calls,
    redisReply **reps, int n)
{
	struct md_eval_call *lost = calloc((size_t)n, sizeof *lost);
	redisReply **got = calloc((size_t)n, sizeof *got);
	int *at = calloc((size_t)n, sizeof *at);
	int i, k = 0;

	for (i = 0; lost != NULL && got != NULL && at != NULL && i < n; i++)
		if (reps[i] == NULL) {
			lost[k] = calls[i];
			at[k++] = i;
		}
	if (k > 0) {
		md_redis_eval_pipe(r, s, k, lost, got);
		for (i = 0; i < k; i++)
			reps[at[i]] = got[i];
	}
	free(lost);
	free(got);
	free(at);
}

/*
 * One reserve call for every request waiting for a number: a batch of
 * fifty costs one script run, and each project's settings and templates
 * are read once.  Returns how many requests were waiting.
 */
static int
reserve_all(struct md_redis *r, const struct md_config *cfg, struct newreq *q, size_t n)
{
	struct md_args a;
	struct md_eval_call call;
	redisReply *rep = NULL;
	size_t i, k = 0;

	md_args_init(&a);
	md_args_add(&a, cfg->redis_prefix);
	for (i = 0; i < n; i++)
		if (q[i].state == NR_RESERVE) {
			reserve_tuple(&a, &q[i]);
			k++;
		}
	if (k > 0 && !a.err) {
		call = (struct md_eval_call){ .argc = a.n, .argv = a.v, .lens = a.len };
		if (md_redis_eval_pipe(r, &md_trk_reserve_script, 1, &call, &rep) < 1)
			again(r, &md_trk_reserve_script, &call, &rep, 1);
	}
	for (i = 0, k = 0; i < n; i++) {
		if (q[i].state != NR_RESERVE)
			continue;
		if (a.err)
			fail(&q[i], "out of memory");
		else if (rep == NULL || rep->type != REDIS_REPLY_ARRAY)
			reserved(r, &q[i], rep);	/* the whole call failed */
		else if (k < rep->elements)
			reserved(r, &q[i], rep->element[k]);
		else
			fail(&q[i], "bad reply from the reserve step");
		k++;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	md_args_free(&a);
	return (int)k;
}

/*
 * The create calls for every request that has its number, pipelined, each
 * in its own transaction with the staged record.
 */
static void
create_all(struct md_redis *r, const struct md_config *cfg, struct newreq *q, size_t n)
{
	struct md_eval_call *calls = calloc(n, sizeof *calls);
	redisReply **reps = calloc(n, sizeof *reps);
	size_t *who = calloc(n, sizeof *who);
	size_t i;
	int k = 0;

	if (calls == NULL || reps == NULL || who == NULL) {
		for (i = 0; i < n; i++)
			if (q[i].state == NR_CREATE)
				fail(&q[i], "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (q[i].state != NR_CREATE)
			continue;
		create_args(r, cfg, &q[i]);
		if (q[i].state != NR_CREATE)	/* failed while building */
			continue;
		calls[k] = (struct md_eval_call){
			.argc = q[i].args.n, .argv = q[i].args.v, .lens = q[i].args.len,
			.npre = q[i].npre, .pre = q[i].pre, .npost = 1, .post = &q[i].post,
		};
		who[k++] = i;
	}
	if (k > 0 && md_redis_eval_pipe(r, &md_trk_create_script, k, calls, reps) < k)
		again(r, &md_trk_create_script, calls, reps, k);
	for (i = 0; i < (size_t)k; i++) {
		created(r, &q[who[i]], reps[i]);
		if (reps[i] != NULL)
			freeReplyObject(reps[i]);
	}
out:
	free(calls);
	free(reps);
	free(who);
}

void
md_trk_ingest_new_batch(struct md_redis *r, const struct md_config *cfg,
    struct md_trk_newreq *in, size_t n)
{
	struct newreq *q = calloc(n, sizeof *q);
	size_t i;
	int tries;

	for (i = 0; i < n; i++) {
		in[i].rc = -1;
		if (q == NULL) {
			snprintf(in[i].err, in[i].errlen, "out of memory");
			continue;
		}
		q[i].in = &in[i];
		prepare(r, cfg, &q[i]);
	}
	if (q == NULL)
		return;
	for (tries = 0; tries < MAX_RESERVE_TRIES; tries++) {
		if (reserve_all(r, cfg, q, n) == 0)
			break;
		create_all(r, cfg, q, n);
	}
	for (i = 0; i < n; i++) {
		if (q[i].state == NR_RESERVE)
			snprintf(in[i].err, in[i].errlen, "no free issue number for %s after "
			    "%d tries", in[i].out->project, MAX_RESERVE_TRIES);
		in[i].rc = q[i].state == NR_DONE ? 0 : -1;
		md_args_free(&q[i].parts);
		md_args_free(&q[i].args);
		md_args_free(&q[i].stage);
		md_args_free(&q[i].stage_raw);
		md_args_free(&q[i].unstage);
		free(q[i].description);
		free(q[i].tpl_body);
		free(q[i].tpl_subject);
	}
	free(q);
}

int
md_trk_ingest_new(struct md_redis *r, const struct md_config *cfg, const char *entry,
    const struct md_record *rec, long follows, struct md_ingest *out, char *err,
    size_t errlen)
{
	struct md_trk_newreq one = {
		.entry = entry, .rec = rec, .follows = follows, .out = out,
		.err = err, .errlen = errlen,
	};

	md_trk_ingest_new_batch(r, cfg, &one, 1);
	return one.rc;
}
