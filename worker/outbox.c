/*
 * outbox.c - the sender loop: <prefix>outbox entries -> the SMTP relay.
 *
 * Entries are consumed in the consumer group "senders".  One entry is one
 * mail, sent over one kept relay connection; its fate is decided by
 * md_smtp_submit():
 *   sent       SET <p>sent:<id> (7 days), XACK, XDEL - one Lua step
 *   permanent  a system note on the issue, HSET <p>bounced, XACK, XDEL
 *   refused    (the message, not the recipient: 5xx to the data) the note,
 *              XACK, XDEL
 *   temporary  nothing: the entry stays pending and is retried once its
 *              idle time passes the backoff for its delivery count
 *              (retry_base_s * 2^(n-1), at most retry_max_s); after
 *              LIFETIME_S it is given up as a permanent failure.
 *
 * Exactly-once is impossible: a sender can die after the relay took the
 * message and before it recorded that.  Right before the final "." that
 * hands the message over, the sender sets <p>handover:<id> (the md_smtp
 * commit hook); every outcome clears it.  A sender that finds the marker
 * on an entry it claims knows the previous owner died between that moment
 * and recording the result: the mail may or may not have arrived.  What
 * happens then depends on who wrote it:
 *   - automatic mail (confirmation, notice, forward) is not sent again,
 *     and the issue gets a system note saying it may not have arrived:
 *     a machine-made mail twice is what mail loops are made of;
 *   - a responder's mail (note, close, reopen) is sent again: a customer
 *     may see it twice, but a person's answer is never lost.
 * Everything else is guarded:
 *   - right before each send a Lua step checks that the entry is still
 *     pending for us, that no sent marker exists (a send recorded by a
 *     worker that died before it could XACK) nor a handover marker, and
 *     resets its idle time;
 *   - entries of other consumers are claimed only when idle longer than
 *     any send can take (relay_timeout_ms + redis_command_timeout_ms + 1 s),
 *     and XCLAIM's min-idle lets only one claimer win;
 *   - so an entry that XREADGROUP ">" delivered (never delivered before: no
 *     marker can exist) less than FRESH_MS ago is still ours for a whole
 *     send, and goes without the Lua step: on a busy desk that is one
 *     script of four commands less per mail.
 * The Redis steps themselves are in outbox_steps.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "outbox.h"
#include "outbox_int.h"
#include "tracker.h"

#define READ_COUNT	"10"
#define CLAIM_COUNT	20
#define CLAIM_PAGES	5		/* XPENDING pages looked at per pass */
#define LIFETIME_S	(5 * 86400)	/* like Postfix maximal_queue_lifetime */
#define PAUSE_MS	1000		/* after Redis trouble */
#define RELAY_PAUSE_MAX	60		/* seconds, after the relay was down */
#define FRESH_MS	500		/* < the 1 s margin of retry_due()'s floor */

/* Sleeps ms, waking early when asked to stop. */
static void
pause_ms(volatile sig_atomic_t *stop, long ms)
{
	struct timespec ts = { 0, 100 * 1000000L };

	for (; ms > 0 && !*stop; ms -= 100)
		nanosleep(&ts, NULL);
}

/* An error from the relay itself ("4xx ...") versus no answer at all. */
static int
relay_unreachable(const char *err)
{
	return !(err[0] >= '2' && err[0] <= '5' && err[1] >= '0' &&
	    err[1] <= '9' && err[2] >= '0' && err[2] <= '9') ||
	    strncmp(err, "421", 3) == 0;
}

/*
 * Sends e.  Until fresh_until (monotonic ms; 0 = never) e counts as just
 * delivered by XREADGROUP ">" and goes without the claim step.
 */
