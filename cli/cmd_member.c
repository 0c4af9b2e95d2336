/*
 * cmd_member.c - "maildesk project member add|remove|list PROJECT [USER]
 * [--role responder|maintainer] [--json]": who works on a project (issue
 * 18; lib/store/members.c does the work and writes the audit line).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "members.h"
#include "output.h"
#include "present.h"
#include "tracker.h"

static int
list(struct cli *c, struct md_store *st, const char *project, int json)
{
	struct md_member *m;
	struct out_table *t;
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	char err[512];
	size_t i, n;
	int rc = CLI_EXIT_OK;

	(void)c;
	if (md_member_list(st, project, &m, &n, err, sizeof err) < 0)
		return cli_error("%s", err);
	if (json) {
		md_json_init(&j, &b);
		md_present_members(&j, m, n);
		rc = cli_print_json(&j);
		md_buf_free(&b);
	} else if ((t = out_table_new(2, "USER", "ROLE")) == NULL) {
		rc = cli_error("out of memory");
	} else {
		for (i = 0; i < n; i++)
			out_table_add(t, m[i].user, m[i].role);
		if (n > 0)
			out_table_print(t, stdout);
		out_table_free(t);
	}
	free(m);
	return rc;
}

/* argv: "project" "member" SUB ... */
int
cli_project_member(struct cli *c, int argc, char **argv)
{
	const char *pos[3], *role = NULL, *sub;
	char err[512];
	struct md_store *st;
	int i, npos = 0, json = 0, rc, changed, add;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_usage_error(&cli_cmd_project, "unknown option: %s", argv[i]);
		else if (npos == 3)
			return cli_usage_error(&cli_cmd_project, "too many arguments");
		else
			pos[npos++] = argv[i];
	}
	sub = npos > 0 ? pos[0] : "";
	add = strcmp(sub, "add") == 0;
	if (strcmp(sub, "list") == 0 ? npos != 2 :
	    (!add && strcmp(sub, "remove") != 0) || npos != 3)
		return cli_usage_error(&cli_cmd_project,
		    "project member needs add|remove PROJECT USER or list PROJECT");
	if (role != NULL && !add)
		return cli_usage_error(&cli_cmd_project, "--role goes with member add");
	if ((st = cli_store(c)) == NULL)
		return CLI_EXIT_FAIL;
	if ((rc = cli_access(c, st, pos[1], strcmp(sub, "list") != 0)) != 0)
		return rc;
	if (strcmp(sub, "list") == 0)
		return list(c, st, pos[1], json);
	if (add && role == NULL)
		role = "responder";
	if (md_member_set(st, pos[1], pos[2], add ? role : "none", cli_author(c, NULL),
	    &changed, err, sizeof err) != 0)
		return cli_error("%s", err);
	if (add)
		printf("%s %s %s of %s\n", pos[2], changed ? "is now" : "already is", role,
		    pos[1]);
	else
		printf("%s %s %s\n", pos[2], changed ? "removed from" : "was not a member of",
		    pos[1]);
	return CLI_EXIT_OK;
}
