/*
 * wk_metrics.h - what maildesk-worker counts (doc/maildesk-worker.8,
 * METRICS), served by its listener (worker_metrics_listen).
 */
#ifndef WK_METRICS_H
#define WK_METRICS_H

#include "conf.h"

/*
 * Declares the families and, when worker_metrics_listen is set, starts the
 * GET /metrics listener.  The gauges that describe the queues (inbox lag,
 * dead letters, outbox backlog) are read from Redis and PostgreSQL when
 * scraped, on connections of the listener's own, with a configuration of
 * its own loaded from cfg->path (a reload does not move the listener).
 * 0, or -1 after logging why.  After detaching: the listener is a thread.
 */
int	wk_metrics_start(const struct md_config *cfg);

/* A filed inbox entry: "created", "reply", "duplicate", ..., "failed", "dead". */
void	wk_metrics_record(const char *result);
/* An outbox mail's fate: "sent", "deferred", "bounced", "refused", "dropped". */
void	wk_metrics_outbox(const char *result);

#endif