static enum step
deliver(struct outbox *ob, const struct entry *e, long long fresh_until)
{
	char err[512], why[600];
	enum md_smtp_result res;
	long long age;

	/*
	 * A marker this process left although the relay never got the final
	 * "." (Redis was down when it had to be cleared): clear it now, or
	 * the claim below would take it for a send that may have happened.
	 */
	if (strcmp(ob->stale_handover, e->id) == 0) {
		if (ob_clear_handover(ob, e) < 0)
			return STEP_REDIS;
		ob->stale_handover[0] = '\0';
	}
	switch (md_now_ms() < fresh_until ? 1 : ob_claim(ob, e)) {
	case -1:
		return STEP_REDIS;
	case 0:
		md_log(LOG_DEBUG, "outbox %s: taken over by another sender", e->id);
		return STEP_OK;
	case 2:
		ob_log_result(LOG_INFO, e, "sent", "already sent before a restart");
		return ob_finish(ob, e->id, 0) < 0 ? STEP_REDIS : STEP_OK;
	case 3:
		if (md_mail_kind_automatic(e->kind)) {
			ob_log_result(LOG_WARNING, e, "dropped", "the sender that had it "
			    "died while handing it to the relay: it may have been "
			    "delivered, so it is not sent again");
			snprintf(why, sizeof why, "The %s mail to %s may not have been "
			    "delivered: the worker sending it stopped while handing it "
			    "to the relay, and automatic mail is never sent twice.",
			    ob_str_or(e->kind, "automatic"), ob_str_or(e->rcpt, "(nobody)"));
			return ob_drop(ob, e, NULL, why) < 0 ? STEP_REDIS : STEP_OK;
		}
		md_log(LOG_WARNING, "outbox %s: the sender that had it died while "
		    "handing it to the relay; sending it again (it may arrive twice)",
		    e->id);
		break;
	}
	if (e->rcpt == NULL || *e->rcpt == '\0' || e->data == NULL) {
		ob_log_result(LOG_ERR, e, "bounced", "malformed outbox entry");
		return ob_bounce(ob, e, "malformed outbox entry") < 0 ?
		    STEP_REDIS : STEP_OK;
	}
	ob->sending = e->id;
	ob->handed_over = 0;
	res = md_smtp_submit(ob->smtp, ob->cfg->relay, ob->cfg->relay_timeout_ms,
	    ob_str_or(e->mail_from, ""), e->rcpt, e->data, e->len, err, sizeof err);
	switch (res) {
	case MD_SMTP_SENT:
		ob_log_result(LOG_INFO, e, "sent", NULL);
		/*
		 * The relay has it now.  Keep trying to record that (it is
		 * idempotent) while Redis restarts; after a long outage the
		 * handover marker still keeps it from being sent twice.
		 */
		if (ob_insist(ob, e, ob_finish_sent) < 0) {
			md_log(LOG_ERR, "outbox %s: sent, but not recorded", e->id);
			return STEP_REDIS;
		}
		return STEP_OK;
	case MD_SMTP_PERMFAIL:
		ob_log_result(LOG_WARNING, e, "bounced", err);
		ob->bounce_err = err;
		if (ob_insist(ob, e, ob_bounce_step) < 0) {
			md_log(LOG_ERR, "outbox %s: bounced, but not recorded", e->id);
			return STEP_REDIS;
		}
		return STEP_OK;
	case MD_SMTP_REFUSED:
		/* The message, not the address: drop it with a note, mark nobody. */
		ob_log_result(LOG_WARNING, e, "refused", err);
		ob->bounce_err = err;
		if (ob_insist(ob, e, ob_refused_step) < 0) {
			md_log(LOG_ERR, "outbox %s: refused, but not recorded", e->id);
			return STEP_REDIS;
		}
		return STEP_OK;
	case MD_SMTP_TEMPFAIL:
		break;
	}
	if (ob->handed_over && md_smtp_uncertain(ob->smtp)) {
		/*
		 * No verdict on the data: the relay may have it.  The marker
		 * stays, and the retry is decided like a dead sender's entry.
		 */
		ob_log_result(LOG_WARNING, e, "deferred", err);
		md_log(LOG_WARNING, "outbox %s: no answer after the data; it may "
		    "have been delivered", e->id);
		return relay_unreachable(err) ? STEP_RELAY : STEP_OK;
	}
	/* Not taken: a handover marker left now would stop every retry. */
	if (ob->handed_over && ob_insist(ob, e, ob_clear_handover) < 0) {
		md_log(LOG_ERR, "outbox %s: deferred, but its handover marker "
		    "could not be cleared", e->id);
		/* We know it was never handed over: clear it before the retry. */
		snprintf(ob->stale_handover, sizeof ob->stale_handover, "%s", e->id);
		return STEP_REDIS;
	}
	age = time(NULL) - strtoll(e->id, NULL, 10) / 1000;
	if (age > LIFETIME_S) {
		snprintf(why, sizeof why, "gave up after %d days: %s",
		    LIFETIME_S / 86400, err);
		ob_log_result(LOG_WARNING, e, "bounced", why);
		return ob_bounce(ob, e, why) < 0 ? STEP_REDIS : STEP_OK;
	}
	ob_log_result(LOG_WARNING, e, "deferred", err);
	return relay_unreachable(err) ? STEP_RELAY : STEP_OK;
}

