/*
 * cmd_template.c - maildesk project template: show, set from a file, reset.
 *
 *   maildesk project template NAME KIND                  print (own or default)
 *   maildesk project template NAME KIND FILE|-           body from a file / stdin
 *   maildesk project template NAME KIND --subject TEXT   subject line
 *   maildesk project template NAME KIND --reset          back to the defaults
 *
 * KIND is thank_you, new_note, close or reopen.  Placeholders that are not
 * known are refused, so a typo is caught before a customer sees it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "projects.h"
#include "template.h"
#include "template_store.h"

#define TEMPLATE_MAX	(64 * 1024)

static int
read_text(const char *path, md_buf *out)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char chunk[4096];
	size_t n;

	if (fp == NULL)
		return cli_error("%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
		if (out->len + n > TEMPLATE_MAX) {
			if (fp != stdin)
				fclose(fp);
			return cli_error("%s: a template is limited to %d bytes", path, TEMPLATE_MAX);
		}
		md_buf_append(out, chunk, n);
	}
	if (fp != stdin)
		fclose(fp);
	if (md_buf_failed(out))		/* sticky (buf.h): one check for the file */
		return cli_error("%s: out of memory", path);
	if (memchr(md_buf_str(out), '\0', out->len) != NULL)
		return cli_error("%s: a template is text, NUL bytes are not allowed", path);
	return CLI_EXIT_OK;
}

static int
check_placeholders(const char *text)
{
	md_buf unknown = MD_BUF_INIT;
	int rc = CLI_EXIT_OK;

	if (md_template_unknown(text, &unknown) > 0)
		rc = cli_error("unknown placeholder(s): %s", md_buf_str(&unknown));
	md_buf_free(&unknown);
	return rc;
}

static int
show(struct md_store *st, const char *project, enum md_template_kind k)
{
	md_buf body = MD_BUF_INIT, subj = MD_BUF_INIT;
	char err[512];

	if (md_template_load(st, project, k, &body, &subj, err, sizeof err) < 0)
		return cli_error("%s", err);
	printf("Subject: %s%s\n\n%s", subj.len ? md_buf_str(&subj) : md_template_default_subject(k),
	    subj.len ? "" : "  (default)",
	    body.len ? md_buf_str(&body) : md_template_default(k));
	if (body.len == 0)
		printf("\n(default body)\n");
	md_buf_free(&body);
	md_buf_free(&subj);
	return CLI_EXIT_OK;
}

int
cli_project_template(struct cli *c, int argc, char **argv)
{
	const char *project, *what;
	char field[64], err[512];
	md_buf text = MD_BUF_INIT;
	struct md_store *st;
	int k, rc, exists;
	struct md_project p;

	if (argc < 4 || argc > 6)
		return cli_usage_error(&cli_cmd_project, "project template NAME KIND [FILE|-|--subject TEXT|--reset]");
	project = argv[2];
	if ((k = md_template_by_name(argv[3])) < 0)
		return cli_usage_error(&cli_cmd_project,
		    "unknown template kind %s (thank_you, new_note, close, reopen)", argv[3]);
	if ((st = cli_store(c)) == NULL)
		return CLI_EXIT_FAIL;
	if ((exists = md_project_get(st, project, &p, err, sizeof err)) < 0)
		return cli_error("%s", err);
	if (exists == 0)
		return cli_error("no such project: %s", project);
	md_project_free(&p);
	if (argc == 4)
		return show(st, project, (enum md_template_kind)k);

	what = argv[4];
	if (strcmp(what, "--reset") == 0 && argc == 5) {
		snprintf(field, sizeof field, "%s_subject", argv[3]);
		if (md_template_store(st, project, argv[3], "", NULL, err, sizeof err) < 0 ||
		    md_template_store(st, project, field, "", NULL, err, sizeof err) < 0)
			return cli_error("%s", err);
		printf("%s template of %s reset to the default\n", argv[3], project);
		return CLI_EXIT_OK;
	}
	if (strcmp(what, "--subject") == 0 && argc == 6) {
		if (strchr(argv[5], '\n') != NULL || strchr(argv[5], '\r') != NULL)
			return cli_error("a subject is one line");
		if ((rc = check_placeholders(argv[5])) != CLI_EXIT_OK)
			return rc;
		snprintf(field, sizeof field, "%s_subject", argv[3]);
		if (md_template_store(st, project, field, argv[5],
		    md_template_default_subject((enum md_template_kind)k), err,
		    sizeof err) < 0)
			return cli_error("%s", err);
		printf("%s subject of %s set\n", argv[3], project);
		return CLI_EXIT_OK;
	}
	if (argc != 5 || (what[0] == '-' && what[1] != '\0'))
		return cli_usage_error(&cli_cmd_project, "project template NAME KIND [FILE|-|--subject TEXT|--reset]");
	if ((rc = read_text(what, &text)) == CLI_EXIT_OK)
		rc = check_placeholders(md_buf_str(&text));
	if (rc == CLI_EXIT_OK) {
		if (md_template_store(st, project, argv[3], md_buf_str(&text),
		    md_template_default((enum md_template_kind)k), err, sizeof err) < 0)
			rc = cli_error("%s", err);
		else
			printf("%s template of %s set (%zu bytes)\n", argv[3], project, text.len);
	}
	md_buf_free(&text);
	return rc;
}
