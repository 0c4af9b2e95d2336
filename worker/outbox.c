/*
 * outbox.c - the sender loop: rows of the outbox table -> the SMTP relay.
 *
 * A sender claims up to BATCH due rows (UPDATE ... FOR UPDATE SKIP LOCKED:
 * concurrent senders never get the same row, and never wait for each
 * other), sends them one by one over one kept relay connection and
 * records each outcome, decided by md_smtp_submit():
 *   sent       state sent (kept a week for admins, then swept)
 *   permanent  (5xx to RCPT) state failed, the address into bounced and
 *              a system note on the issue, in one transaction
 *   refused    (the message, not the recipient: 5xx to the data) state
 *              dropped with the note, nobody marked
 *   temporary  (4xx, no answer, a 5xx before RCPT: a relay that wants TLS
 *              or AUTH is ours to fix) queued again, due after
 *              retry_base_s * 2^(attempts-1), at most retry_max_s; after
 *              MD_OUTBOX_LIFETIME_S it is given up as a permanent failure.
 * Which of these happens is decided by lib/policy/outbox_fate.c from the facts.
 * When there is nothing due the sender waits for the NOTIFY that an
 * outbox insert sends at commit (LISTEN on a connection of its own), or
 * worker_block_ms at most, so a lost notification costs one poll.
 *
 * Exactly-once is impossible: a sender can die after the relay took the
 * message and before it recorded that.  Right before the final "." that
 * hands the message over, the sender sets the row's handover marker (its
 * own committed UPDATE, from the md_smtp commit hook); every certain
 * outcome clears it.  A sender that claims a row carrying the marker knows
 * the previous owner stopped between that moment and recording the
 * result: the mail may or may not have arrived.  What happens then depends
 * on who wrote it:
 *   - automatic mail (confirmation, notice, forward) is not sent again,
 *     and the issue gets a system note saying it may not have arrived:
 *     a machine-made mail twice is what mail loops are made of;
 *   - a responder's mail (note, close, reopen) is sent again: a customer
 *     may see it twice, but a person's answer is never lost.
 * Everything else is fenced by the claim: a claim lasts a lease of
 * relay_timeout_ms + LEASE_MARGIN_S, the handover marker renews it and
 * can only be set while the claim is still ours, and every outcome is
 * recorded only by the row's claimer.  A sender that hung past its lease
 * finds the row taken and neither sends nor records it.
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
#include "outbox_fate.h"
#include "outbox_int.h"
#include "redact.h"
#include "tracker.h"

#define BATCH		10		/* rows per claim */
#define PAUSE_MS	1000		/* after database trouble */
#define RELAY_PAUSE_MAX	60		/* seconds, after the relay was down */
#define WAIT_SLICE_MS	200		/* a stop is noticed this fast */
#define SWEEP_EVERY_MS	(600 * 1000)
#define KEEP_SENT_S	(7 * 86400)	/* sent and dropped rows, for admins */

/* Sleeps ms, waking early when asked to stop. */
static void
pause_ms(volatile sig_atomic_t *stop, long ms)
{
	struct timespec ts = { 0, 100 * 1000000L };

	for (; ms > 0 && !*stop; ms -= 100)
		nanosleep(&ts, NULL);
}