/* Fills e from an [id, [field, value, ...]] stream entry; -1 if deleted. */
static int
parse_entry(const redisReply *it, struct entry *e)
{
	const redisReply *f;
	size_t i;

	memset(e, 0, sizeof *e);
	if (it == NULL || it->type != REDIS_REPLY_ARRAY || it->elements < 2 ||
	    it->element[0]->type != REDIS_REPLY_STRING)
		return -1;
	e->id = it->element[0]->str;
	f = it->element[1];
	if (f->type != REDIS_REPLY_ARRAY)
		return -1;		/* XDELed while pending: NIL fields */
	for (i = 0; i + 1 < f->elements; i += 2) {
		const char *k = f->element[i]->str, *v = f->element[i + 1]->str;

		if (f->element[i]->type != REDIS_REPLY_STRING ||
		    f->element[i + 1]->type != REDIS_REPLY_STRING)
			continue;
		if (strcmp(k, "kind") == 0)
			e->kind = v;
		else if (strcmp(k, "project") == 0)
			e->project = v;
		else if (strcmp(k, "iid") == 0)
			e->iid = v;
		else if (strcmp(k, "rcpt") == 0)
			e->rcpt = v;
		else if (strcmp(k, "mail_from") == 0)
			e->mail_from = v;
		else if (strcmp(k, "message_id") == 0)
			e->message_id = v;
		else if (strcmp(k, "data") == 0) {
			e->data = v;
			e->len = f->element[i + 1]->len;
		}
	}
	return 0;
}

/*
 * Sends each entry of an array of stream entries (fresh_until as for
 * deliver()); stops early on trouble.
 */
static enum step
process_entries(struct outbox *ob, const redisReply *arr, long long fresh_until,
    volatile sig_atomic_t *stop)
{
	struct entry e;
	enum step st = STEP_OK;
	size_t i;

	for (i = 0; i < arr->elements && st == STEP_OK && !*stop; i++) {
		if (parse_entry(arr->element[i], &e) == 0)
			st = deliver(ob, &e, fresh_until);
		else if (e.id != NULL)	/* deleted under us: just drop it */
			st = ob_finish(ob, e.id, 0) < 0 ? STEP_REDIS : STEP_OK;
	}
	return st;
}

static int
ensure_group(struct outbox *ob)
{
	redisReply *rep = md_redis_cmd(ob->r, "XGROUP CREATE %s " GROUP " 0 MKSTREAM",
	    md_buf_str(&ob->stream));
	int ok = rep != NULL && (rep->type != REDIS_REPLY_ERROR ||
	    strncmp(rep->str, "BUSYGROUP", 9) == 0);

	if (!ok)
		ob_redis_err(ob, "XGROUP CREATE", rep);
	else
		ob_redis_fine(ob);
	if (rep != NULL)
		freeReplyObject(rep);
	ob->ready = ok;
	return ok ? 0 : -1;
}

/*
 * XREADGROUP from id (">" new, or a position in our own history) and sends
 * what comes back.  Returns the number of entries read, -1 on Redis
 * trouble, -2 when the relay is down; *last gets the last id read.
 */
