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
#include "store.h"

#define CLI_EXIT_OK	0
#define CLI_EXIT_FAIL	1
#define CLI_EXIT_USAGE	2

struct cli {
	struct md_config	 cfg;
	struct md_store		 st;	/* opened by cli_store() on first use */
	int			 st_open;
	const char		*config_path;	/* for doctor, which loads it itself: the file, or NULL */
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
/*
 * The tracker's store (PostgreSQL connected, its schema checked; Redis
 * connects on first use); NULL after printing why.
 */
struct md_store *cli_store(struct cli *c);
/* The store without the schema check (maildesk db ...). */
struct md_store *cli_store_nocheck(struct cli *c);
/* The Redis connection of the store, connected now; NULL after printing why. */
struct md_redis *cli_redis(struct cli *c);

/* cmd_template.c: "project template ..." (argv as given to the project command). */
int	cli_project_template(struct cli *c, int argc, char **argv);

/* Commands (one file each). */
extern const struct cli_command cli_cmd_project;
extern const struct cli_command cli_cmd_issue, cli_cmd_queue;
extern const struct cli_command cli_cmd_user;
extern const struct cli_command cli_cmd_db, cli_cmd_view, cli_cmd_customer;
extern const struct cli_command cli_cmd_doctor;
/* The configuration file -c, $MAILDESK_CONFIG or the default names (NULL: none). */
const char *cli_config_path(const char *arg);

#endif
