/*
 * wk_inbox.h - the consumer side of <prefix>inbox: read, file in PostgreSQL,
 * acknowledge.
 *
 * One struct wk_inbox per worker process, used by the main thread only
 * (it owns one md_store: a PostgreSQL and a Redis connection).  The
 * consumer name is "<hostname>-<pid>", so a restarted worker is a new
 * consumer and the entries its predecessor left pending are taken over by
 * XAUTOCLAIM once they are idle for worker_claim_idle_ms.
 */
#ifndef MD_WORKER_INBOX_H
#define MD_WORKER_INBOX_H

#include <signal.h>
#include <stddef.h>

#include "conf.h"
#include "redis.h"
#include "store.h"

/* Records read from the stream at a time (and filed in one transaction). */
#define WK_INBOX_READ	50

struct wk_inbox {
	const struct md_config	*cfg;
	struct md_store		 st;		/* the tracker of record */
	int			 st_open;
	int			 fatal;		/* the schema does not fit: exit */
	int			 db_down;	/* logged once per outage */
	struct md_redis		*r;		/* st.redis once open */
	char			 consumer[128];
	char			 stream[256];	/* <prefix>inbox */
	int			 group_ok;	/* XGROUP CREATE done */
	int			 own_done;	/* own pending history re-read */
	long long		 last_claim;	/* CLOCK_MONOTONIC ms */
};

/* 0, or -1 (out of memory).  Does not connect yet. */
int	wk_inbox_init(struct wk_inbox *w, const struct md_config *cfg);
void	wk_inbox_free(struct wk_inbox *w);

/*
 * Opens the store (PostgreSQL now, Redis lazily) and checks the schema:
 * 0, -1 the database is unreachable (try again later), -2 its schema is
 * not the one this program was built for (err tells the admin what to do;
 * the worker must not run).  wk_inbox_step calls it as needed.
 */
int	wk_inbox_open(struct wk_inbox *w, char *err, size_t errlen);

/*
 * One round: claims stale entries of dead consumers (every 5 s, or every
 * worker_claim_idle_ms when that is shorter), else
 * reads up to 50 new entries (blocking worker_block_ms) and files them as
 * one batch (md_tracker_ingest_batch: one transaction); only after it
 * committed are the entries that succeeded acknowledged.  *stop is checked
 * between claimed entries, a read is always finished.  Returns the number
 * of entries handled, or -1 when Redis or PostgreSQL failed (the caller
 * waits a little; the entries stay pending); w->fatal is set when the
 * worker must stop (a schema mismatch).
 */
int	wk_inbox_step(struct wk_inbox *w, volatile sig_atomic_t *stop);

/* At shutdown: removes our consumer from the group if nothing is pending on it. */
void	wk_inbox_leave(struct wk_inbox *w);

#endif