static int
read_group(struct outbox *ob, const char *id, int block_ms,
    volatile sig_atomic_t *stop, char *last, size_t lastlen)
{
	redisReply *rep, *arr;
	char block[16];
	enum step st;
	long long asked;
	int n;

	snprintf(block, sizeof block, "%d", block_ms);
	asked = md_now_ms();	/* Redis delivers the entries after this moment */
	if (block_ms > 0)
		rep = md_redis_cmd(ob->r, "XREADGROUP GROUP " GROUP " %s COUNT "
		    READ_COUNT " BLOCK %s STREAMS %s %s", ob->me, block,
		    md_buf_str(&ob->stream), id);
	else
		rep = md_redis_cmd(ob->r, "XREADGROUP GROUP " GROUP " %s COUNT "
		    READ_COUNT " STREAMS %s %s", ob->me, md_buf_str(&ob->stream), id);
	if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
		ob_redis_err(ob, "XREADGROUP", rep);
		if (rep != NULL)
			freeReplyObject(rep);
		return -1;
	}
	ob_redis_fine(ob);
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements < 1 ||
	    rep->element[0]->type != REDIS_REPLY_ARRAY ||
	    rep->element[0]->elements < 2 ||
	    rep->element[0]->element[1]->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(rep);	/* NIL: BLOCK timed out */
		return 0;
	}
	arr = rep->element[0]->element[1];
	n = (int)arr->elements;
	if (n > 0 && last != NULL && arr->element[n - 1]->type == REDIS_REPLY_ARRAY &&
	    arr->element[n - 1]->element[0]->type == REDIS_REPLY_STRING)
		snprintf(last, lastlen, "%s", arr->element[n - 1]->element[0]->str);
	st = process_entries(ob, arr, strcmp(id, ">") == 0 ? asked + FRESH_MS : 0, stop);
	freeReplyObject(rep);
	return st == STEP_REDIS ? -1 : st == STEP_RELAY ? -2 : n;
}

/* Milliseconds of idle before delivery number deliveries + 1. */
static long long
backoff_ms(const struct md_config *cfg, long long deliveries)
{
	long long s = cfg->retry_base_s;

	while (--deliveries > 0 && s < cfg->retry_max_s)
		s *= 2;
	return (s < cfg->retry_max_s ? s : cfg->retry_max_s) * 1000;
}

/*
 * Claims one due pending entry (min-idle = its backoff) and sends it.
 * Returns STEP_OK also when another sender won the claim.
 */
static enum step
retry_one(struct outbox *ob, const char *id, long long min_idle,
    volatile sig_atomic_t *stop)
{
	redisReply *rep;
	enum step st;

	rep = md_redis_cmd(ob->r, "XCLAIM %s " GROUP " %s %lld %s",
	    md_buf_str(&ob->stream), ob->me, min_idle, id);
	if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
		ob_redis_err(ob, "XCLAIM", rep);
		if (rep != NULL)
			freeReplyObject(rep);
		return STEP_REDIS;
	}
	st = rep->type == REDIS_REPLY_ARRAY ? process_entries(ob, rep, 0, stop) :
	    STEP_OK;
	freeReplyObject(rep);
	return st;
}

/*
 * The retry pass: pending entries (ours after a temporary failure, or a
 * dead sender's) whose idle time passed their backoff.
 */
