/*
 * milter_metrics.h - what maildesk-milter counts (doc/design.md, "Metrics"), in
 * the process's registry (lib/util/metrics.h), served by its listener
 * (milter_metrics_listen).
 */
#ifndef MD_MILTER_METRICS_H
#define MD_MILTER_METRICS_H

/* Declares the families (md_milter_metrics_start does it). */
void	md_milter_metrics_init(void);

/* One SMTP answer: "550", "unknown_address". */
void	md_milter_count_verdict(const char *code, const char *reason);
/* A message whose sender went through SPF: "pass", "fail", "skipped" ... */
void	md_milter_count_spf(const char *result);
/* A scored message: "ham", "marked", "reject", "tempfail"; and its score. */
void	md_milter_count_score(const char *outcome, double score);
/* Seconds spent on Redis at end of message (settings, XADD, WAIT). */
void	md_milter_observe_redis(double seconds);
/* Records stored, by kind ("new", "reply", ...). */
void	md_milter_count_record(const char *kind);

/*
 * Declares the families and starts the GET /metrics listener when
 * milter_metrics_listen is set; 0, or -1 after logging why (the caller
 * exits).  After daemon(): the listener is a thread.
 */
int	md_milter_metrics_start(const char *listen_addr);

#endif
