/*
 * cmd_db.c - "maildesk db ..." and "maildesk view ...": the tracker's
 * schema (migrations compiled into the program) and the milter's Redis
 * view of it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "view.h"

static int
do_migrate(struct cli *c)
{
	struct md_store *st;
	char err[512];
	int from, to;

	if ((st = cli_store_nocheck(c)) == NULL)
		return CLI_EXIT_FAIL;
	if (md_db_migrate(st->db, &from, &to, err, sizeof err) < 0)
		return cli_error("%s", err);
	if (from == to)
		printf("schema at version %d, nothing to do\n", to);
	else
		printf("schema migrated from version %d to %d\n", from, to);
	return CLI_EXIT_OK;
}

static int
do_status(struct cli *c)
{
	struct md_store *st;
	char err[512];
	int v;

	if ((st = cli_store_nocheck(c)) == NULL)
		return CLI_EXIT_FAIL;
	if ((v = md_db_schema_get(st->db, err, sizeof err)) < 0)
		return cli_error("%s", err);
	printf("schema version %d, this maildesk needs %d: ", v, md_db_schema_version);
	if (v == md_db_schema_version)
		printf("up to date\n");
	else if (v < md_db_schema_version)
		printf("run `maildesk db migrate`\n");
	else
		printf("the database is newer: upgrade maildesk\n");
	return v == md_db_schema_version ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

static int
run_db(struct cli *c, int argc, char **argv)
{
	if (argc != 2)
		return cli_usage_error(&cli_cmd_db, argc < 2 ? "db needs a subcommand" :
		    "too many arguments");
	if (strcmp(argv[1], "migrate") == 0)
		return do_migrate(c);
	if (strcmp(argv[1], "status") == 0)
		return do_status(c);
	return cli_usage_error(&cli_cmd_db, "unknown db subcommand: %s", argv[1]);
}

const struct cli_command cli_cmd_db = {
	"db", run_db,
	"  maildesk db migrate\n"
	"  maildesk db status\n",
};

static int
run_view(struct cli *c, int argc, char **argv)
{
	struct md_view_stats vs;
	struct md_store *st;
	char err[512];

	if (argc != 2 || strcmp(argv[1], "rebuild") != 0)
		return cli_usage_error(&cli_cmd_view, argc < 2 ? "view needs a subcommand" :
		    argc > 2 ? "too many arguments" : "unknown view subcommand: %s",
		    argc < 2 ? "" : argv[1]);
	if ((st = cli_store(c)) == NULL)
		return CLI_EXIT_FAIL;
	if (md_view_rebuild(st, &vs, err, sizeof err) < 0)
		return cli_error("%s", err);
	printf("view rebuilt: %ld projects, %ld aliases, %ld list entries, %ld "
	    "reply/unsubscribe keys written; %ld stale entries removed\n",
	    vs.projects, vs.aliases, vs.list_entries, vs.keys, vs.stale);
	return CLI_EXIT_OK;
}

const struct cli_command cli_cmd_view = {
	"view", run_view,
	"  maildesk view rebuild\n",
};
