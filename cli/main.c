/*
 * main.c - maildesk(1): global options, configuration, command dispatch.
 *
 * A new command is a cmd_<name>.c defining a struct cli_command, declared
 * in cli.h and listed in commands[] below.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct cli_command *const commands[] = {
	&cli_cmd_project,
	&cli_cmd_issue, &cli_cmd_queue, &cli_cmd_mywork,
	&cli_cmd_user,
	&cli_cmd_customer,
	&cli_cmd_db, &cli_cmd_view,
	&cli_cmd_triage, &cli_cmd_canned,
	&cli_cmd_doctor,
};
#define NCOMMANDS	(sizeof commands / sizeof commands[0])

static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: maildesk [-c config] [--as USER] command [arguments]\n"
	    "       maildesk -h | --help | -V | --version\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fputs(commands[i]->usage, fp);
	fprintf(fp, "\nConfiguration: -c, else $MAILDESK_CONFIG, else %s\n"
	    "(built-in defaults when that file does not exist).  See maildesk(1).\n",
	    MD_DEFAULT_CONFIG);
}

int
cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_verror(fmt, ap);
	va_end(ap);
	if (cmd != NULL)
		fprintf(stderr, "usage:\n%s", cmd->usage);
	else
		usage(stderr);
	return CLI_EXIT_USAGE;
}

/* -c wins, then $MAILDESK_CONFIG; the default path may be absent (NULL). */
const char *
cli_config_path(const char *path)
{
	if (path == NULL && (path = getenv("MAILDESK_CONFIG")) != NULL && *path == '\0')
		path = NULL;
	if (path == NULL) {
		path = MD_DEFAULT_CONFIG;
		if (access(path, F_OK) != 0 && errno == ENOENT)
			return NULL;
	}
	return path;
}

static int
load_config(struct cli *c, const char *path)
{
	char err[512];

	md_config_defaults(&c->cfg);
	if ((path = cli_config_path(path)) == NULL)
		return 0;
	if (md_config_load(&c->cfg, path, err, sizeof err) < 0)
		return cli_error("%s", err);
	md_config_use_role(&c->cfg, "cli");	/* its own Redis user and database role, if set */
	return 0;
}

static const struct cli_command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

/* Reports a failed write to stdout (full disk, closed pipe) as a failure. */
static int
finish_output(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			cli_error("write error: %s", strerror(errno));
		return CLI_EXIT_FAIL;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	const struct cli_command *cmd;
	const char *config = NULL;
	struct cli c;
	int ch, rc;

	/* hiredis writes to sockets Redis may have closed. */
	signal(SIGPIPE, SIG_IGN);
	memset(&c, 0, sizeof c);
	opterr = 0;	/* our own one-line message, as for every usage error */
	/* The long spellings people type first (getopt here knows short ones). */
	for (ch = 1; ch < argc && argv[ch][0] == '-' && strcmp(argv[ch], "--") != 0; ch++) {
		if (strcmp(argv[ch], "--as") == 0) {	/* act as a responder (issue 18) */
			if (ch + 1 == argc)
				return cli_usage_error(NULL, "--as needs a USER");
			c.as_user = argv[ch + 1];
			/* Out of argv (with its NULL end), so getopt never sees it. */
			memmove(&argv[ch], &argv[ch + 2], (size_t)(argc - ch - 1) * sizeof *argv);
			argc -= 2;
			ch--;
			continue;
		}
		if (strcmp(argv[ch], "--help") == 0) {
			usage(stdout);
			return finish_output(CLI_EXIT_OK);
		}
		if (strcmp(argv[ch], "--version") == 0) {
			printf("maildesk %s\n", PACKAGE_VERSION);
			return finish_output(CLI_EXIT_OK);
		}
		if (argv[ch][1] == '-')
			return cli_usage_error(NULL, "unknown option: %s", argv[ch]);
		if (strcmp(argv[ch], "-c") == 0)
			ch++;		/* its file may start with '-' */
	}
	while ((ch = getopt(argc, argv, "+c:hV")) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'h':
			usage(stdout);
			return finish_output(CLI_EXIT_OK);
		case 'V':
			printf("maildesk %s\n", PACKAGE_VERSION);
			return finish_output(CLI_EXIT_OK);
		default:
			if (optopt == 'c')
				return cli_usage_error(NULL, "-c needs a file");
			return cli_usage_error(NULL, "unknown option: -%c", optopt);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return cli_usage_error(NULL, "no command given");
	if (strcmp(argv[0], "help") == 0) {
		usage(stdout);
		return finish_output(CLI_EXIT_OK);
	}
	if ((cmd = find_command(argv[0])) == NULL)
		return cli_usage_error(NULL, "unknown command: %s", argv[0]);
	/* `maildesk issue --help`: that command's usage, before any config. */
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage:\n%s", cmd->usage);
		return finish_output(CLI_EXIT_OK);
	}
	/* doctor loads it itself: a file that does not load is one of its findings. */
	if (cmd == &cli_cmd_doctor)
		c.config_path = cli_config_path(config);
	else if (load_config(&c, config) != 0) {
		md_config_free(&c.cfg);
		return CLI_EXIT_FAIL;
	}
	if ((rc = cli_as_allowed(&c, cmd->name)) == 0)	/* --as (who.c) */
		rc = cmd->run(&c, argc, argv);
	if (c.st_open)
		md_store_close(&c.st);
	md_config_free(&c.cfg);
	return finish_output(rc);
}
