/*
 * log.h - one logging entry point for every maildesk program.
 *
 * Daemons log to syslog; in the foreground (-f) or when the program is a
 * command-line tool, messages go to stderr instead, prefixed with the
 * program name.  Nothing inside lib/ logs on its own behalf except through
 * this interface, and lib/ functions prefer to return errors to callers.
 */
#ifndef MD_LOG_H
#define MD_LOG_H

#include <syslog.h>

/* to_stderr: 1 = stderr (foreground/CLI), 0 = syslog. facility: LOG_MAIL etc. */
void	md_log_open(const char *ident, int to_stderr, int facility);
void	md_log_set_debug(int on);
void	md_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Maps "mail", "daemon", "local0".."local7", "user" to LOG_*; -1 if unknown. */
int	md_log_facility(const char *name);

#endif
