/*
 * cmd_triage.c - "maildesk triage ...": a project's triage rules
 * (lib/store/triage_store.h does the work; lib/store/triage.h says what a rule means).
 *
 *   maildesk triage list PROJECT [--json]
 *   maildesk triage add PROJECT FIELD substring|regex PATTERN
 *           [--labels L1,L2] [--assign USER] [--priority P]
 *   maildesk triage delete PROJECT ID
 *   maildesk triage move PROJECT ID POSITION
 *
 * Changing rules needs a maintainer of the project or an admin; without
 * --as the CLI is the operator (an admin).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "present.h"
#include "output.h"
#include "tracker.h"
#include "triage_store.h"

/* The exit status for a triage_store result (0: CLI_EXIT_OK). */
static int
result(int rc, const char *err)
{
	if (rc == 0)
		return CLI_EXIT_OK;
	return cli_error("%s", err);
}

struct md_store *
cli_project_store(struct cli *c, const char *project, int change, int *rc)
{
	struct md_store *st;

	if ((st = cli_store(c)) == NULL) {
		*rc = CLI_EXIT_FAIL;
		return NULL;
	}
	if ((*rc = cli_access(c, st, project, change)) != CLI_EXIT_OK)
		return NULL;
	return st;
}

static int
do_list(struct cli *c, int argc, char **argv)
{
	struct md_triage_rule *v;
	struct out_table *t;
	struct md_store *st;
	struct md_json j;
	md_buf b = MD_BUF_INIT, acts = MD_BUF_INIT;
	char err[512], id[32], pos[16];
	int json = argc == 4 && strcmp(argv[3], "--json") == 0, rc;
	size_t n, i;

	if (argc != 3 && !json)
		return cli_usage_error(&cli_cmd_triage, "triage list needs a PROJECT");
	if ((st = cli_project_store(c, argv[2], 0, &rc)) == NULL)
		return rc;
	if ((rc = md_triage_list(st, argv[2], &v, &n, err, sizeof err)) != 0)
		return result(rc, err);
	if (json) {
		md_json_init(&j, &b);
		md_triage_json(&j, v, n);
		rc = cli_print_json(&j);
		md_buf_free(&b);
		md_triage_rules_free(v, n);
		return rc;
	}
	if ((t = out_table_new(6, "POS", "ID", "FIELD", "MATCH", "PATTERN", "ACTIONS")) == NULL)
		return cli_error("out of memory");
	for (i = 0; i < n; i++) {
		md_buf_reset(&acts);
		if (*v[i].labels != '\0')
			md_buf_printf(&acts, "labels %s", v[i].labels);
		if (*v[i].assign != '\0')
			md_buf_printf(&acts, "%sassign %s", acts.len ? "; " : "", v[i].assign);
		if (*v[i].priority != '\0')
			md_buf_printf(&acts, "%spriority %s", acts.len ? "; " : "", v[i].priority);
		snprintf(pos, sizeof pos, "%d", v[i].position);
		snprintf(id, sizeof id, "%ld", v[i].id);
		out_table_add(t, pos, id, md_triage_field_name(v[i].field),
		    md_triage_match_name(v[i].match), v[i].pattern, md_buf_str(&acts));
	}
	if (n > 0)
		out_table_print(t, stdout);
	else
		printf("%s has no triage rules\n", argv[2]);
	out_table_free(t);
	md_buf_free(&acts);
	md_triage_rules_free(v, n);
	return CLI_EXIT_OK;
}

static int
do_add(struct cli *c, int argc, char **argv)
{
	struct md_triage_rule r;
	struct md_store *st;
	char err[512];
	long id;
	int i, f, m, rc;

	if (argc < 6)
		return cli_usage_error(&cli_cmd_triage,
		    "triage add needs PROJECT FIELD substring|regex PATTERN");
	if ((f = md_triage_field_parse(argv[3])) < 0)
		return cli_usage_error(&cli_cmd_triage,
		    "unknown field %s (recipient, sender, subject, body)", argv[3]);
	if ((m = md_triage_match_parse(argv[4])) < 0)
		return cli_usage_error(&cli_cmd_triage,
		    "unknown match %s (substring, regex)", argv[4]);
	memset(&r, 0, sizeof r);
	r.field = (enum md_triage_field)f;
	r.match = (enum md_triage_match)m;
	r.pattern = argv[5];
	for (i = 6; i < argc; i += 2) {
		if (i + 1 == argc)
			return cli_usage_error(&cli_cmd_triage, "%s needs a value", argv[i]);
		if (strcmp(argv[i], "--labels") == 0)
			r.labels = argv[i + 1];
		else if (strcmp(argv[i], "--assign") == 0)
			r.assign = argv[i + 1];
		else if (strcmp(argv[i], "--priority") == 0)
			r.priority = argv[i + 1];
		else
			return cli_usage_error(&cli_cmd_triage, "unknown option: %s", argv[i]);
	}
	if ((st = cli_project_store(c, argv[2], 1, &rc)) == NULL)
		return rc;
	if ((rc = md_triage_add(st, argv[2], &r, &id, err, sizeof err)) != 0)
		return result(rc, err);
	printf("triage rule %ld added to %s\n", id, argv[2]);
	return CLI_EXIT_OK;
}

/* delete (argc 4) and move (argc 5). */
static int
do_change(struct cli *c, int argc, char **argv, int move)
{
	struct md_store *st;
	char err[512], *end;
	long id, pos = 0;
	int rc;

	if (argc != (move ? 5 : 4))
		return cli_usage_error(&cli_cmd_triage, move ?
		    "triage move needs PROJECT ID POSITION" : "triage delete needs PROJECT ID");
	id = strtol(argv[3], &end, 10);
	if (*end != '\0' || id <= 0)
		return cli_usage_error(&cli_cmd_triage, "a rule ID is a number (triage list)");
	if (move && ((pos = strtol(argv[4], &end, 10)) <= 0 || *end != '\0' ||
	    pos > MD_TRIAGE_RULES_MAX))
		return cli_usage_error(&cli_cmd_triage, "POSITION is a number from 1");
	if ((st = cli_project_store(c, argv[2], 1, &rc)) == NULL)
		return rc;
	rc = move ? md_triage_move(st, argv[2], id, (int)pos, err, sizeof err) :
	    md_triage_delete(st, argv[2], id, err, sizeof err);
	if (rc != 0)
		return result(rc, err);
	if (move)
		printf("triage rule %ld of %s moved to position %ld\n", id, argv[2], pos);
	else
		printf("triage rule %ld deleted from %s\n", id, argv[2]);
	return CLI_EXIT_OK;
}

static int
run(struct cli *c, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(&cli_cmd_triage, "triage needs a subcommand");
	if (strcmp(argv[1], "list") == 0)
		return do_list(c, argc, argv);
	if (strcmp(argv[1], "add") == 0)
		return do_add(c, argc, argv);
	if (strcmp(argv[1], "delete") == 0)
		return do_change(c, argc, argv, 0);
	if (strcmp(argv[1], "move") == 0)
		return do_change(c, argc, argv, 1);
	return cli_usage_error(&cli_cmd_triage, "unknown triage subcommand: %s", argv[1]);
}

const struct cli_command cli_cmd_triage = {
	"triage", run,
	"  maildesk triage list PROJECT [--json]\n"
	"  maildesk triage add PROJECT recipient|sender|subject|body substring|regex PATTERN\n"
	"          [--labels L1,L2] [--assign USER] [--priority low|normal|high|urgent]\n"
	"  maildesk triage delete PROJECT ID\n"
	"  maildesk triage move PROJECT ID POSITION\n",
};
