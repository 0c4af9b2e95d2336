/*
 * cmd_mywork.c - "maildesk mywork [--json]": the --as user's assigned open
 * issues and the unassigned open issues of their projects, oldest due
 * first (issue 18), as the web UI's "my work" page.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "output.h"
#include "present.h"
#include "tracker.h"

static int
run(struct cli *c, int argc, char **argv)
{
	const struct md_user *who;
	struct md_issue_list l;
	struct md_store *st;
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	char err[512];
	int i, json = 0, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else
			return cli_usage_error(&cli_cmd_mywork, "unexpected argument: %s", argv[i]);
	}
	if ((st = cli_store(c)) == NULL)
		return CLI_EXIT_FAIL;
	if ((rc = cli_who(c, &who)) != 0)
		return rc;
	if (who == NULL)
		return cli_usage_error(&cli_cmd_mywork, "mywork needs --as USER");
	if (md_tracker_mywork(st, who->name, who->role == MD_ROLE_ADMIN, 0, &l, err,
	    sizeof err) < 0)
		return cli_error("%s", err);
	if (json) {
		md_json_init(&j, &b);
		md_json_open_object(&j);
		md_present_issue_list(&j, &l);
		md_json_close_object(&j);
		rc = cli_print_json(&j);
		md_buf_free(&b);
	} else {
		rc = cli_issue_table(&l);
	}
	md_issue_list_free(&l);
	return rc;
}

const struct cli_command cli_cmd_mywork = {
	"mywork", run,
	"  maildesk mywork [--json]   (with --as USER)\n",
};
