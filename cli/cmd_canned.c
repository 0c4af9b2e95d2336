/*
 * cmd_canned.c - "maildesk canned ...": a project's canned replies
 * (lib/store/canned_store.h).  Insert one into a comment with
 * `maildesk issue comment P#N --canned NAME`.
 *
 *   maildesk canned list PROJECT [--json]
 *   maildesk canned show PROJECT NAME [P#N]   as stored, or filled in for an issue
 *   maildesk canned set PROJECT NAME TEXT|-
 *   maildesk canned delete PROJECT NAME
 *
 * Reading needs a member of the project; set and delete a maintainer (or
 * an admin).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canned_store.h"
#include "cli.h"
#include "json.h"
#include "present.h"
#include "output.h"
#include "tracker.h"

/* All of stdin, at most one byte more than a reply may have (the store
 * refuses that with its own sentence); 0 or an exit status. */
static int
read_stdin(md_buf *out)
{
	char chunk[4096];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
		if (out->len + n > MD_CANNED_TEXT_MAX + 1)
			n = MD_CANNED_TEXT_MAX + 1 - out->len;
		if (md_buf_append(out, chunk, n) < 0)
			return cli_error("out of memory");
		if (out->len > MD_CANNED_TEXT_MAX)
			break;
	}
	if (ferror(stdin))
		return cli_error("reading stdin: %s", strerror(errno));
	if (memchr(md_buf_str(out), '\0', out->len) != NULL)
		return cli_error("a canned reply is text, NUL bytes are not allowed");
	return CLI_EXIT_OK;
}

char *
cli_canned_text(struct cli *c, const char *project, long iid, const char *name)
{
	md_buf out = MD_BUF_INIT;
	struct md_store *st;
	char err[512];
	int rc;

	if ((st = cli_project_store(c, project, 0, &rc)) == NULL)
		return NULL;
	if (md_canned_render(st, &c->cfg, project, iid, name, &out, err, sizeof err) != 0) {
		md_buf_free(&out);
		cli_error("%s", err);
		return NULL;
	}
	return md_buf_detach(&out);
}

static int
do_list(struct cli *c, int argc, char **argv)
{
	struct md_canned *v;
	struct out_table *t;
	struct md_store *st;
	struct md_json j;
	md_buf b = MD_BUF_INIT;
	char err[512], first[81];
	int json = argc == 4 && strcmp(argv[3], "--json") == 0, rc;
	size_t n, i;

	if (argc != 3 && !json)
		return cli_usage_error(&cli_cmd_canned, "canned list needs a PROJECT");
	if ((st = cli_project_store(c, argv[2], 0, &rc)) == NULL)
		return rc;
	if ((rc = md_canned_list(st, argv[2], &v, &n, err, sizeof err)) != 0)
		return cli_error("%s", err);
	if (json) {
		md_json_init(&j, &b);
		md_canned_json(&j, v, n);
		rc = cli_print_json(&j);
		md_buf_free(&b);
		md_canned_free(v, n);
		return rc;
	}
	if ((t = out_table_new(2, "NAME", "TEXT")) == NULL)
		return cli_error("out of memory");
	for (i = 0; i < n; i++) {
		/* The first line shows which reply it is. */
		snprintf(first, sizeof first, "%.*s", (int)strcspn(v[i].text, "\n"), v[i].text);
		out_table_add(t, v[i].name, first);
	}
	if (n > 0)
		out_table_print(t, stdout);
	else
		printf("%s has no canned replies\n", argv[2]);
	out_table_free(t);
	md_canned_free(v, n);
	return CLI_EXIT_OK;
}

static int
do_show(struct cli *c, int argc, char **argv)
{
	char project[MD_PROJECT_MAX + 1], err[512];
	md_buf out = MD_BUF_INIT;
	struct md_canned *v;
	struct md_store *st;
	size_t n, i;
	long iid;
	int rc;

	if (argc != 4 && argc != 5)
		return cli_usage_error(&cli_cmd_canned, "canned show needs PROJECT NAME [P#N]");
	if (argc == 5 && (md_issue_ref_parse(argv[4], project, sizeof project, &iid) < 0 ||
	    strcmp(project, argv[2]) != 0))
		return cli_usage_error(&cli_cmd_canned, "%s is not an issue of %s", argv[4],
		    argv[2]);
	if ((st = cli_project_store(c, argv[2], 0, &rc)) == NULL)
		return rc;
	if (argc == 5) {
		if ((rc = md_canned_render(st, &c->cfg, argv[2], iid, argv[3], &out, err,
		    sizeof err)) != 0)
			return cli_error("%s", err);
		fputs(md_buf_str(&out), stdout);
		md_buf_free(&out);
		return CLI_EXIT_OK;
	}
	if ((rc = md_canned_list(st, argv[2], &v, &n, err, sizeof err)) != 0)
		return cli_error("%s", err);
	for (i = 0; i < n && strcmp(v[i].name, argv[3]) != 0; i++)
		;
	if (i < n)
		fputs(v[i].text, stdout);
	else
		rc = cli_error("no such canned reply: %s %s", argv[2], argv[3]);
	md_canned_free(v, n);
	return rc;
}

/* set (text from argv or stdin) and delete (text ""). */
static int
do_set(struct cli *c, int argc, char **argv, int del)
{
	md_buf text = MD_BUF_INIT;
	struct md_store *st;
	char err[512];
	int rc;

	if (argc != (del ? 4 : 5))
		return cli_usage_error(&cli_cmd_canned, del ?
		    "canned delete needs PROJECT NAME" : "canned set needs PROJECT NAME TEXT|-");
	if (!del && strcmp(argv[4], "-") == 0 && (rc = read_stdin(&text)) != CLI_EXIT_OK) {
		md_buf_free(&text);
		return rc;
	}
	if (!del && strcmp(argv[4], "-") != 0 && md_buf_puts(&text, argv[4]) < 0)
		return cli_error("out of memory");
	if (!del && text.len == 0)
		return cli_error("empty text: use canned delete to remove a reply");
	if ((st = cli_project_store(c, argv[2], 1, &rc)) == NULL) {
		md_buf_free(&text);
		return rc;
	}
	rc = md_canned_set(st, argv[2], argv[3], md_buf_str(&text), err, sizeof err);
	md_buf_free(&text);
	if (rc != 0)
		return cli_error("%s", err);
	printf("canned reply %s of %s %s\n", argv[3], argv[2], del ? "deleted" : "saved");
	return CLI_EXIT_OK;
}

static int
run(struct cli *c, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(&cli_cmd_canned, "canned needs a subcommand");
	if (strcmp(argv[1], "list") == 0)
		return do_list(c, argc, argv);
	if (strcmp(argv[1], "show") == 0)
		return do_show(c, argc, argv);
	if (strcmp(argv[1], "set") == 0)
		return do_set(c, argc, argv, 0);
	if (strcmp(argv[1], "delete") == 0)
		return do_set(c, argc, argv, 1);
	return cli_usage_error(&cli_cmd_canned, "unknown canned subcommand: %s", argv[1]);
}

const struct cli_command cli_cmd_canned = {
	"canned", run,
	"  maildesk canned list PROJECT [--json]\n"
	"  maildesk canned show PROJECT NAME [PROJECT#N]\n"
	"  maildesk canned set PROJECT NAME TEXT|-\n"
	"  maildesk canned delete PROJECT NAME\n",
};
