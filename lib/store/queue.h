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
 * Retrying dead letters (queue_retry.c).  The CLI's Redis user may not
 * write the inbox, so `maildesk queue retry` only asks: it appends a
 * request to <p>retry (MD_QUEUE_RETRY_KEY), which only the CLI writes,
 * and a worker moves the records back (md_queue_retry_serve, one script,
 * so each record moves once) and leaves the outcome in
 * <p>retry:<request id> for MD_QUEUE_RETRY_TTL seconds.
 */
#define MD_QUEUE_RETRY_KEY	"retry"
#define MD_QUEUE_RETRY_TTL	86400
#define MD_QUEUE_NOTFOUND	(-2)	/* the value of MD_TRK_NOTFOUND */
#define MD_QUEUE_REFUSED	(-3)	/* md_queue_retry_serve: see there */

/*
 * Room for a stream entry id "<ms>-<seq>", each at most 20 digits (64-bit
 * numbers), and the NUL.  A request whose id or upto does not fit is
 * malformed: never cut short, which could name another record.
 */
#define MD_STREAM_ID_MAX	42

/*
 * Asks for dead_id (NULL: every record dead now) to go back to the inbox:
 * 0 with the request's id in req, MD_QUEUE_NOTFOUND (no such dead record;
 * with NULL, nothing is dead: no request) or -1.
 */
int	md_queue_retry_ask(struct md_redis *r, const char *dead_id, char *req,
	    size_t reqlen, char *err, size_t errlen);

enum md_retry_state {
	MD_RETRY_WAITING,	/* no worker has served it yet */
	MD_RETRY_DONE,		/* moved (count records; new_id the last) */
	MD_RETRY_NOSUCH,	/* the id was not dead (any more) when served */
	MD_RETRY_BAD,		/* a request the worker could not read */
	MD_RETRY_GONE,		/* md_queue_retry_serve: served by another worker */
	MD_RETRY_FAILED		/* failed again and again: dropped (error says why) */
};

struct md_retry_outcome {
	enum md_retry_state	state;
	long			count;		/* records moved (so far) */
	char			new_id[MD_STREAM_ID_MAX];	/* inbox id of the last one */
	char			error[256];	/* MD_RETRY_FAILED: why */
};

/*
 * The outcome of request req so far: 0 or -1.  MD_RETRY_WAITING until it
 * ends; an --all request moving in rounds has count > 0 meanwhile.
 */
int	md_queue_retry_outcome(struct md_redis *r, const char *req,
	    struct md_retry_outcome *out, char *err, size_t errlen);

/* One waiting request, as md_queue_retry_requests lists them. */
struct md_retry_request {
	char	id[MD_STREAM_ID_MAX];		/* in <p>retry */
	char	dead_id[MD_STREAM_ID_MAX];	/* the record asked for, or "" for all ... */
	char	upto[MD_STREAM_ID_MAX];		/* ... dead up to this id */
};

/* The oldest max waiting requests: 0 (*n of them in *out, to free) or -1. */
int	md_queue_retry_requests(struct md_redis *r, size_t max,
	    struct md_retry_request **out, size_t *n, char *err, size_t errlen);

/*
 * The worker's side, one round: moves what q asks for back to the inbox
 * (at most 100 records: an --all request takes several calls, so that one
 * call never holds up the worker's loop for long), records the outcome
 * for the CLI and, when q is served in full, removes the request.
 * 0 with *out filled (q ended), 1 when more of an --all request is left
 * (out->count: moved so far; the request stays for the next call), -1
 * (Redis unreachable or not serving: the request stays, try again later)
 * or MD_QUEUE_REFUSED: Redis answered this request's script with an error
 * (a Lua error, a result key of the wrong type), which trying again will
 * likely meet again: the caller goes on with other requests and after a
 * few such answers gives the request up with md_queue_retry_fail().
 */
int	md_queue_retry_serve(struct md_redis *r, const struct md_retry_request *q,
	    struct md_retry_outcome *out, char *err, size_t errlen);

/*
 * Gives request req up: state "failed" and why in its outcome (as far as
 * its result key can take them) and the request removed.  0 or -1.
 */
int	md_queue_retry_fail(struct md_redis *r, const char *req, const char *why,
	    char *err, size_t errlen);

#endif