static enum step
retry_due(struct outbox *ob, volatile sig_atomic_t *stop)
{
	const struct md_config *cfg = ob->cfg;
	long long floor_ms = (long long)cfg->relay_timeout_ms +
	    cfg->redis_command_timeout_ms + 1000, need;
	char start[80] = "-", base[32];
	redisReply *rep, *it;
	enum step st = STEP_OK;
	size_t i;
	int page;

	snprintf(base, sizeof base, "%lld", (long long)cfg->retry_base_s * 1000);
	for (page = 0; page < CLAIM_PAGES && st == STEP_OK && !*stop; page++) {
		rep = md_redis_cmd(ob->r, "XPENDING %s " GROUP " IDLE %s %s + %d",
		    md_buf_str(&ob->stream), base, start, CLAIM_COUNT);
		if (rep == NULL || rep->type != REDIS_REPLY_ARRAY) {
			ob_redis_err(ob, "XPENDING", rep != NULL &&
			    rep->type == REDIS_REPLY_ERROR ? rep : NULL);
			if (rep != NULL)
				freeReplyObject(rep);
			return STEP_REDIS;
		}
		for (i = 0; i < rep->elements && st == STEP_OK && !*stop; i++) {
			it = rep->element[i];
			if (it->type != REDIS_REPLY_ARRAY || it->elements < 4 ||
			    it->element[0]->type != REDIS_REPLY_STRING ||
			    it->element[1]->type != REDIS_REPLY_STRING)
				continue;
			snprintf(start, sizeof start, "(%s", it->element[0]->str);
			need = backoff_ms(cfg, md_reply_int(it->element[3], 1));
			if (strcmp(it->element[1]->str, ob->me) != 0 && need < floor_ms)
				need = floor_ms;	/* it may be mid-send */
			if (md_reply_int(it->element[2], 0) >= need)
				st = retry_one(ob, it->element[0]->str, need, stop);
		}
		i = rep->elements;
		freeReplyObject(rep);
		if (i < CLAIM_COUNT)
			break;
	}
	return st;
}

static int
outbox_init(struct outbox *ob, const struct md_config *cfg)
{
	char host[256];

	memset(ob, 0, sizeof *ob);
	ob->cfg = cfg;
	if (gethostname(host, sizeof host) < 0 || host[0] == '\0')
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	snprintf(ob->me, sizeof ob->me, "%s-%ld", host, (long)getpid());
	md_smtp_global_init();
	if ((ob->r = md_redis_new(cfg)) == NULL ||
	    md_key(ob->r, &ob->stream, "outbox") == NULL ||
	    (ob->smtp = md_smtp_new()) == NULL)
		return -1;
	md_smtp_set_commit(ob->smtp, ob_hand_over, ob);
	return 0;
}

static void
outbox_free(struct outbox *ob)
{
	md_redis_free(ob->r);
	md_smtp_free(ob->smtp);
	md_buf_free(&ob->stream);
	md_buf_free(&ob->k1);
	md_buf_free(&ob->k2);
	md_buf_free(&ob->k3);
}

/* What to wait after a pass: nothing, Redis trouble, or a dead relay. */
static void
after(const struct outbox *ob, int rc, volatile sig_atomic_t *stop)
{
	long s = ob->cfg->retry_base_s;

	if (rc == -1)
		pause_ms(stop, PAUSE_MS);
	else if (rc == -2)
		pause_ms(stop, (s < RELAY_PAUSE_MAX ? s : RELAY_PAUSE_MAX) * 1000L);
}

int
md_outbox_run(const struct md_config *cfg, volatile sig_atomic_t *stop)
{
	struct outbox ob;
	char cursor[80] = "0";
	int history = 1, rc;
	enum step st;

	if (outbox_init(&ob, cfg) < 0) {
		md_log(LOG_ERR, "outbox: out of memory");
		outbox_free(&ob);
		return -1;
	}
	md_log(LOG_INFO, "outbox: sending as %s via %s", ob.me, cfg->relay);
	while (!*stop) {
		if (!ob.ready && ensure_group(&ob) < 0) {
			pause_ms(stop, PAUSE_MS);
			continue;
		}
		if (history) {
			/* once: what this consumer name already holds */
			rc = read_group(&ob, cursor, 0, stop, cursor, sizeof cursor);
			history = rc != 0;
			after(&ob, rc, stop);
			continue;
		}
		st = retry_due(&ob, stop);
		if (st != STEP_OK) {
			after(&ob, st == STEP_REDIS ? -1 : -2, stop);
			continue;
		}
		rc = read_group(&ob, ">", cfg->worker_block_ms, stop, NULL, 0);
		after(&ob, rc, stop);
	}
	md_log(LOG_INFO, "outbox: stopped");
	outbox_free(&ob);
	return 0;
}
