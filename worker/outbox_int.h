/*
 * outbox_int.h - what the sender loop (outbox.c) and its database steps
 * (outbox_steps.c) share.  Not an interface for anything else.
 */
#ifndef MD_WORKER_OUTBOX_INT_H
#define MD_WORKER_OUTBOX_INT_H

#include <signal.h>
#include <stddef.h>

#include "conf.h"
#include "outbox_store.h"
#include "smtp.h"
#include "store.h"

/*
 * A claim lasts the longest a send can take (relay_timeout_ms) plus this,
 * which is also how long the rows of a sender that died wait for another.
 * The handover marker renews it right before the final ".", so a live
 * sender only loses a row it has handed over when recording the outcome
 * fails for longer than this (the database away for over 30 s, while the
 * steps insist for a minute): the same window as a sender killed there.
 */
#define LEASE_MARGIN_S	30

enum step { STEP_OK, STEP_DB, STEP_RELAY };

struct outbox {
	const struct md_config	*cfg;
	struct md_store		 st;		/* claims and outcomes */
	int			 st_open;
	struct md_outbox_listener wake;		/* LISTEN, its own connection */
	struct md_smtp		*smtp;		/* the relay connection, kept open */
	const struct md_outbox_mail *sending;	/* the mail being sent */
	int			 handed_over;	/* its handover marker was asked for */
	int			 lost;		/* ... and the claim was gone */
	int			 hook_failed;	/* ... and the database failed */
	int			 lease_s;
	char			 me[300];	/* <hostname>-<pid>-<thread n> */
	int			 down;		/* database unreachable (logged once) */
	volatile sig_atomic_t	*stop;
};

/* s, or dflt when s is NULL or empty. */
const char *ob_str_or(const char *s, const char *dflt);
/* One log line per outcome of a mail. */
void	ob_log_result(int prio, const struct md_outbox_mail *m, const char *status,
	    const char *why);
/* Database trouble (logged once per outage) and its end. */
void	ob_db_err(struct outbox *ob, const char *what, const char *err);
void	ob_db_fine(struct outbox *ob);

/* The md_smtp commit hook: sets the handover marker of ob->sending. */
int	ob_hand_over(void *arg);

/*
 * How a mail ended, each insisting for up to a minute while the database
 * is away: 1 recorded, 0 the claim was no longer ours (another sender has
 * the row), -1 not recorded.
 */
int	ob_sent(struct outbox *ob, const struct md_outbox_mail *m);
int	ob_retry(struct outbox *ob, const struct md_outbox_mail *m, long delay_s,
	    int keep_handover, const char *why);
/* Ends m (failed, the rcpt into bounced; else dropped) with a note. */
int	ob_end_noted(struct outbox *ob, const struct md_outbox_mail *m, int bounce,
	    const char *why, const char *note);
/* The relay refused the recipient (5xx to RCPT): bounced, with a note. */
int	ob_bounce(struct outbox *ob, const struct md_outbox_mail *m, const char *why);
/* The relay refused the message itself (5xx to the data): a note, no bounce. */
int	ob_refused(struct outbox *ob, const struct md_outbox_mail *m, const char *why);
/* Automatic mail a dead sender may have handed over: dropped with a note. */
int	ob_drop_handed_over(struct outbox *ob, const struct md_outbox_mail *m);

#endif
