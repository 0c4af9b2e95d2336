/* indexer.h - the search index's catch-up thread (indexer.c). */
#ifndef MD_WK_INDEXER_H
#define MD_WK_INDEXER_H

#include <signal.h>

#include "conf.h"

/*
 * Set by the inbox loop while it reads full batches (a backlog): the
 * indexer then waits, at most MD_INDEXER_DEFER_MAX_MS between two batches,
 * so a burst of mail is filed first and indexed after.
 */
extern volatile sig_atomic_t md_indexer_defer;
#define MD_INDEXER_DEFER_MAX_MS	30000

/* Runs until *stop: indexes the issues filed without search words. */
int	md_indexer_run(const struct md_config *cfg, volatile sig_atomic_t *stop);

#endif
