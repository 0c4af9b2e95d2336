/* indexer.h - the search index's catch-up thread (indexer.c). */
#ifndef MD_WK_INDEXER_H
#define MD_WK_INDEXER_H

#include <signal.h>

#include "conf.h"

/* Runs until *stop: indexes the issues filed without search words. */
int	md_indexer_run(const struct md_config *cfg, volatile sig_atomic_t *stop);

#endif
