/*
 * outbox.c - the sender loop: <prefix>outbox entries -> the SMTP relay.
 *
 * Entries are consumed in the consumer group "senders".  One entry is one
 * mail, sent over one kept relay connection; its fate is decided by
 * md_smtp_submit():
 *   sent       SET <p>sent:<id> (7 days), XACK, XDEL - one Lua step
 *   permanent  a system note on the issue, HSET <p>bounced, XACK, XDEL
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
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "conf.h"
#include "log.h"
#include "outbox.h"
#include "redis.h"
#include "smtp.h"
#include "tracker.h"

/* Recording a sent mail is retried this often, this far apart (60 s). */
#define MARK_TRIES	240
#define MARK_PAUSE_MS	250
#define GROUP		"senders"
#define READ_COUNT	"10"
#define CLAIM_COUNT	20
#define CLAIM_PAGES	5		/* XPENDING pages looked at per pass */
#define SENT_TTL	"604800"	/* sent markers outlive any retry */
#define LIFETIME_S	(5 * 86400)	/* like Postfix maximal_queue_lifetime */
#define PAUSE_MS	1000		/* after Redis trouble */
#define RELAY_PAUSE_MAX	60		/* seconds, after the relay was down */
#define FRESH_MS	500		/* < the 1 s margin of retry_due()'s floor */

enum step { STEP_OK, STEP_REDIS, STEP_RELAY };

struct outbox {
	const struct md_config *cfg;
	struct md_redis	*r;
	struct md_smtp	*smtp;		/* the relay connection, kept open */
	const char	*sending;	/* entry id of the mail being sent */
	const char	*bounce_err;	/* the relay's refusal, for bounce_step() */
	int		 handed_over;	/* its handover marker was set */
	char		 me[300];	/* consumer: <hostname>-<pid> */
	md_buf		 stream;	/* <p>outbox */
	md_buf		 k1, k2, k3;	/* scratch keys */
	int		 ready;		/* consumer group exists */
	int		 down;		/* Redis unreachable (logged once) */
};

struct entry {
	const char	*id;
	const char	*kind, *project, *iid, *rcpt, *mail_from, *message_id;
	const char	*data;
	size_t		 len;
};

/* KEYS: stream, sent marker, handover marker.  ARGV: id, group, consumer. */
static struct md_script claim_script = {
	"local p = redis.call('XPENDING', KEYS[1], ARGV[2], ARGV[1], ARGV[1], 1)\n"
	"if #p == 0 or p[1][2] ~= ARGV[3] then return 0 end\n"
	"redis.call('XCLAIM', KEYS[1], ARGV[2], ARGV[3], 0, ARGV[1], 'JUSTID')\n"
	"if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end\n"
	"if redis.call('EXISTS', KEYS[3]) == 1 then return 3 end\n"
	"return 1\n", ""
};

/*
 * KEYS: stream, sent marker, handover marker.  ARGV: id, group, time ("" =
 * no sent marker).
 */
static struct md_script done_script = {
	"if ARGV[3] ~= '' then\n"
	"  redis.call('SET', KEYS[2], ARGV[3], 'EX', " SENT_TTL ")\n"
	"end\n"
	"redis.call('DEL', KEYS[3])\n"
	"redis.call('XACK', KEYS[1], ARGV[2], ARGV[1])\n"
	"redis.call('XDEL', KEYS[1], ARGV[1])\n"
	"return 1\n", ""
};

/*
 * KEYS: stream, issue notes, bounced hash, handover marker.
 * ARGV: id, group, rcpt ("" = not a bounce), err, note text ("" = no
 * note), created.
 */
static struct md_script bounce_script = {
	"if ARGV[5] ~= '' then\n"
	"  redis.call('XADD', KEYS[2], '*', 'author', 'maildesk', 'kind', 'system',\n"
	"    'text', ARGV[5], 'created', ARGV[6])\n"
	"end\n"
	"if ARGV[3] ~= '' then redis.call('HSET', KEYS[3], ARGV[3], ARGV[4]) end\n"
	"redis.call('DEL', KEYS[4])\n"
	"redis.call('XACK', KEYS[1], ARGV[2], ARGV[1])\n"
	"redis.call('XDEL', KEYS[1], ARGV[1])\n"
	"return 1\n", ""
};

