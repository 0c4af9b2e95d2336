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

#include <stdarg.h>

#include "conf.h"
#include "redis.h"
#include "store.h"
#include "users.h"

#define CLI_EXIT_OK	0
#define CLI_EXIT_FAIL	1
#define CLI_EXIT_USAGE	2

struct cli {
	struct md_config	 cfg;
	struct md_store		 st;	/* opened by cli_store() on first use */
	int			 st_open;
	const char		*as_user;	/* --as USER (issue 18), NULL: the operator */
	struct md_user		 as;		/* that user, loaded by cli_who() */
	int			 as_loaded;
	const char		*config_path;	/* for doctor, which loads it itself: the file, or NULL */
};

/* A top-level command; argv[0] is its name ("project"). */
struct cli_command {
	const char	*name;
	int		(*run)(struct cli *c, int argc, char **argv);
	const char	*usage;		/* synopsis lines, each "  maildesk ...\n" */
};

/* error.c: "maildesk: <message>" on stderr; returns CLI_EXIT_FAIL. */
int	cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same line from a va_list (stdout flushed first, so the two interleave right). */
void	cli_verror(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* main.c: the same, followed by the command's usage; returns CLI_EXIT_USAGE. */
int	cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * connect.c: the tracker's store (PostgreSQL connected, its schema checked; Redis
 * connects on first use); NULL after printing why.
 */
struct md_store *cli_store(struct cli *c);
/* The store without the schema check (maildesk db ...). */
struct md_store *cli_store_nocheck(struct cli *c);
/* The Redis connection of the store, connected now; NULL after printing why. */
struct md_redis *cli_redis(struct cli *c);

/*
 * who.c (issue 18): who acts.  Without --as the CLI is the operator at the
 * server's shell, an admin: *who = NULL.  With --as USER, that user (their
 * role and memberships decide what they see, lib/store/access.h).  0, or an exit
 * status after the message (no such user).
 */
int	cli_who(struct cli *c, const struct md_user **who);
/*
 * --as narrows the desk's own commands (project, issue, mywork, triage,
 * canned) to what
 * the user may see; every other command is an admin's: 0, or an exit
 * status after the message when the --as user is not an admin.
 */
int	cli_as_allowed(struct cli *c, const char *command);
/* The author of a change: explicit (--author), else the --as user, else
 * $USER, else NULL (the tracker writes "Support"). */
const char *cli_author(const struct cli *c, const char *explicit_author);
/*
 * May who see project (may_change: change its settings)?  0, or an exit
 * status after "no such project: P" (not visible) or why not.
 */
int	cli_access(struct cli *c, struct md_store *st, const char *project,
	    int may_change);

/* cmd_issue.c: the issue table of "issue list" and "mywork". */
struct md_issue_list;
int	cli_issue_table(const struct md_issue_list *l);
/* cmd_issue_edit.c: assign, take, unassign, priority, title, participant, block. */
int	cli_issue_change_known(const char *sub);
int	cli_issue_change(struct cli *c, const char *sub, const char *const *pos, int npos,
	    const char *author, int me, int none);
/* cmd_member.c: "project member add|remove|list ..." (argv of the project command). */
int	cli_project_member(struct cli *c, int argc, char **argv);

/* cmd_template.c: "project template ..." (argv as given to the project command). */
int	cli_project_template(struct cli *c, int argc, char **argv);

/* Commands (one file each). */
extern const struct cli_command cli_cmd_project;
extern const struct cli_command cli_cmd_issue, cli_cmd_queue;
extern const struct cli_command cli_cmd_user;
extern const struct cli_command cli_cmd_db, cli_cmd_view, cli_cmd_customer;
extern const struct cli_command cli_cmd_triage, cli_cmd_canned;	/* issue 18 */
/*
 * cmd_triage.c: the store, when the acting user may see project (change =
 * 1: maintain it); NULL with *rc the exit status after the message.
 */
struct md_store *cli_project_store(struct cli *c, const char *project, int change,
	    int *rc);
/* cmd_canned.c: canned reply name filled in for project#iid (malloc'd), or
 * NULL after the message. */
char	*cli_canned_text(struct cli *c, const char *project, long iid, const char *name);
extern const struct cli_command cli_cmd_mywork;		/* cmd_mywork.c (issue 18) */
extern const struct cli_command cli_cmd_doctor;
/* The configuration file -c, $MAILDESK_CONFIG or the default names (NULL: none). */
const char *cli_config_path(const char *arg);

#endif
