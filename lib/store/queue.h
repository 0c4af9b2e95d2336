/*
 * queue.h - the inbox stream and its dead letters in Redis, for admins
 * (`maildesk queue`) and the worker.  The outbound queue is a table of the
 * tracker of record (lib/store/outbox_store.h).
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

/* Redis only; the outbound queue's figures are md_outbox_stats(). */
struct md_queue_stats {
	long	inbox;		/* XLEN */
	long	dead;
	struct md_group_stats workers;	/* <p>inbox group "workers" */
};

int	md_queue_stats(struct md_redis *r, struct md_queue_stats *out,
	    char *err, size_t errlen);

struct md_pending {
	char		id[32];
	char		consumer[128];
	long long	idle_ms;
	long		deliveries;
};

/* Pending entries of <p>inbox, oldest first (none when no group yet). */
int	md_queue_pending(struct md_redis *r, size_t max, struct md_pending **out,
	    size_t *n, char *err, size_t errlen);

/*
 * Acknowledges inbox entries whose result is committed in the tracker of
 * record: XACK + XDEL of all n in one round trip (one script).  0 or -1;
 * after -1 they stay pending and their replay is recognised as filed.
 */
int	md_queue_ack(struct md_redis *r, const char *const *ids, size_t n,
	    char *err, size_t errlen);

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

/*
 * Puts a dead record back into <p>inbox with its original fields: 0,
 * MD_QUEUE_NOTFOUND (no such dead record; the value of MD_TRK_NOTFOUND)
 * or -1.
 */
#define MD_QUEUE_NOTFOUND	(-2)
int	md_queue_retry(struct md_redis *r, const char *dead_id, char *new_id,
	    size_t idlen, char *err, size_t errlen);
/* Retries every dead record; *count says how many moved. */
int	md_queue_retry_all(struct md_redis *r, long *count, char *err, size_t errlen);

#endif
