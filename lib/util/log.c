/*
 * log.c - syslog or stderr logging.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <pthread.h>

#include "log.h"

static int log_to_stderr = 1;
static int log_debug;
static char log_ident[64] = "maildesk";
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void
md_log_open(const char *ident, int to_stderr, int facility)
{
	snprintf(log_ident, sizeof log_ident, "%s", ident);
	log_to_stderr = to_stderr;
	if (!to_stderr)
		openlog(log_ident, LOG_PID | LOG_NDELAY, facility);
}

void
md_log_set_debug(int on)
{
	log_debug = on;
}

static const char *
prio_name(int prio)
{
	switch (prio) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: return "fatal";
	case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: case LOG_INFO: return "info";
	default: return "debug";
	}
}

void
md_log(int prio, const char *fmt, ...)
{
	va_list ap;

	if (prio == LOG_DEBUG && !log_debug)
		return;
	va_start(ap, fmt);
	if (log_to_stderr) {
		char line[2048];
		struct timespec ts;
		struct tm tm;

		vsnprintf(line, sizeof line, fmt, ap);
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		/* One fprintf under a lock so lines from milter threads do not interleave. */
		pthread_mutex_lock(&log_lock);
		fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s: %s: %s\n",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, log_ident,
		    prio_name(prio), line);
		fflush(stderr);
		pthread_mutex_unlock(&log_lock);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}

int
md_log_facility(const char *name)
{
	static const struct { const char *name; int fac; } tab[] = {
		{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
		{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};
	size_t i;

	for (i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strcasecmp(tab[i].name, name) == 0)
			return tab[i].fac;
	return -1;
}
