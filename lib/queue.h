/*
 * queue.h - the inbox stream and its dead letters in Redis, for admins
 * (`maildesk queue`) and the worker.  The outbound queue is a table of the
 * tracker of record (lib/outbox_store.h).
 */
#ifndef MD_QUEUE_H
#define MD_QUEUE_H

#include <stddef.h>

#include "redis.h"

/* ---- queues ------------------------------------------------------------------ */

struct md_group_stats {
	long	consumers;	/* -1: the group does not exist */
	long	pending;
	long	lag;		/* entries not yet delivered; -1 unknown */
	char	last_id[32];
};

struct md_queue_stats {
	long	inbox;		/* XLEN */
	long	outbox;
	long	dead;
	long	automated;
	struct md_group_stats workers;	/* <p>inbox group "workers" */
	struct md_group_stats senders;	/* <p>outbox group "senders" */
};

int	md_queue_stats(struct md_redis *r, struct md_queue_stats *out,
	    char *err, size_t errlen);

struct md_pending {
	char		id[32];
	char		consumer[128];
	long long	idle_ms;
	long		deliveries;
};

/* Pending entries of <p>inbox (outbox = 0) or <p>outbox, oldest first. */
int	md_queue_pending(struct md_redis *r, int outbox, size_t max,
	    struct md_pending **out, size_t *n, char *err, size_t errlen);

struct md_dead {
	char	 id[32];	/* in <p>dead */
	char	*orig_id;	/* the inbox id it had */
	char	*error;
	char	*project;
	char	*kind;
	char	*from;
	char	*subject;
	char	*received;
	long	 failures;
	long	 dead_at;	/* unix time */
};

int	md_queue_dead(struct md_redis *r, size_t max, struct md_dead **out,
	    size_t *n, char *err, size_t errlen);
void	md_dead_free(struct md_dead *d, size_t n);

/*
 * Moves an inbox entry to <p>dead (XADD with error, orig_id, failures,
 * then XACK + XDEL), atomically.  An entry already gone is only XACKed.
 */
int	md_queue_bury(struct md_redis *r, const char *entry_id, const char *error,
	    long failures, char *err, size_t errlen);

/* Puts a dead record back into <p>inbox with its original fields. */
int	md_queue_retry(struct md_redis *r, const char *dead_id, char *new_id,
	    size_t idlen, char *err, size_t errlen);
/* Retries every dead record; *count says how many moved. */
int	md_queue_retry_all(struct md_redis *r, long *count, char *err, size_t errlen);

#endif
