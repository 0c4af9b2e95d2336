/*
 * cli.h - what the maildesk(1) command files share.
 *
 * main.c parses the global options, loads the configuration and calls one
 * command function from its table; each command lives in its own
 * cmd_<name>.c and returns the exit status: 0 success, 1 failure (after
 * cli_error()), 2 usage error (after cli_usage_error()).
 */
#ifndef MD_CLI_H
#define MD_CLI_H

#include "conf.h"
#include "redis.h"

#define CLI_EXIT_OK	0
#define CLI_EXIT_FAIL	1
#define CLI_EXIT_USAGE	2

struct cli {
	struct md_config	 cfg;
	struct md_redis		*r;	/* connected by cli_redis() on first use */
};

/* A top-level command; argv[0] is its name ("project"). */
struct cli_command {
	const char	*name;
	int		(*run)(struct cli *c, int argc, char **argv);
	const char	*usage;		/* synopsis lines, each "  maildesk ...\n" */
};

/* "maildesk: <message>" on stderr; returns CLI_EXIT_FAIL. */
int	cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same, followed by the command's usage; returns CLI_EXIT_USAGE. */
int	cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* The Redis connection, connected now; NULL after printing why. */
struct md_redis *cli_redis(struct cli *c);

/* cmd_template.c: "project template ..." (argv as given to the project command). */
int	cli_project_template(struct cli *c, int argc, char **argv);

/* Commands (one file each). */
extern const struct cli_command cli_cmd_project;
extern const struct cli_command cli_cmd_issue, cli_cmd_queue;
extern const struct cli_command cli_cmd_user;

#endif
