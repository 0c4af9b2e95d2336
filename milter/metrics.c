/*
 * metrics.c - maildesk-milter's metric families and the calls that update
 * them.  The names are part of the interface admins build dashboards and
 * alerts on: doc/maildesk-milter.8 lists them; change them only with it.
 */
#include "config.h"

#include <syslog.h>

#include "log.h"
#include "metrics.h"
#include "metrics_http.h"
#include "milter_metrics.h"

/* Redis at end of message: sub-millisecond normally, seconds when it stalls. */
static const double redis_bounds[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
	0.05, 0.1, 0.25, 0.5, 1, 2.5 };
/* Spam scores around the default thresholds (5 mark, 10 reject). */
static const double score_bounds[] = { 0, 1, 2, 3, 5, 7.5, 10, 15, 20 };

static struct md_metrics_http *listener;

void
md_milter_metrics_init(void)
{
	struct md_metrics *m = md_metrics_global();

	md_metrics_declare(m, "maildesk_milter_verdicts_total", MD_METRIC_COUNTER,
	    "SMTP answers of the milter for desk mail, by reply code and reason "
	    "(250 at end of message; 4xx/5xx at RCPT or end of message).", NULL, 0);
	md_metrics_declare(m, "maildesk_milter_records_total", MD_METRIC_COUNTER,
	    "Records written to the inbox stream, by kind.", NULL, 0);
	md_metrics_declare(m, "maildesk_milter_spf_total", MD_METRIC_COUNTER,
	    "Messages whose sender was checked with SPF, by result.", NULL, 0);
	md_metrics_declare(m, "maildesk_milter_score_total", MD_METRIC_COUNTER,
	    "Scored messages by outcome: ham, marked (over spam_mark), reject "
	    "(over spam_reject), tempfail (spamd down).", NULL, 0);
	md_metrics_declare(m, "maildesk_milter_spam_score", MD_METRIC_HISTOGRAM,
	    "Spam scores of scored messages.", score_bounds,
	    sizeof score_bounds / sizeof score_bounds[0]);
	md_metrics_declare(m, "maildesk_milter_redis_eom_seconds", MD_METRIC_HISTOGRAM,
	    "Time spent on Redis at end of message: project settings, the records' "
	    "XADD and, with redis_min_replicas, WAIT.", redis_bounds,
	    sizeof redis_bounds / sizeof redis_bounds[0]);
}

void
md_milter_count_verdict(const char *code, const char *reason)
{
	md_metrics_add(md_metrics_global(), "maildesk_milter_verdicts_total", 1,
	    "code", code, "reason", reason, (char *)NULL);
}

void
md_milter_count_spf(const char *result)
{
	md_metrics_add(md_metrics_global(), "maildesk_milter_spf_total", 1,
	    "result", result, (char *)NULL);
}

void
md_milter_count_score(const char *outcome, double score)
{
	md_metrics_add(md_metrics_global(), "maildesk_milter_score_total", 1,
	    "outcome", outcome, (char *)NULL);
	md_metrics_observe(md_metrics_global(), "maildesk_milter_spam_score", score,
	    (char *)NULL);
}

void
md_milter_observe_redis(double seconds)
{
	md_metrics_observe(md_metrics_global(), "maildesk_milter_redis_eom_seconds",
	    seconds, (char *)NULL);
}

void
md_milter_count_record(const char *kind)
{
	md_metrics_add(md_metrics_global(), "maildesk_milter_records_total", 1,
	    "kind", kind, (char *)NULL);
}

int
md_milter_metrics_start(const char *listen_addr)
{
	char err[512];

	md_milter_metrics_init();
	if (listen_addr == NULL || *listen_addr == '\0')
		return 0;
	listener = md_metrics_http_start(listen_addr, md_metrics_global(), err, sizeof err);
	if (listener == NULL) {
		md_log(LOG_ERR, "milter_metrics_listen: %s", err);
		return -1;
	}
	md_log(LOG_INFO, "metrics on http://%s/metrics", listen_addr);
	return 0;
}
