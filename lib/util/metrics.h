/*
 * metrics.h - in-process counters, gauges and histograms, written out in
 * the Prometheus text exposition format (version 0.0.4).
 *
 * Each daemon keeps its own registry (md_metrics_global()): the milter and
 * the worker expose it on a small listener of their own (metrics_http.h),
 * maildesk-web on its /metrics route.  Updates are C11 atomics and take no
 * lock once a series exists, so counting costs a mail nothing measurable;
 * a series (a family plus one set of label values) is created on first use
 * under a mutex.  Everything is bounded: MD_METRICS_MAX_SERIES series per
 * registry (updates of further label combinations are only counted, in
 * maildesk_metrics_series_dropped_total), label text at most
 * MD_METRICS_LABELS_MAX bytes (longer ones are dropped the same way).  Nothing here does I/O or logs.
 *
 * Families are declared once (name, type, help) before they are used; an
 * update of an undeclared family is ignored, which keeps a typo from
 * inventing a metric.  Gauges are either set by the program or computed
 * when scraped by a callback (md_metrics_gauge_fn), e.g. the inbox lag.
 */
#ifndef MD_METRICS_H
#define MD_METRICS_H

#include <stddef.h>

#include "buf.h"

#define MD_METRICS_MAX_FAMILIES	64
#define MD_METRICS_MAX_SERIES	512
#define MD_METRICS_LABELS_MAX	160	/* formatted: code="550",reason="spam" */
#define MD_METRICS_MAX_BUCKETS	16

enum md_metric_type { MD_METRIC_COUNTER, MD_METRIC_GAUGE, MD_METRIC_HISTOGRAM };

struct md_metrics;

/*
 * A gauge computed at scrape time: returns 0 and sets *value, or -1 when
 * the value is unknown now (the series is then left out of the output).
 */
typedef int (*md_gauge_fn)(void *arg, double *value);

struct md_metrics *md_metrics_new(void);
void	md_metrics_free(struct md_metrics *m);
/* The process's registry, made on first use (never freed). */
struct md_metrics *md_metrics_global(void);

/*
 * Declares a family; 0, or -1 if the name is not a valid metric name, the
 * table is full, or it exists with another type.  Declaring it again with
 * the same type is a no-op (0).  bounds: the histogram's upper bucket
 * bounds in increasing order (at most MD_METRICS_MAX_BUCKETS; +Inf is
 * implied); NULL/0 for the other types.
 */
int	md_metrics_declare(struct md_metrics *m, const char *name, enum md_metric_type type,
	    const char *help, const double *bounds, size_t nbounds);
/* A gauge family whose only series is computed by fn(arg) at each scrape. */
int	md_metrics_gauge_fn(struct md_metrics *m, const char *name, const char *help,
	    md_gauge_fn fn, void *arg);

/*
 * Updates the series of family name with the labels given as NULL-ended
 * name, value pairs ("code", "550", "reason", "spam", NULL).  Values are
 * escaped as the format wants (backslash, double quote, newline).
 */
void	md_metrics_add(struct md_metrics *m, const char *name, unsigned long long n, ...)
	    __attribute__((sentinel));
void	md_metrics_set(struct md_metrics *m, const char *name, double v, ...)
	    __attribute__((sentinel));
void	md_metrics_observe(struct md_metrics *m, const char *name, double v, ...)
	    __attribute__((sentinel));

/* The value of a counter or gauge series (tests); -1 when it does not exist. */
double	md_metrics_value(struct md_metrics *m, const char *name, const char *labels);

/*
 * Appends the whole registry in the text format to out: families in the
 * order declared, series in the order created.  0, or -1 out of memory.
 */
int	md_metrics_format(struct md_metrics *m, md_buf *out);

#endif
