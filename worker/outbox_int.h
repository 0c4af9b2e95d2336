/*
 * outbox_int.h - what the sender loop (outbox.c) and its Redis steps
 * (outbox_steps.c) share.  Not an interface for anything else.
 */
#ifndef MD_WORKER_OUTBOX_INT_H
#define MD_WORKER_OUTBOX_INT_H

#include <stddef.h>

#include "buf.h"
#include "conf.h"
#include "redis.h"
#include "smtp.h"

#define GROUP		"senders"

enum step { STEP_OK, STEP_REDIS, STEP_RELAY };

struct outbox {
	const struct md_config *cfg;
	struct md_redis	*r;
	struct md_smtp	*smtp;		/* the relay connection, kept open */
	const char	*sending;	/* entry id of the mail being sent */
	const char	*bounce_err;	/* the relay's refusal, for ob_bounce_step() */
	int		 handed_over;	/* its handover marker was set */
	char		 stale_handover[64];	/* entry whose marker we left but
					   never handed over ("" none) */
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

/* s, or dflt when s is NULL or empty. */
const char *ob_str_or(const char *s, const char *dflt);
/* One log line per outcome of a mail. */
void	ob_log_result(int prio, const struct entry *e, const char *status,
	    const char *why);
/* Redis trouble (an error reply always, an outage once) and its end. */
void	ob_redis_err(struct outbox *ob, const char *what, const redisReply *rep);
void	ob_redis_fine(struct outbox *ob);

/* The md_smtp commit hook: sets the handover marker of ob->sending. */
int	ob_hand_over(void *arg);
/*
 * Before sending an entry not read fresh: 0 someone else's now, 1 send it,
 * 2 already sent, 3 handed over by a sender that died since, -1 Redis
 * trouble.
 */
int	ob_claim(struct outbox *ob, const struct entry *e);
/* XACK + XDEL, with the sent marker first when sent is set; 0 or -1. */
int	ob_finish(struct outbox *ob, const char *id, int sent);
int	ob_finish_sent(struct outbox *ob, const struct entry *e);
/* Deletes the handover marker (the relay did not take the mail); 0 or -1. */
int	ob_clear_handover(struct outbox *ob, const struct entry *e);
/*
 * Drops the entry with a system note on its issue; bounced_err set: a
 * permanent failure, the recipient goes into <p>bounced.  0 or -1.
 */
int	ob_drop(struct outbox *ob, const struct entry *e, const char *bounced_err,
	    const char *note);
/* A permanent failure with the relay's answer err; ob_bounce_step takes
 * it from ob->bounce_err, for ob_insist(). */
int	ob_bounce(struct outbox *ob, const struct entry *e, const char *err);
int	ob_bounce_step(struct outbox *ob, const struct entry *e);
/* The relay refused the message (not the recipient): a note, no bounce. */
int	ob_refused_step(struct outbox *ob, const struct entry *e);
/* Runs step until it succeeds, for at most a minute; 0 or -1. */
int	ob_insist(struct outbox *ob, const struct entry *e,
	    int (*step)(struct outbox *, const struct entry *));

#endif