/* Sleeps ms, waking early when asked to stop. */
static void
pause_ms(volatile sig_atomic_t *stop, long ms)
{
	struct timespec ts = { 0, 100 * 1000000L };

	for (; ms > 0 && !*stop; ms -= 100)
		nanosleep(&ts, NULL);
}

static const char *
str_or(const char *s, const char *dflt)
{
	return s != NULL && *s != '\0' ? s : dflt;
}

static void
log_result(int prio, const struct entry *e, const char *status, const char *why)
{
	md_log(prio, "outbox %s: to=<%s>, issue=%s#%s, kind=%s, msgid=<%s>, "
	    "status=%s%s%s%s", e->id, str_or(e->rcpt, ""), str_or(e->project, "?"),
	    str_or(e->iid, "?"), str_or(e->kind, "?"), str_or(e->message_id, ""),
	    status, why ? " (" : "", why ? why : "", why ? ")" : "");
}

/*
 * Logs Redis trouble: an error reply always (it is a bug or a config
 * problem), an unreachable server once per outage.
 */
static void
redis_err(struct outbox *ob, const char *what, const redisReply *rep)
{
	if (rep != NULL)
		md_log(LOG_ERR, "outbox: %s: %s", what, rep->str);
	else if (!ob->down)
		md_log(LOG_ERR, "outbox: %s: %s", what, md_redis_errstr(ob->r));
	else
		md_log(LOG_DEBUG, "outbox: %s: %s", what, md_redis_errstr(ob->r));
	if (rep == NULL)
		ob->down = 1;
	else if (strncmp(rep->str, "NOGROUP", 7) == 0)
		ob->ready = 0;		/* created again on the next turn */
}

static void
redis_fine(struct outbox *ob)
{
	if (ob->down)
		md_log(LOG_INFO, "outbox: redis reachable again");
	ob->down = 0;
}

/* Runs a script with string arguments; NULL reply or error = -1. */
static long long
run_script(struct outbox *ob, struct md_script *s, int nkeys, int argc,
    const char **argv)
{
	redisReply *rep = md_redis_eval(ob->r, s, nkeys, argc, argv, NULL);
	long long v = -1;

	if (rep == NULL || rep->type == REDIS_REPLY_ERROR)
		redis_err(ob, "script", rep);
	else
		v = md_reply_int(rep, 0);
	if (rep != NULL)
		freeReplyObject(rep);
	return v;
}

static const char *
marker_key(struct outbox *ob, const char *id)
{
	return md_key(ob->r, &ob->k1, "sent:%s", id);
}

static const char *
handover_key(struct outbox *ob, const char *id)
{
	return md_key(ob->r, &ob->k3, "handover:%s", id);
}

/*
 * The md_smtp commit hook: the message is about to be handed over.  If
 * this cannot be recorded the transfer is aborted and retried later.
 */
static int
hand_over(void *arg)
{
	struct outbox *ob = arg;
	const char *key = handover_key(ob, ob->sending);
	redisReply *rep;
	int ok;

	if (key == NULL)
		return -1;
	/* Set before asking: Redis may apply the SET and lose the reply. */
	ob->handed_over = 1;
	rep = md_redis_cmd(ob->r, "SET %s %s EX " SENT_TTL, key, ob->me);
	ok = rep != NULL && rep->type == REDIS_REPLY_STATUS;
	if (rep != NULL)
		freeReplyObject(rep);
	return ok ? 0 : -1;
}

/*
 * 0 someone else's now, 1 send it, 2 already sent, 3 handed over by a
 * sender that died since, -1 Redis trouble.
 */
static int
claim_for_send(struct outbox *ob, const struct entry *e)
{
	const char *argv[6];

	argv[0] = md_buf_str(&ob->stream);
	argv[1] = marker_key(ob, e->id);
	argv[2] = handover_key(ob, e->id);
	argv[3] = e->id;
	argv[4] = GROUP;
	argv[5] = ob->me;
	if (argv[1] == NULL || argv[2] == NULL)
		return -1;
	return (int)run_script(ob, &claim_script, 3, 6, argv);
}

