/*
 * eom.c - end of message: parse, judge, write to Redis, then answer.
 *
 * The order is the promise: the MTA gets "accept" (250 to the client) only
 * after Redis acknowledged the XADD of every record of this message.  Any
 * doubt on the way (no memory, no Redis, backlog full) is a 451 so the
 * sending MTA keeps the message and retries; nothing is dropped silently.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "inbox.h"
#include "ingest.h"
#include "log.h"
#include "milter_auth.h"
#include "milter_metrics.h"
#include "mime.h"
#include "policy.h"
#include "reply.h"
#include "verdict.h"

/* Monotonic seconds, for the Redis latency histogram. */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static sfsistat
store_records(SMFICTX *ctx, struct conn_ctx *cc, struct msg_ctx *m, struct md_redis *r,
    const struct md_mime *mime, const struct md_verdict *v, const struct md_auth_result *auth,
    const char *qid, double *redis_s)
{
	struct md_record recs[MAX_DESK_RCPTS];
	struct md_record *ptrs[MAX_DESK_RCPTS];
	char ids[MAX_DESK_RCPTS][32];
	char err[256];
	struct md_envelope env = { qid, cc->client_ip, cc->helo, m->mail_from, (long)time(NULL) };
	enum md_inbox_result res = MD_INBOX_ERROR;
	size_t i;
	int bad = 0, acked;
	double t0;

	for (i = 0; i < m->nrcpts; i++) {
		md_record_init(&recs[i]);
		ptrs[i] = &recs[i];
		if (md_ingest_record(&env, &m->rcpts[i], mime, m->raw.data ? m->raw.data : "",
		    m->raw.len, v, &recs[i]) < 0 || md_auth_record_set(&recs[i], auth) < 0)
			bad = 1;
	}
	t0 = now_s();
	if (bad)
		snprintf(err, sizeof err, "out of memory building records");
	else
		res = md_inbox_append(r, G.cfg.inbox_max_backlog, ptrs, m->nrcpts, ids,
		    err, sizeof err);
	for (i = 0; i < m->nrcpts; i++)
		md_record_free(&recs[i]);

	if (res == MD_INBOX_OK && G.cfg.redis_min_replicas > 0 &&
	    (acked = md_redis_wait_replicas(r, G.cfg.redis_min_replicas,
	    G.cfg.redis_replica_timeout_ms)) < G.cfg.redis_min_replicas) {
		/*
		 * On the primary only: a failover now would lose it, so the
		 * sender must keep its copy.  Its retry is filed as a duplicate
		 * of this one (Message-ID) if the primary survives.
		 */
		res = MD_INBOX_ERROR;
		if (acked < 0)
			snprintf(err, sizeof err, "WAIT for replicas: %s", md_redis_errstr(r));
		else
			snprintf(err, sizeof err, "only %d of %d replicas confirmed the "
			    "records within %d ms", acked, G.cfg.redis_min_replicas,
			    G.cfg.redis_replica_timeout_ms);
	}
	*redis_s += now_s() - t0;
	if (res != MD_INBOX_OK) {
		md_log(LOG_WARNING, "%s: tempfail from=<%s> [%s]: %s", qid, m->mail_from,
		    cc->client_ip, err);
		return md_tempfail(ctx, "4.3.0",
		    res == MD_INBOX_FULL ?
		    "Support desk is busy, please try again later" :
		    MD_POLICY_UNAVAILABLE);
	}
	for (i = 0; i < m->nrcpts; i++) {
		md_log(LOG_INFO, "%s: stored from=<%s> [%s] rcpt=<%s> project=%s kind=%s "
		    "score=%.2f spf=%s stream_id=%s", qid, m->mail_from, cc->client_ip,
		    m->rcpts[i].addr, m->rcpts[i].project, md_ingest_kind(&m->rcpts[i], v),
		    v->score, v->spf ? v->spf : "", ids[i]);
		md_milter_count_record(md_ingest_kind(&m->rcpts[i], v));
	}
	return SMFIS_CONTINUE;
}

/* Desk recipients are consumed: the message is not also delivered to them. */
static sfsistat
consume_desk_rcpts(SMFICTX *ctx, struct msg_ctx *m, const char *qid)
{
	size_t i;

	if (m->nother == 0 && G.cfg.discard_desk_only)
		return SMFIS_DISCARD;	/* 250 to the client, nothing delivered */
	for (i = 0; i < m->ndel; i++) {
		/* The recipient exactly as the MTA sent it, so it matches. */
		if (smfi_delrcpt(ctx, m->rcpt_args[i]) != MI_SUCCESS) {
			/* Already stored: a duplicate delivery is better than a lost one. */
			md_log(LOG_WARNING, "%s: smfi_delrcpt(%s) failed", qid, m->rcpt_args[i]);
		}
	}
	return SMFIS_ACCEPT;
}

