/*
 * metrics.c - maildesk-worker's metric families.  Counters are bumped by
 * the inbox and outbox code; the queue gauges are computed when scraped,
 * so an idle worker costs Redis and PostgreSQL nothing for them.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/time.h>

#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"
#include "outbox_store.h"
#include "queue.h"
#include "stream_names.h"
#include "redis.h"
#include "store.h"
#include "wk_metrics.h"

/* One scrape reads the queues once for all the gauges below. */
#define FRESH_MS	500

static struct {
	pthread_mutex_t		 lock;
	struct md_config	 cfg;
	struct md_redis		*r;
	struct md_store		 st;
	int			 st_open;
	long long		 at;		/* md_now_ms() of the last read */
	int			 redis_ok, db_ok;
	double			 lag_s, entries, dead, backlog, oldest_s;
} q = { .lock = PTHREAD_MUTEX_INITIALIZER };

static struct md_metrics_http *listener;

/* Age of the stream's first entry (the oldest not yet filed), from its ID. */
static int
inbox_lag(double *out)
{
	redisReply *rep;
	struct timeval now;
	long long id_ms;
	int rc = -1;

	rep = md_redis_cmd(q.r, "XRANGE %s" MD_STREAM_INBOX " - + COUNT 1",
	    md_redis_prefix(q.r));
	if (rep != NULL && rep->type == REDIS_REPLY_ARRAY) {
		*out = 0;
		if (rep->elements == 1 && rep->element[0]->type == REDIS_REPLY_ARRAY &&
		    rep->element[0]->elements == 2 &&
		    rep->element[0]->element[0]->type == REDIS_REPLY_STRING) {
			id_ms = strtoll(rep->element[0]->element[0]->str, NULL, 10);
			gettimeofday(&now, NULL);
			*out = ((double)now.tv_sec * 1000 + now.tv_usec / 1000 - (double)id_ms) / 1000;
			if (*out < 0)
				*out = 0;
		}
		rc = 0;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

static void
refresh(void)
{
	struct md_queue_stats qs;
	struct md_outbox_stats os;
	char err[512];

	if (q.at != 0 && md_now_ms() - q.at < FRESH_MS)
		return;
	q.at = md_now_ms();
	q.redis_ok = md_queue_stats(q.r, &qs, err, sizeof err) == 0 && inbox_lag(&q.lag_s) == 0;
	if (q.redis_ok) {
		q.entries = (double)qs.inbox;
		q.dead = (double)qs.dead;
	}
	if (!q.st_open)
		q.st_open = md_store_open(&q.st, &q.cfg, 0, err, sizeof err) == 0;
	else if (q.db_ok == 0)
		md_db_connect(q.st.db, err, sizeof err);
	q.db_ok = q.st_open && md_outbox_stats(&q.st, &os, err, sizeof err) == 0;
	if (q.db_ok) {
		q.backlog = (double)os.queued;
		q.oldest_s = (double)os.oldest;
	}
}

/* A gauge callback: arg points at one of q's values. */
static int
gauge(void *arg, double *v)
{
	double *field = arg;
	int ok;

	pthread_mutex_lock(&q.lock);
	refresh();
	ok = (field == &q.backlog || field == &q.oldest_s) ? q.db_ok : q.redis_ok;
	if (ok)
		*v = *field;
	pthread_mutex_unlock(&q.lock);
	return ok ? 0 : -1;
}

int
wk_metrics_start(const struct md_config *cfg)
{
	struct md_metrics *m = md_metrics_global();
	char err[512];

	md_metrics_declare(m, "maildesk_worker_records_total", MD_METRIC_COUNTER,
	    "Inbox entries handled, by result: created, reply, duplicate, unsubscribed, "
	    "automated, bounce; failed (a delivery that will be retried), dead "
	    "(moved to dead letters).", NULL, 0);
	md_metrics_declare(m, "maildesk_worker_outbox_total", MD_METRIC_COUNTER,
	    "Outbound mails by fate: sent; deferred (will be retried), bounced, "
	    "refused, dropped.", NULL, 0);
	if (*cfg->worker_metrics_listen == '\0')
		return 0;
	md_config_defaults(&q.cfg);
	if (cfg->path == NULL || md_config_load(&q.cfg, cfg->path, err, sizeof err) < 0) {
		md_log(LOG_ERR, "worker_metrics_listen: %s", cfg->path ? err : "no configuration file");
		return -1;
	}
	md_config_use_role(&q.cfg, "worker");
	if ((q.r = md_redis_new(&q.cfg)) == NULL) {
		md_log(LOG_ERR, "worker_metrics_listen: out of memory");
		return -1;
	}
	md_metrics_gauge_fn(m, "maildesk_worker_inbox_lag_seconds",
	    "Age of the oldest inbox entry not yet filed (0: the inbox is empty).",
	    gauge, &q.lag_s);
	md_metrics_gauge_fn(m, "maildesk_worker_inbox_entries",
	    "Entries in the inbox stream (not yet filed).", gauge, &q.entries);
	md_metrics_gauge_fn(m, "maildesk_worker_dead_letters",
	    "Entries in the dead-letter stream.", gauge, &q.dead);
	md_metrics_gauge_fn(m, "maildesk_worker_outbox_backlog",
	    "Outbound mails queued and not yet sent.", gauge, &q.backlog);
	md_metrics_gauge_fn(m, "maildesk_worker_outbox_oldest_seconds",
	    "Age of the oldest queued outbound mail (0: none).", gauge, &q.oldest_s);
	listener = md_metrics_http_start(cfg->worker_metrics_listen, m, err, sizeof err);
	if (listener == NULL) {
		md_log(LOG_ERR, "worker_metrics_listen: %s", err);
		return -1;
	}
	md_log(LOG_INFO, "metrics on http://%s/metrics", cfg->worker_metrics_listen);
	return 0;
}

void
wk_metrics_record(const char *result)
{
	md_metrics_add(md_metrics_global(), "maildesk_worker_records_total", 1,
	    "result", result, (char *)NULL);
}

void
wk_metrics_outbox(const char *result)
{
	md_metrics_add(md_metrics_global(), "maildesk_worker_outbox_total", 1,
	    "result", result, (char *)NULL);
}