/* XACK + XDEL, with the sent marker first when sent is set. */
static int
finish(struct outbox *ob, const char *id, int sent)
{
	char now[32];
	const char *argv[6];

	snprintf(now, sizeof now, "%lld", sent ? (long long)time(NULL) : 0LL);
	argv[0] = md_buf_str(&ob->stream);
	argv[1] = marker_key(ob, id);
	argv[2] = handover_key(ob, id);
	argv[3] = id;
	argv[4] = GROUP;
	argv[5] = sent ? now : "";
	if (argv[1] == NULL || argv[2] == NULL)
		return -1;
	return run_script(ob, &done_script, 3, 6, argv) < 0 ? -1 : 0;
}

/*
 * Runs step until it succeeds: a mail the relay has (or may have) must not
 * stay marked wrongly while Redis restarts.  0, or -1 after MARK_TRIES.
 */
static int
insist(struct outbox *ob, const struct entry *e, int (*step)(struct outbox *,
    const struct entry *))
{
	int tries;

	for (tries = 0; step(ob, e) < 0; tries++) {
		if (tries == MARK_TRIES)
			return -1;
		usleep(MARK_PAUSE_MS * 1000);
	}
	return 0;
}

static int
finish_sent(struct outbox *ob, const struct entry *e)
{
	return finish(ob, e->id, 1);
}

/* A temporary failure after the handover: the relay did not take it. */
static int
clear_handover(struct outbox *ob, const struct entry *e)
{
	const char *key = handover_key(ob, e->id);
	redisReply *rep = key != NULL ? md_redis_cmd(ob->r, "DEL %s", key) : NULL;
	int ok = rep != NULL && rep->type == REDIS_REPLY_INTEGER;

	if (rep != NULL)
		freeReplyObject(rep);
	return ok ? 0 : -1;
}

/*
 * Drops the entry with a system note on its issue ("" = none): a permanent
 * failure (bounced_err set: the recipient goes into <p>bounced), or a mail
 * that may have been delivered by a sender that died (no bounce).
 */
static int
drop(struct outbox *ob, const struct entry *e, const char *bounced_err,
    const char *note)
{
	char now[32];
	const char *argv[10];
	int has_issue = e->project && *e->project && e->iid && *e->iid;

	snprintf(now, sizeof now, "%lld", (long long)time(NULL));
	argv[0] = md_buf_str(&ob->stream);
	if (has_issue)
		argv[1] = md_key(ob->r, &ob->k1, "issue:%s:%s:notes", e->project,
		    e->iid);
	else
		argv[1] = md_key(ob->r, &ob->k1, "outbox:orphans");
	argv[2] = md_key(ob->r, &ob->k2, "bounced");
	argv[3] = handover_key(ob, e->id);
	argv[4] = e->id;
	argv[5] = GROUP;
	argv[6] = bounced_err != NULL ? str_or(e->rcpt, "") : "";
	argv[7] = bounced_err != NULL ? bounced_err : "";
	argv[8] = has_issue ? note : "";
	argv[9] = now;
	if (argv[1] == NULL || argv[2] == NULL || argv[3] == NULL)
		return -1;
	return run_script(ob, &bounce_script, 4, 10, argv) < 0 ? -1 : 0;
}

/* A permanent failure: tell the responders on the issue, remember the rcpt. */
static int
bounce(struct outbox *ob, const struct entry *e, const char *err)
{
	md_buf text = MD_BUF_INIT;
	int rc = -1;

	if (md_buf_printf(&text, "Mail to %s failed permanently: %s",
	    str_or(e->rcpt, "(nobody)"), err) >= 0)
		rc = drop(ob, e, err, md_buf_str(&text));
	md_buf_free(&text);
	return rc;
}

