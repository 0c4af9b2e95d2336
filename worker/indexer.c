/*
 * indexer.c - writes the search words of issues filed without them.
 *
 * Filing an issue leaves issues.search NULL: parsing a long description
 * into a tsvector costs as much as the rest of the issue, and the inbox
 * must be filed faster than the mail server can accept (doc/performance.md).
 * This thread catches up in batches a moment later; until it does, a
 * search computes the words of those few issues itself
 * (lib/store/tracker_search.c), so nothing is ever missing from a search.
 */
#include "config.h"

#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "clock.h"
#include "indexer.h"
#include "log.h"
#include "store.h"
#include "tracker.h"

#define BATCH		500	/* issues per transaction */
#define IDLE_MS		500	/* nothing to do: look again after this */
#define ERROR_MS	2000	/* database trouble: wait this long */

volatile sig_atomic_t md_indexer_defer;

static void
nap(int ms, volatile sig_atomic_t *stop)
{
	struct timespec ts = { 0, 50 * 1000000L };
	int slept;

	for (slept = 0; slept < ms && !*stop; slept += 50)
		nanosleep(&ts, NULL);
}

int
md_indexer_run(const struct md_config *cfg, volatile sig_atomic_t *stop)
{
	struct md_store st;
	long done, total = 0;
	long long last_log = 0, last_batch = md_now_ms();
	char err[512];
	int open = 0;

	while (!*stop) {
		if (!open) {
			if (md_store_open(&st, cfg, 0, err, sizeof err) < 0) {
				nap(ERROR_MS, stop);
				continue;
			}
			open = 1;
		}
		/* Filing comes first: words parsed now would take the CPU the
		 * backlog needs, and searches see unindexed issues anyway. */
		if (md_indexer_defer && md_now_ms() - last_batch < MD_INDEXER_DEFER_MAX_MS) {
			nap(200, stop);
			continue;
		}
		last_batch = md_now_ms();
		if (md_tracker_index(&st, BATCH, &done, err, sizeof err) < 0) {
			/* The inbox thread reports the database's state; one
			 * line a minute is enough here. */
			if (md_now_ms() - last_log > 60000) {
				md_log(LOG_WARNING, "indexer: %s", err);
				last_log = md_now_ms();
			}
			md_store_close(&st);
			open = 0;
			nap(ERROR_MS, stop);
			continue;
		}
		total += done;
		if (done < BATCH) {
			if (total > 0)
				md_log(LOG_DEBUG, "indexer: %ld issues indexed", total);
			total = 0;
			nap(IDLE_MS, stop);
		}
	}
	if (open)
		md_store_close(&st);
	return 0;
}