/* Sends one claimed mail and records how it ended (lib/policy/outbox_fate.c decides). */
static enum step
deliver(struct outbox *ob, const struct md_outbox_mail *m)
{
	struct md_fate_facts f = {
		.kind = m->kind, .handover_marked = *m->handover != '\0',
		.malformed = *m->rcpt == '\0' || m->len == 0,
		.age_s = (long)(time(NULL) - m->created), .attempts = m->attempts,
	};
	struct md_fate_decision d;
	char err[512], why[600];
	int rc;

	md_outbox_fate_before(&f, &d);
	switch (d.fate) {
	case MD_FATE_RESEND:
		md_log(LOG_WARNING, "outbox %lld: sender %s stopped while handing "
		    "it to the relay; sending it again (it may arrive twice)",
		    m->id, m->handover);
		break;
	case MD_FATE_DROP_HANDED_OVER:
		ob_log_result(LOG_WARNING, m, "dropped", "the sender that had it "
		    "stopped while handing it to the relay: it may have been "
		    "delivered, so it is not sent again");
		return ob_drop_handed_over(ob, m) < 0 ? STEP_DB : STEP_OK;
	case MD_FATE_DROP_MALFORMED:
		ob_log_result(LOG_ERR, m, "dropped", "malformed outbox row");
		return ob_end_noted(ob, m, 0, "malformed outbox row", "A mail could "
		    "not be sent: its outbox row has no recipient or no message.") < 0 ?
		    STEP_DB : STEP_OK;
	default:
		break;
	}
	ob->sending = m;
	ob->handed_over = ob->lost = ob->hook_failed = 0;
	f.result = md_smtp_submit(ob->smtp, ob->cfg->relay, ob->cfg->relay_timeout_ms,
	    m->mail_from, m->rcpt, m->data, m->len, err, sizeof err);
	f.lost = ob->lost;
	f.hook_failed = ob->hook_failed;
	f.uncertain = ob->handed_over && md_smtp_uncertain(ob->smtp);
	md_outbox_fate_after(ob->cfg, &f, &d);
	switch (d.fate) {
	case MD_FATE_SENT:
		ob_log_result(LOG_INFO, m, "sent", NULL);
		return ob_sent(ob, m) < 0 ? STEP_DB : STEP_OK;
	case MD_FATE_BOUNCE:
		ob_log_result(LOG_WARNING, m, "bounced", err);
		return ob_bounce(ob, m, err) < 0 ? STEP_DB : STEP_OK;
	case MD_FATE_REFUSED:
		ob_log_result(LOG_WARNING, m, "refused", err);
		return ob_refused(ob, m, err) < 0 ? STEP_DB : STEP_OK;
	case MD_FATE_TAKEN:
		md_log(LOG_NOTICE, "outbox %lld: taken over by another sender, "
		    "not handed over", m->id);
		return STEP_OK;
	case MD_FATE_GIVE_UP:
		snprintf(why, sizeof why, "gave up after %d days: %s",
		    MD_OUTBOX_LIFETIME_S / 86400, err);
		ob_log_result(LOG_WARNING, m, "bounced", why);
		return ob_bounce(ob, m, why) < 0 ? STEP_DB : STEP_OK;
	default:
		break;
	}
	if (f.hook_failed) {
		ob_log_result(LOG_WARNING, m, "deferred", "the handover marker "
		    "could not be set");
		ob_retry(ob, m, d.delay_s, 0, err);
		return STEP_DB;
	}
	if (d.keep_handover)
		md_log(LOG_WARNING, "outbox %lld: no answer after the data; it may "
		    "have been delivered", m->id);
	ob_log_result(LOG_WARNING, m, "deferred", err);
	rc = ob_retry(ob, m, d.delay_s, d.keep_handover, err);
	if (rc < 0)
		return STEP_DB;
	return md_outbox_relay_unreachable(err) ? STEP_RELAY : STEP_OK;
}

/*
 * Sends a claimed batch in order.  Rows not tried (a stop, trouble, or a
 * batch that has taken half the margin of its lease) are given back.
 */
static enum step
send_batch(struct outbox *ob, const struct md_outbox_mail *m, size_t n)
{
	long long ids[BATCH], t0 = md_now_ms();
	enum step st = STEP_OK;
	size_t i, left = 0;
	char err[512];

	for (i = 0; i < n; i++) {
		if (st != STEP_OK || *ob->stop ||
		    md_now_ms() - t0 > LEASE_MARGIN_S * 1000L / 2) {
			if (left < BATCH)
				ids[left++] = m[i].id;
			continue;
		}
		st = deliver(ob, &m[i]);
	}
	if (left > 0 && md_outbox_release(&ob->st, ob->me, ids, left, err,
	    sizeof err) < 0)
		md_log(LOG_DEBUG, "outbox: %zu claims left to expire: %s", left, err);
	return st;
}

/* Deletes sent and dropped rows older than a week, every 10 minutes. */
static void
sweep(struct outbox *ob, long long *last)
{
	char err[512];
	long n;

	if (*last != 0 && md_now_ms() - *last < SWEEP_EVERY_MS)
		return;
	*last = md_now_ms();
	if ((n = md_outbox_sweep(&ob->st, KEEP_SENT_S, 0, err, sizeof err)) < 0)
		md_log(LOG_WARNING, "outbox: sweeping old rows: %s", err);
	else if (n > 0)
		md_log(LOG_INFO, "outbox: %ld sent or dropped mails older than 7 "
		    "days deleted", n);
}

/*
 * Waits for new mail: a NOTIFY, worker_block_ms (a poll: notifications
 * can be lost with a connection) or a stop, whichever comes first.
 */
