/*
 * outbox_steps.c - the database side of sending one mail: the handover
 * marker right before the final ".", and the steps that record how it
 * ended (sent, retried, bounced, refused, dropped).  The rules they keep
 * are described at the top of outbox.c; the statements are in
 * lib/store/outbox_store.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "outbox_int.h"
#include "tracker.h"
#include "wk_metrics.h"

/* Recording an outcome is retried this often, this far apart (60 s). */
#define MARK_TRIES	240
#define MARK_PAUSE_MS	250

const char *
ob_str_or(const char *s, const char *dflt)
{
	return s != NULL && *s != '\0' ? s : dflt;
}

void
ob_log_result(int prio, const struct md_outbox_mail *m, const char *status,
    const char *why)
{
	md_log(prio, "outbox %lld: to=<%s>, issue=%s#%ld, kind=%s, msgid=<%s>, "
	    "status=%s%s%s%s", m->id, ob_str_or(m->rcpt, ""), ob_str_or(m->project, "?"),
	    m->iid, ob_str_or(m->kind, "?"), ob_str_or(m->message_id, ""),
	    status, why ? " (" : "", why ? why : "", why ? ")" : "");
	wk_metrics_outbox(status);	/* every fate of a mail is logged here once */
}

/* Once per outage at LOG_ERR, then at debug level until it works again. */
void
ob_db_err(struct outbox *ob, const char *what, const char *err)
{
	md_log(ob->down ? LOG_DEBUG : LOG_ERR, "outbox: %s: %s", what, err);
	ob->down = 1;
}

void
ob_db_fine(struct outbox *ob)
{
	if (ob->down)
		md_log(LOG_INFO, "outbox: database reachable again");
	ob->down = 0;
}

/*
 * The md_smtp commit hook: the message is about to be handed over.  If
 * that cannot be recorded, or the claim is no longer ours, the transfer is
 * aborted (no final ".") and nothing was delivered.
 */
int
ob_hand_over(void *arg)
{
	struct outbox *ob = arg;
	char err[512];
	int rc;

	/* Set before asking: the database may commit and lose the reply. */
	ob->handed_over = 1;
	rc = md_outbox_handover_set(&ob->st, ob->sending->id, ob->me, ob->lease_s,
	    err, sizeof err);
	if (rc == 1)
		return 0;
	if (rc == 0)
		ob->lost = 1;
	else {
		ob->hook_failed = 1;
		ob_db_err(ob, "handover marker", err);
	}
	return -1;
}

/*
 * After a failed step: 1 to try again in MARK_PAUSE_MS, 0 to give up (a
 * minute of trying, or a stop when the outcome is not one the relay has
 * already seen: must).  A mail the relay has, or refused, must not stay
 * recorded wrongly while PostgreSQL restarts, stop or not.
 */
static int
again(struct outbox *ob, int *tries, int must, const char *what, const char *err)
{
	ob_db_err(ob, what, err);
	if (++*tries >= MARK_TRIES || (*ob->stop && !must))
		return 0;
	usleep(MARK_PAUSE_MS * 1000);
	return 1;
}

static void
not_recorded(const struct md_outbox_mail *m, const char *what, int rc)
{
	if (rc == 0)
		md_log(LOG_WARNING, "outbox %lld: %s, but another sender has "
		    "claimed it meanwhile", m->id, what);
	else if (rc < 0)
		md_log(LOG_ERR, "outbox %lld: %s, but not recorded", m->id, what);
}

int
ob_sent(struct outbox *ob, const struct md_outbox_mail *m)
{
	const char *what = "recording a sent mail";
	char err[512];
	int rc, tries = 0;

	while ((rc = md_outbox_sent(&ob->st, m->id, ob->me, err, sizeof err)) < 0 &&
	    again(ob, &tries, 1, what, err))
		;
	if (rc >= 0)
		ob_db_fine(ob);
	if (rc != 1)
		not_recorded(m, "sent", rc);
	return rc;
}

int
ob_retry(struct outbox *ob, const struct md_outbox_mail *m, long delay_s,
    int keep_handover, const char *why)
{
	const char *what = "recording a deferral";
	char err[512];
	int rc, tries = 0;

	while ((rc = md_outbox_retry(&ob->st, m->id, ob->me, delay_s, keep_handover,
	    why, err, sizeof err)) < 0 && again(ob, &tries, ob->handed_over, what, err))
		;
	if (rc >= 0)
		ob_db_fine(ob);
	if (rc < 0)
		not_recorded(m, "deferred", rc);
	return rc;
}

int
ob_end_noted(struct outbox *ob, const struct md_outbox_mail *m, int bounce,
    const char *why, const char *note)
{
	const char *what = "recording the end of a mail";
	char err[512];
	int rc, tries = 0;

	while ((rc = md_outbox_end(&ob->st, m, ob->me, bounce, why, note, err,
	    sizeof err)) < 0 && again(ob, &tries, 1, what, err))
		;
	if (rc >= 0)
		ob_db_fine(ob);
	if (rc != 1)
		not_recorded(m, bounce ? "bounced" : "dropped", rc);
	return rc;
}

int
ob_bounce(struct outbox *ob, const struct md_outbox_mail *m, const char *why)
{
	md_buf text = MD_BUF_INIT;
	int rc;

	if (md_buf_printf(&text, "Mail to %s failed permanently: %s",
	    ob_str_or(m->rcpt, "(nobody)"), why) < 0)
		return -1;
	rc = ob_end_noted(ob, m, 1, why, md_buf_str(&text));
	md_buf_free(&text);
	return rc;
}

int
ob_refused(struct outbox *ob, const struct md_outbox_mail *m, const char *why)
{
	md_buf text = MD_BUF_INIT;
	int rc;

	if (md_buf_printf(&text, "The relay refused the mail to %s for good (the "
	    "message, not the address): %s", ob_str_or(m->rcpt, "(nobody)"), why) < 0)
		return -1;
	rc = ob_end_noted(ob, m, 0, why, md_buf_str(&text));
	md_buf_free(&text);
	return rc;
}

int
ob_drop_handed_over(struct outbox *ob, const struct md_outbox_mail *m)
{
	md_buf text = MD_BUF_INIT;
	int rc;

	if (md_buf_printf(&text, "The %s mail to %s may not have been delivered: "
	    "the worker sending it stopped while handing it to the relay, and "
	    "automatic mail is never sent twice.", ob_str_or(m->kind, "automatic"),
	    ob_str_or(m->rcpt, "(nobody)")) < 0)
		return -1;
	rc = ob_end_noted(ob, m, 0, "handed over by a sender that stopped "
	    "(it may have been delivered): not sent again", md_buf_str(&text));
	md_buf_free(&text);
	return rc;
}
