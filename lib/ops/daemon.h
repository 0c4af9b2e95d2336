/*
 * daemon.h - what maildesk-milter, maildesk-worker and maildesk-web share
 * around their main loops: the common options, loading the configuration
 * with the program's role, logging, detaching and the PID file.
 *
 * Common options: -c config, -f (foreground, log to stderr), -n (check the
 * configuration and exit), -d (debug logging), -h/--help, -V/--version.
 * A program adds its own (-p socket, -l addr:port) in a table.
 *
 * Exit codes, the same for the three (documented in their man pages):
 * MD_EXIT_OK, MD_EXIT_FAIL (configuration or start-up error, fatal error
 * while running), MD_EXIT_USAGE (bad command line).
 */
#ifndef MD_DAEMON_H
#define MD_DAEMON_H

#include <stddef.h>

#include "conf.h"

#define MD_EXIT_OK	0
#define MD_EXIT_FAIL	1
#define MD_EXIT_USAGE	2

/* One option of a program's own; a table ends with letter 0. */
struct md_daemon_opt {
	int		  letter;
	const char	 *synopsis;	/* "[-p socket]" */
	const char	 *help;		/* "-p socket     milter socket, ..." */
	const char	**arg;		/* option with an argument: set to it */
	int		 *flag;		/* option without one: set to 1 */
};

struct md_daemon {
	const char			*name;	/* "maildesk-milter": usage, version, log ident */
	const char			*role;	/* md_config_use_role() */
	const struct md_daemon_opt	*opts;	/* NULL: none of its own */
	/* Set by md_daemon_options(): */
	const char			*config_path;
	int				 foreground;
	int				 checkonly;
	int				 debug;
	/* Set by md_daemon_detach(): */
	char				*pid_file;
};

/*
 * Parses argv.  -h/--help print the usage on stdout and exit 0,
 * -V/--version the version; a bad command line prints the usage on stderr
 * and exits MD_EXIT_USAGE.
 */
void	md_daemon_options(struct md_daemon *d, int argc, char **argv);

/*
 * Defaults, d->config_path, then the program's role (its own Redis user
 * and database role).  0, or -1 with err (and cfg freed).
 */
int	md_daemon_config(const struct md_daemon *d, struct md_config *cfg,
	    char *err, size_t errlen);

/* -n: prints "NAME: PATH: configuration OK"; returns MD_EXIT_OK. */
int	md_daemon_config_ok(const struct md_daemon *d);

/* Logging to stderr with -f, else to syslog; debug with -d or log_debug. */
void	md_daemon_log_open(const struct md_daemon *d, const struct md_config *cfg);

/*
 * Detaches unless -f (call after binding sockets, so that errors reach
 * whoever started it), then writes pid_file ("" = none).  0, or -1 with
 * err when detaching failed.
 */
int	md_daemon_detach(struct md_daemon *d, const char *pid_file, char *err,
	    size_t errlen);

/* Removes the PID file written by md_daemon_detach(). */
void	md_daemon_finish(struct md_daemon *d);

#endif