/* bounce() with the relay's answer in ob->bounce_err, for insist(). */
static int
bounce_step(struct outbox *ob, const struct entry *e)
{
	return bounce(ob, e, ob->bounce_err);
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

	switch (md_now_ms() < fresh_until ? 1 : claim_for_send(ob, e)) {
	case -1:
		return STEP_REDIS;
	case 0:
		md_log(LOG_DEBUG, "outbox %s: taken over by another sender", e->id);
		return STEP_OK;
	case 2:
		log_result(LOG_INFO, e, "sent", "already sent before a restart");
		return finish(ob, e->id, 0) < 0 ? STEP_REDIS : STEP_OK;
	case 3:
		if (md_mail_kind_automatic(e->kind)) {
			log_result(LOG_WARNING, e, "dropped", "the sender that had it "
			    "died while handing it to the relay: it may have been "
			    "delivered, so it is not sent again");
			snprintf(why, sizeof why, "The %s mail to %s may not have been "
			    "delivered: the worker sending it stopped while handing it "
			    "to the relay, and automatic mail is never sent twice.",
			    str_or(e->kind, "automatic"), str_or(e->rcpt, "(nobody)"));
			return drop(ob, e, NULL, why) < 0 ? STEP_REDIS : STEP_OK;
		}
		md_log(LOG_WARNING, "outbox %s: the sender that had it died while "
		    "handing it to the relay; sending it again (it may arrive twice)",
		    e->id);
		break;
	}
	if (e->rcpt == NULL || *e->rcpt == '\0' || e->data == NULL) {
		log_result(LOG_ERR, e, "bounced", "malformed outbox entry");
		return bounce(ob, e, "malformed outbox entry") < 0 ?
		    STEP_REDIS : STEP_OK;
	}
	ob->sending = e->id;
	ob->handed_over = 0;
	res = md_smtp_submit(ob->smtp, ob->cfg->relay, ob->cfg->relay_timeout_ms,
	    str_or(e->mail_from, ""), e->rcpt, e->data, e->len, err, sizeof err);
	switch (res) {
	case MD_SMTP_SENT:
		log_result(LOG_INFO, e, "sent", NULL);
		/*
		 * The relay has it now.  Keep trying to record that (it is
		 * idempotent) while Redis restarts; after a long outage the
		 * handover marker still keeps it from being sent twice.
		 */
		if (insist(ob, e, finish_sent) < 0) {
			md_log(LOG_ERR, "outbox %s: sent, but not recorded", e->id);
			return STEP_REDIS;
		}
		return STEP_OK;
	case MD_SMTP_PERMFAIL:
		log_result(LOG_WARNING, e, "bounced", err);
		ob->bounce_err = err;
		if (insist(ob, e, bounce_step) < 0) {
			md_log(LOG_ERR, "outbox %s: bounced, but not recorded", e->id);
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
		log_result(LOG_WARNING, e, "deferred", err);
		md_log(LOG_WARNING, "outbox %s: no answer after the data; it may "
		    "have been delivered", e->id);
		return relay_unreachable(err) ? STEP_RELAY : STEP_OK;
	}
	/* Not taken: a handover marker left now would stop every retry. */
	if (ob->handed_over && insist(ob, e, clear_handover) < 0) {
		md_log(LOG_ERR, "outbox %s: deferred, but its handover marker "
		    "could not be cleared", e->id);
		return STEP_REDIS;
	}
	age = time(NULL) - strtoll(e->id, NULL, 10) / 1000;
	if (age > LIFETIME_S) {
		snprintf(why, sizeof why, "gave up after %d days: %s",
		    LIFETIME_S / 86400, err);
		log_result(LOG_WARNING, e, "bounced", why);
		return bounce(ob, e, why) < 0 ? STEP_REDIS : STEP_OK;
	}
	log_result(LOG_WARNING, e, "deferred", err);
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
			st = finish(ob, e.id, 0) < 0 ? STEP_REDIS : STEP_OK;
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
		redis_err(ob, "XGROUP CREATE", rep);
	else
		redis_fine(ob);
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
		redis_err(ob, "XREADGROUP", rep);
		if (rep != NULL)
			freeReplyObject(rep);
		return -1;
	}
	redis_fine(ob);
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
		redis_err(ob, "XCLAIM", rep);
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
			redis_err(ob, "XPENDING", rep != NULL &&
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
	md_smtp_set_commit(ob->smtp, hand_over, ob);
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
