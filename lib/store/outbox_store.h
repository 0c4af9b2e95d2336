/*
 * outbox_store.h - the outbound mail queue: the PostgreSQL table outbox.
 *
 * The tracker inserts one row per mail in the transaction of the issue or
 * note that causes it (tracker_mail.c); an insert NOTIFYs the channel
 * maildesk_outbox at commit.  Senders (maildesk-worker, any number of
 * threads and hosts) claim due rows with FOR UPDATE SKIP LOCKED, send them
 * and record the outcome here.  A row's life:
 *
 *   queued --claim--> queued, claimed_by = sender, claimed_until = lease end
 *          --handover set just before the final "."-->
 *          sent | failed (bounced) | dropped | queued again (retry later)
 *
 * A claim lasts a lease (claimed_until); a sender that dies leaves its rows
 * to whoever claims them after the lease.  Every outcome is recorded only
 * while the claim is still the sender's (claimed_by), so a sender whose
 * lease ran out never overwrites its successor's work.  The handover
 * marker is the one unavoidable window: see md_outbox_handover_set().
 *
 * Times are the database server's clock (Unix seconds), so senders on
 * several hosts agree on what is due.  All functions: 0 or a count on
 * success, -1 with err.  Nothing logs.
 */
#ifndef MD_OUTBOX_STORE_H
#define MD_OUTBOX_STORE_H

#include <stddef.h>

#include "db.h"
#include "store.h"

/* The channel the outbox trigger NOTIFYs (db/migrations/001_tracker.sql). */
#define MD_OUTBOX_CHANNEL	"maildesk_outbox"

/* One claimed mail.  Strings malloc'd, never NULL. */
struct md_outbox_mail {
	long long	 id;
	char		*project;
	long		 iid;		/* 0: no issue */
	char		*kind;		/* confirmation | note | close | ... */
	char		*rcpt;
	char		*mail_from;	/* "" = null sender */
	char		*message_id;
	char		*data;		/* the whole message, CRLF lines */
	size_t		 len;
	long		 created;
	int		 attempts;	/* claims so far, this one included */
	char		*handover;	/* "" or the sender that was inside the
					   final "." when it stopped */
};

/*
 * Claims up to max due rows (queued, next_attempt reached, no live claim),
 * oldest due first, for sender me until now + lease_s, and counts an
 * attempt for each.  Rows other senders are claiming at the same moment
 * are skipped, never waited for.  *out (free with md_outbox_mails_free)
 * and *n receive them; 0 rows is not an error.
 */
int	md_outbox_claim(struct md_store *st, const char *me, int lease_s, int max,
	    struct md_outbox_mail **out, size_t *n, char *err, size_t errlen);
void	md_outbox_mails_free(struct md_outbox_mail *m, size_t n);

/*
 * Gives back claimed rows that were not tried (a stop, a dead relay): the
 * claim and its attempt are undone.  Returns the rows released or -1.
 */
long	md_outbox_release(struct md_store *st, const char *me,
	    const long long *ids, size_t n, char *err, size_t errlen);

/*
 * The handover marker: set (its own committed statement) just before the
 * final "." of the transfer, which also renews the lease for the time the
 * relay may take to answer.  1 set, 0 the claim is no longer ours (do not
 * hand the mail over), -1 error (do not either).  A sender that claims a
 * row whose handover is set knows its predecessor stopped between this
 * moment and recording the outcome: the relay may or may not have the mail.
 * Every certain outcome below clears it; only md_outbox_retry with
 * keep_handover (no answer to the data) leaves it.
 */
int	md_outbox_handover_set(struct md_store *st, long long id, const char *me,
	    int lease_s, char *err, size_t errlen);

/*
 * Outcomes, recorded only while the claim is me's: 1 recorded, 0 the claim
 * was lost (another sender has the row, or it is no longer queued), -1
 * error (the caller tries again: each is idempotent).
 */
/* The relay took it: state sent, done_at now.  Sent rows are kept a week. */
int	md_outbox_sent(struct md_store *st, long long id, const char *me,
	    char *err, size_t errlen);
/*
 * Not taken for now: queued again, due in delay_s, why kept in last_error.
 * keep_handover: the data got no answer, so the relay may have it and the
 * next claim must decide as after a dead sender.
 */
int	md_outbox_retry(struct md_store *st, long long id, const char *me,
	    long delay_s, int keep_handover, const char *why, char *err, size_t errlen);
/*
 * Ends a mail that is not sent: state failed with the recipient put into
 * bounced (bounce = 1: the relay refused the recipient), else state
 * dropped.  note (or NULL) becomes a system note on the mail's issue, in
 * the same transaction.
 */
int	md_outbox_end(struct md_store *st, const struct md_outbox_mail *m,
	    const char *me, int bounce, const char *why, const char *note,
	    char *err, size_t errlen);

/*
 * Deletes sent and dropped rows finished more than keep_s ago, at most
 * limit (<= 0: 10000) per call.  Returns the number deleted or -1.
 */
long	md_outbox_sweep(struct md_store *st, long keep_s, long limit, char *err,
	    size_t errlen);

/* ---- waking senders ---------------------------------------------------- */

/*
 * LISTEN on a connection of its own (a listener must not be in the middle
 * of the sender's statements).  Lost connections are re-established and
 * LISTENed again by the next md_outbox_wait.
 */
struct md_outbox_listener {
	struct md_db	*db;
	int		 listening;
};

int	md_outbox_listener_open(struct md_outbox_listener *l, const char *conninfo,
	    char *err, size_t errlen);
void	md_outbox_listener_close(struct md_outbox_listener *l);
/*
 * Waits up to timeout_ms for a notification (an outbox insert committed).
 * 1 woken, 0 timed out, -1 the connection is down (returns at once; the
 * caller pauses before the next try).  Notifications that arrived since
 * the last call count: none is lost between a claim and the wait.
 */
int	md_outbox_wait(struct md_outbox_listener *l, int timeout_ms, char *err,
	    size_t errlen);

/* ---- for admins (maildesk queue) ----------------------------------------- */

struct md_outbox_stats {
	long	queued;		/* not yet sent */
	long	due;		/* ... of which due now */
	long	deferred;	/* ... tried before (attempts > 0) */
	long	claimed;	/* ... claimed by a live sender now */
	long	handover;	/* ... carrying a handover marker */
	long	sent;		/* kept for a week */
	long	failed;
	long	dropped;
	long	oldest;		/* age in seconds of the oldest queued, 0 none */
};

int	md_outbox_stats(struct md_store *st, struct md_outbox_stats *out,
	    char *err, size_t errlen);

/* A queued row as `maildesk queue pending --outbox` lists it. */
struct md_outbox_pending {
	long long	 id;
	char		 project[65];
	long		 iid;
	char		 kind[32];
	char		*rcpt;
	int		 attempts;
	long		 next_attempt;	/* unix time */
	long		 created;
	char		*claimed_by;	/* "" when not claimed now */
	char		*handover;	/* "" none */
	char		*last_error;
};

/* Queued rows, due first; at most max (<= 0: 100). */
int	md_outbox_pending(struct md_store *st, size_t max,
	    struct md_outbox_pending **out, size_t *n, char *err, size_t errlen);
void	md_outbox_pending_free(struct md_outbox_pending *p, size_t n);

#endif