static void
wait_for_work(struct outbox *ob)
{
	long long until = md_now_ms() + ob->cfg->worker_block_ms;
	char err[512];
	int rc;

	while (!*ob->stop) {
		long long left = until - md_now_ms();

		if (left <= 0)
			return;
		rc = md_outbox_wait(&ob->wake, left < WAIT_SLICE_MS ? (int)left :
		    WAIT_SLICE_MS, err, sizeof err);
		if (rc > 0)
			return;
		if (rc < 0) {
			md_log(LOG_DEBUG, "outbox: %s", err);
			pause_ms(ob->stop, left);	/* polling it is */
			return;
		}
	}
}

/* What to wait after a batch: nothing, database trouble, or a dead relay. */
static void
after(const struct outbox *ob, enum step st)
{
	long s = ob->cfg->retry_base_s;

	if (st == STEP_DB)
		pause_ms(ob->stop, PAUSE_MS);
	else if (st == STEP_RELAY)
		pause_ms(ob->stop, (s < RELAY_PAUSE_MAX ? s : RELAY_PAUSE_MAX) * 1000L);
}

static int
outbox_init(struct outbox *ob, const struct md_config *cfg,
    volatile sig_atomic_t *stop)
{
	static int senders;
	char host[256], err[512];

	memset(ob, 0, sizeof *ob);
	ob->cfg = cfg;
	ob->stop = stop;
	ob->lease_s = (cfg->relay_timeout_ms + 999) / 1000 + LEASE_MARGIN_S;
	if (gethostname(host, sizeof host) < 0 || host[0] == '\0')
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	/* Unique per sender: the claim is the fence between senders. */
	snprintf(ob->me, sizeof ob->me, "%s-%ld-%d", host, (long)getpid(),
	    __atomic_add_fetch(&senders, 1, __ATOMIC_SEQ_CST));
	md_smtp_global_init();
	if (md_outbox_listener_open(&ob->wake, cfg->database, err, sizeof err) < 0 ||
	    (ob->smtp = md_smtp_new()) == NULL)
		return -1;
	md_smtp_set_commit(ob->smtp, ob_hand_over, ob);
	return 0;
}

static void
outbox_free(struct outbox *ob)
{
	if (ob->st_open)
		md_store_close(&ob->st);
	md_outbox_listener_close(&ob->wake);
	md_smtp_free(ob->smtp);
}

/* The sender's own connection; 0, or -1 (logged once per outage). */
static int
open_store(struct outbox *ob)
{
	char err[512];

	if (ob->st_open)
		return 0;
	if (md_store_open(&ob->st, ob->cfg, 0, err, sizeof err) < 0) {
		ob_db_err(ob, "connecting", err);
		return -1;
	}
	ob->st_open = 1;
	ob_db_fine(ob);
	return 0;
}

/*
 * Claims the next batch.  A connection that died while idle (PostgreSQL
 * restarted) is replaced and the claim tried once more at once: the claim
 * that failed changed nothing.
 */
static int
claim(struct outbox *ob, struct md_outbox_mail **m, size_t *n, char *err,
    size_t errlen)
{
	PGconn *c;

	if (md_outbox_claim(&ob->st, ob->me, ob->lease_s, BATCH, m, n, err,
	    errlen) == 0)
		return 0;
	c = md_db_conn(ob->st.db);
	if ((c != NULL && PQstatus(c) == CONNECTION_OK) ||
	    md_db_connect(ob->st.db, err, errlen) < 0)
		return -1;
	return md_outbox_claim(&ob->st, ob->me, ob->lease_s, BATCH, m, n, err, errlen);
}

int
md_outbox_run(const struct md_config *cfg, volatile sig_atomic_t *stop)
{
	struct md_outbox_mail *m;
	struct outbox ob;
	long long last_sweep = 0;
	char err[512], relay[512];
	size_t n;

	if (outbox_init(&ob, cfg, stop) < 0) {
		md_log(LOG_ERR, "outbox: out of memory");
		outbox_free(&ob);
		return -1;
	}
	/* The relay URL may carry the relay's password. */
	md_url_redact(cfg->relay, relay, sizeof relay);
	md_log(LOG_INFO, "outbox: sending as %s via %s", ob.me, relay);
	while (!*stop) {
		if (open_store(&ob) < 0) {
			pause_ms(stop, PAUSE_MS);
			continue;
		}
		sweep(&ob, &last_sweep);
		if (claim(&ob, &m, &n, err, sizeof err) < 0) {
			ob_db_err(&ob, "claiming mail", err);
			pause_ms(stop, PAUSE_MS);
			continue;
		}
		ob_db_fine(&ob);
		if (n == 0) {
			wait_for_work(&ob);
			continue;
		}
		after(&ob, send_batch(&ob, m, n));
		md_outbox_mails_free(m, n);
	}
	md_log(LOG_INFO, "outbox: stopped");
	outbox_free(&ob);
	return 0;
}
