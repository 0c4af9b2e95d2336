/*
 * outbox_steps.c - the Redis side of sending one outbox entry: the claim
 * before a send, the handover marker right before the final ".", and the
 * steps that record how it ended (sent, bounced, dropped).  The rules they
 * keep are described at the top of outbox.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "outbox_int.h"

/* Recording a sent mail is retried this often, this far apart (60 s). */
#define MARK_TRIES	240
#define MARK_PAUSE_MS	250
#define SENT_TTL	"604800"	/* sent markers outlive any retry */

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

const char *
ob_str_or(const char *s, const char *dflt)
{
	return s != NULL && *s != '\0' ? s : dflt;
}

void
ob_log_result(int prio, const struct entry *e, const char *status, const char *why)
{
	md_log(prio, "outbox %s: to=<%s>, issue=%s#%s, kind=%s, msgid=<%s>, "
	    "status=%s%s%s%s", e->id, ob_str_or(e->rcpt, ""), ob_str_or(e->project, "?"),
	    ob_str_or(e->iid, "?"), ob_str_or(e->kind, "?"), ob_str_or(e->message_id, ""),
	    status, why ? " (" : "", why ? why : "", why ? ")" : "");
}

/*
 * Logs Redis trouble: an error reply always (it is a bug or a config
 * problem), an unreachable server once per outage.
 */
void
ob_redis_err(struct outbox *ob, const char *what, const redisReply *rep)
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

void
ob_redis_fine(struct outbox *ob)
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
		ob_redis_err(ob, "script", rep);
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
int
ob_hand_over(void *arg)
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
int
ob_claim(struct outbox *ob, const struct entry *e)
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
int
ob_finish(struct outbox *ob, const char *id, int sent)
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
int
ob_insist(struct outbox *ob, const struct entry *e, int (*step)(struct outbox *,
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

int
ob_finish_sent(struct outbox *ob, const struct entry *e)
{
	return ob_finish(ob, e->id, 1);
}

/* A temporary failure after the handover: the relay did not take it. */
int
ob_clear_handover(struct outbox *ob, const struct entry *e)
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
int
ob_drop(struct outbox *ob, const struct entry *e, const char *bounced_err,
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
	argv[6] = bounced_err != NULL ? ob_str_or(e->rcpt, "") : "";
	argv[7] = bounced_err != NULL ? bounced_err : "";
	argv[8] = has_issue ? note : "";
	argv[9] = now;
	if (argv[1] == NULL || argv[2] == NULL || argv[3] == NULL)
		return -1;
	return run_script(ob, &bounce_script, 4, 10, argv) < 0 ? -1 : 0;
}

/*
 * Drops e with a note on its issue saying what the relay answered (err):
 * bounced, the recipient was refused and goes into <p>bounced; else the
 * relay refused the message itself, and no address is to blame.
 */
static int
drop_noted(struct outbox *ob, const struct entry *e, const char *err, int bounced)
{
	md_buf text = MD_BUF_INIT;
	int rc = -1;

	if (md_buf_printf(&text, bounced ? "Mail to %s failed permanently: %s" :
	    "The relay refused the mail to %s for good (the message, not the "
	    "address): %s", ob_str_or(e->rcpt, "(nobody)"), err) >= 0)
		rc = ob_drop(ob, e, bounced ? err : NULL, md_buf_str(&text));
	md_buf_free(&text);
	return rc;
}

/* A permanent failure: tell the responders on the issue, remember the rcpt. */
int
ob_bounce(struct outbox *ob, const struct entry *e, const char *err)
{
	return drop_noted(ob, e, err, 1);
}

/* The relay refused the message itself (ob->bounce_err), for ob_insist(). */
int
ob_refused_step(struct outbox *ob, const struct entry *e)
{
	return drop_noted(ob, e, ob->bounce_err, 0);
}

/* ob_bounce() with the relay's answer in ob->bounce_err, for ob_insist(). */
int
ob_bounce_step(struct outbox *ob, const struct entry *e)
{
	return ob_bounce(ob, e, ob->bounce_err);
}