/* A scored message's outcome (v->rules is set once the score was computed). */
static void
count_score(sfsistat st, const struct md_verdict *v)
{
	if (v->rules == NULL)
		return;
	md_milter_count_score(st == SMFIS_REJECT ? "reject" : st == SMFIS_TEMPFAIL ?
	    "tempfail" : v->spam ? "marked" : "ham", v->score);
}

sfsistat
md_milter_eom(SMFICTX *ctx)
{
	struct conn_ctx *cc = (struct conn_ctx *)smfi_getpriv(ctx);
	struct msg_ctx *m = cc ? cc->msg : NULL;
	struct md_mime mime;
	struct md_verdict v;
	struct md_auth_result auth;
	struct md_project proj;
	struct md_redis *r;
	const char *qid;
	sfsistat st;
	int have_proj;
	double t0;
	double redis_s;

	if (m == NULL)
		return md_tempfail(ctx, "4.3.0", "maildesk: no message state");
	if (m->nrcpts == 0) {
		msg_free(cc);
		return SMFIS_ACCEPT;
	}
	if (m->oversize != 0) {
		/* > 0 here: the headers alone were too big and no body followed */
		st = m->oversize < 0 ? md_tempfail(ctx, "4.3.0", "maildesk: out of memory") :
		    md_reject(ctx, "552", "5.3.4", "Message is too big for the support desk");
		msg_free(cc);
		return st;
	}
	qid = smfi_getsymval(ctx, "i");
	if (qid == NULL || *qid == '\0')
		qid = "NOQUEUE";
	if (md_mime_parse(m->raw.data ? m->raw.data : "", m->raw.len, 0, 0, &mime) < 0) {
		st = md_tempfail(ctx, "4.3.0", "maildesk: out of memory");
		msg_free(cc);
		return st;
	}
	/* The verdict line names it: grep a customer's Message-ID in both logs. */
	snprintf(m->message_id, sizeof m->message_id, "%s",
	    mime.message_id != NULL ? mime.message_id : "");
	/* Sender identity first: its DNS must not hold a Redis connection. */
	md_eom_auth(cc, m, &mime, qid, &auth);
	r = md_redis_pool_acquire(G.pool, G.cfg.redis_command_timeout_ms);
	if (r == NULL) {
		md_log(LOG_WARNING, "%s: tempfail: no Redis connection free within %d ms", qid,
		    G.cfg.redis_command_timeout_ms);
		st = md_tempfail(ctx, "4.3.0", MD_POLICY_UNAVAILABLE);
		goto out_mime;
	}
	/* Per-project thresholds and policies of the (first) project addressed. */
	t0 = now_s();
	have_proj = md_project_settings(r, m->rcpts[0].project, &proj);
	redis_s = now_s() - t0;
	if (have_proj < 0) {
		md_milter_observe_redis(redis_s);
		md_log(LOG_WARNING, "%s: tempfail: %s", qid, md_redis_errstr(r));
		st = md_tempfail(ctx, "4.3.0", MD_POLICY_UNAVAILABLE);
		goto out_redis;
	}
	/* The projects' policies and the responder domains are in the view. */
	t0 = now_s();
	st = md_eom_auth_policy(ctx, cc, m, r, have_proj > 0 ? &proj : NULL, qid, &auth);
	redis_s += now_s() - t0;
	if (st != SMFIS_CONTINUE) {
		md_milter_observe_redis(redis_s);
		goto out_redis;
	}
	st = md_eom_verdict(ctx, cc, m, &mime, qid, have_proj ? &proj : NULL, &v);
	count_score(st, &v);
	if (st == SMFIS_CONTINUE) {
		st = store_records(ctx, cc, m, r, &mime, &v, &auth, qid, &redis_s);
		md_milter_observe_redis(redis_s);
	}
	if (st == SMFIS_CONTINUE) {
		char extra[64];

		st = consume_desk_rcpts(ctx, m, qid);
		snprintf(extra, sizeof extra, "records=%zu%s", m->nrcpts,
		    st == SMFIS_DISCARD ? " discarded" : "");
		md_reply_accepted(ctx, qid, st, v.spam ? "stored_spam" : "stored", extra);
	}
	md_verdict_free(&v);
out_redis:
	md_redis_pool_release(G.pool, r);
	if (have_proj > 0)
		md_project_free(&proj);
out_mime:
	md_mime_free(&mime);
	msg_free(cc);
	return st;
}
