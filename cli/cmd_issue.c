/*
 * cmd_issue.c - "maildesk issue ...": list, show, comment, close, reopen,
 * label and unlabel issues, assign, take, set the priority and the title,
 * add and remove participants, block the sender (lib/store/tracker.h does the
 * work).  With --as USER only the projects USER may see (lib/store/access.c).
 *
 * The JSON shapes printed with --json are documented in maildesk(1) and
 * kept stable: fields are only ever added.  lib/policy/present.c writes them, as
 * it writes the web API's.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "json.h"
#include "mime.h"
#include "output.h"
#include "present.h"
#include "projects.h"
#include "tracker.h"
#include "validate.h"

#define MAX_STDIN	MD_NOTE_MAX	/* "issue comment ... -": lib's limit of a note */

struct args {
	const char	*pos[4];
	int		 npos;
	int		 json;
	int		 internal;
	int		 me, none, mine, unassigned, overdue;	/* issue 18 */
	const char	*assignee;
	const char	*priority;
	const char	*state;
	const char	*label;
	const char	*customer;
	const char	*search;
	const char	*sort;
	const char	*author;
	const char	*canned;	/* issue comment --canned NAME */
	long		 limit;
	long		 offset;
};

static const struct {
	const char	*name;
	size_t		 off;
} str_opts[] = {
	{ "--state", offsetof(struct args, state) },
	{ "--label", offsetof(struct args, label) },
	{ "--customer", offsetof(struct args, customer) },
	{ "--search", offsetof(struct args, search) },
	{ "--sort", offsetof(struct args, sort) },
	{ "--author", offsetof(struct args, author) },
	{ "--canned", offsetof(struct args, canned) },
	{ "--assignee", offsetof(struct args, assignee) },
	{ "--priority", offsetof(struct args, priority) },
};

/* Flags without a value. */
static const struct {
	const char	*name;
	size_t		 off;
} flag_opts[] = {
	{ "--json", offsetof(struct args, json) },
	{ "--internal", offsetof(struct args, internal) },
	{ "--me", offsetof(struct args, me) },
	{ "--none", offsetof(struct args, none) },
	{ "--mine", offsetof(struct args, mine) },
	{ "--unassigned", offsetof(struct args, unassigned) },
	{ "--overdue", offsetof(struct args, overdue) },
};

static int
parse_long(const char *opt, const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || *out < 0)
		return cli_usage_error(&cli_cmd_issue, "%s needs a number >= 0", opt);
	return 0;
}

static int
parse_args(int argc, char **argv, struct args *a)
{
	int i, opts = 1;
	size_t k;

	memset(a, 0, sizeof *a);
	for (i = 0; i < argc; i++) {
		const char *s = argv[i];

		if (opts && strcmp(s, "--") == 0) {
			opts = 0;
			continue;
		}
		for (k = 0; opts && k < sizeof flag_opts / sizeof flag_opts[0]; k++)
			if (strcmp(s, flag_opts[k].name) == 0)
				break;
		if (opts && k < sizeof flag_opts / sizeof flag_opts[0]) {
			*(int *)(void *)((char *)a + flag_opts[k].off) = 1;
			continue;
		}
		if (opts && (strcmp(s, "--limit") == 0 || strcmp(s, "--offset") == 0)) {
			if (i + 1 == argc)
				return cli_usage_error(&cli_cmd_issue, "%s needs a value", s);
			if (parse_long(s, argv[i + 1], s[2] == 'l' ? &a->limit : &a->offset))
				return CLI_EXIT_USAGE;
			i++;
			continue;
		}
		for (k = 0; opts && k < sizeof str_opts / sizeof str_opts[0]; k++)
			if (strcmp(s, str_opts[k].name) == 0)
				break;
		if (opts && k < sizeof str_opts / sizeof str_opts[0]) {
			if (i + 1 == argc)
				return cli_usage_error(&cli_cmd_issue, "%s needs a value", s);
			*(const char **)(void *)((char *)a + str_opts[k].off) = argv[++i];
		} else if (opts && s[0] == '-' && s[1] != '\0') {
			return cli_usage_error(&cli_cmd_issue, "unknown option: %s", s);
		} else if (a->npos == 4) {
			return cli_usage_error(&cli_cmd_issue, "too many arguments");
		} else {
			a->pos[a->npos++] = s;
		}
	}
	return 0;
}

static void
fmt_time(long t, char *out, size_t outlen)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(out, outlen, "-");
	else
		strftime(out, outlen, "%Y-%m-%d %H:%M", &tm);
}

int
cli_issue_table(const struct md_issue_list *l)
{
	struct out_table *t;
	const struct md_issue *i;
	char id[96], upd[32], due[48];
	size_t k;

	t = out_table_new(9, "ISSUE", "STATE", "PRIORITY", "ASSIGNEE", "DUE", "UPDATED",
	    "CUSTOMER", "LABELS", "TITLE");
	for (k = 0; t != NULL && k < l->n; k++) {
		i = &l->items[k];
		snprintf(id, sizeof id, "%s#%ld", i->project, i->iid);
		fmt_time(i->updated, upd, sizeof upd);
		fmt_time(i->due, due, sizeof due);
		if (i->overdue)		/* what a responder must see first */
			snprintf(due + strlen(due), sizeof due - strlen(due), " OVERDUE");
		else if (i->first_response_at > 0)
			snprintf(due, sizeof due, "answered");
		if (out_table_add(t, id, i->state, i->priority, *i->assignee ? i->assignee : "-",
		    due, upd, i->customer_email, *i->labels ? i->labels : NULL, i->title) < 0) {
			out_table_free(t);
			t = NULL;
		}
	}
	if (t == NULL)
		return cli_error("out of memory");
	if (l->n > 0)
		out_table_print(t, stdout);
	out_table_free(t);
	return CLI_EXIT_OK;
}

/* The list filters of the options; 0 or a usage exit status. */
static int
list_filter(struct cli *c, const struct args *a, struct md_issue_filter *f)
{
	const struct md_user *who;
	int rc;

	if (a->sort != NULL && strcmp(a->sort, "created") != 0 && strcmp(a->sort, "updated") != 0)
		return cli_usage_error(&cli_cmd_issue, "--sort is created or updated");
	if (a->priority != NULL && !md_priority_valid(a->priority))
		return cli_usage_error(&cli_cmd_issue, "--priority is low, normal, high or urgent");
	if ((a->mine != 0) + (a->unassigned != 0) + (a->assignee != NULL) > 1)
		return cli_usage_error(&cli_cmd_issue,
		    "give one of --mine, --unassigned and --assignee");
	memset(f, 0, sizeof *f);
	f->state = a->state != NULL ? a->state : "opened";
	f->label = a->label;
	f->customer = a->customer;
	f->search = a->search;
	f->sort_updated = a->sort != NULL && strcmp(a->sort, "updated") == 0;
	f->limit = a->limit > 0 ? a->limit : 20;
	f->offset = a->offset;
	f->priority = a->priority;
	f->overdue = a->overdue;
	f->assignee = a->assignee;
	if (a->unassigned || (a->assignee != NULL && strcmp(a->assignee, "none") == 0))
		f->assignee = "";
	if (a->mine || (a->assignee != NULL && strcmp(a->assignee, "me") == 0)) {
		if ((rc = cli_who(c, &who)) != 0)
			return rc;
		if (who == NULL)
			return cli_usage_error(&cli_cmd_issue, "--mine needs --as USER");
		f->assignee = who->name;
	}
	return 0;
}

static int
do_list(struct cli *c, const struct args *a)
{
	struct md_issue_filter f;
	struct md_issue_list l;
	struct md_store *st;
	char err[512];
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	int rc = CLI_EXIT_OK;

	if (a->npos != 1)
		return cli_usage_error(&cli_cmd_issue, "issue list needs a PROJECT");
	if ((st = cli_store(c)) == NULL)
		return CLI_EXIT_FAIL;
	if ((rc = list_filter(c, a, &f)) != 0)
		return rc;
	/* An empty list of a project that does not exist would hide a typo;
	 * one the user may not see is answered the same way. */
	if ((rc = cli_access(c, st, a->pos[0], 0)) != 0)
		return rc;
	if (md_tracker_list(st, a->pos[0], &f, &l, err, sizeof err) < 0)
		return cli_error("%s", err);
	if (a->json) {
		md_json_init(&j, &b);
		md_json_open_object(&j);
		md_json_kstr(&j, "project", a->pos[0]);
		md_json_kint(&j, "total", l.total);
		md_json_kint(&j, "opened", l.opened);
		md_json_kint(&j, "closed", l.closed);
		md_present_issue_list(&j, &l);
		md_json_close_object(&j);
		rc = cli_print_json(&j);
	} else if ((rc = cli_issue_table(&l)) == CLI_EXIT_OK) {
		printf("%ld opened, %ld closed; %ld shown of %ld %s\n", l.opened, l.closed,
		    (long)l.n, l.total, f.state);
	}
	md_buf_free(&b);
	md_issue_list_free(&l);
	return rc;
}

static int
ref_arg(const struct args *a, int n, const char *what, char *project, long *iid)
{
	if (a->npos != n)
		return cli_usage_error(&cli_cmd_issue, "%s", what);
	if (md_issue_ref_parse(a->pos[0], project, MD_PROJECT_MAX + 1, iid) < 0)
		return cli_usage_error(&cli_cmd_issue, "bad issue reference '%s' (want project#number)",
		    a->pos[0]);
	return 0;
}

/* The store, once who may see project; NULL after the message. */
static struct md_store *
issue_store(struct cli *c, const char *project)
{
	struct md_store *st;

	if ((st = cli_store(c)) == NULL || cli_access(c, st, project, 0) != 0)
		return NULL;
	return st;
}

static void
show_json(const struct md_issue_full *f)
{
	md_buf b = MD_BUF_INIT;
	struct md_json j;

	md_json_init(&j, &b);
	md_json_open_object(&j);
	md_present_issue_members(&j, &f->issue, 1);
	md_present_issue_parts(&j, f);
	md_json_close_object(&j);
	cli_print_json(&j);
	md_buf_free(&b);
}

/* Multi-line text with control characters (escape sequences) shown as '?'. */
static void
print_text(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '\r')
			continue;
		putchar((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f ? '?' : ch);
	}
	putchar('\n');
}

static void
show_human(const struct md_issue_full *f)
{
	const struct md_issue *i = &f->issue;
	char t[32], line[256];
	size_t k;

	snprintf(line, sizeof line, "%s#%ld", i->project, i->iid);
	out_kv(stdout, 10, "issue", line);
	out_kv(stdout, 10, "title", i->title);
	out_kv(stdout, 10, "state", i->state);
	out_kv(stdout, 10, "labels", *i->labels ? i->labels : "-");
	out_kv(stdout, 10, "assignee", *i->assignee ? i->assignee : "-");
	out_kv(stdout, 10, "priority", i->priority);
	fmt_time(i->due, t, sizeof t);
	snprintf(line, sizeof line, "%s%s", t, i->overdue ? " OVERDUE" :
	    i->first_response_at > 0 ? " (answered)" : "");
	out_kv(stdout, 10, "due", line);
	snprintf(line, sizeof line, "%s%s%s%s%s", i->customer_name, *i->customer_name ? " <" : "",
	    i->customer_email, *i->customer_name ? ">" : "",
	    md_trk_has_token(i->flags, MD_TRK_FLAG_UNVERIFIED) ?
	    " (unverified sender: SPF and DKIM did not authenticate the From:)" : "");
	out_kv(stdout, 10, "customer", line);
	fmt_time(i->created, t, sizeof t);
	out_kv(stdout, 10, "created", t);
	fmt_time(i->updated, t, sizeof t);
	out_kv(stdout, 10, "updated", t);
	snprintf(line, sizeof line, "%s, score %s%s%s", *i->spf ? i->spf : "-",
	    *i->score ? i->score : "-", *i->flags ? ", flags " : "", i->flags);
	out_kv(stdout, 10, "spf", line);
	for (k = 0; k < f->nsubs; k++)
		out_kv(stdout, 10, k == 0 ? "subscribers" : "", f->subs[k].subscribed ?
		    f->subs[k].email : "(unsubscribed)");
	for (k = 0; k < f->natts; k++) {
		snprintf(line, sizeof line, "%ld. %s (%s, %zu bytes%s)", f->atts[k].n,
		    f->atts[k].filename, f->atts[k].content_type, f->atts[k].size,
		    f->atts[k].stored ? "" : ", not stored: too big");
		out_kv(stdout, 10, "attachment", line);
	}
	printf("\n");
	print_text(i->description);
	for (k = 0; k < f->nnotes; k++) {
		const struct md_note *n = &f->notes[k];

		fmt_time(n->created, t, sizeof t);
		snprintf(line, sizeof line, "--- %s, %s note by %s%s%s%s%s", t, n->kind,
		    n->author, strcmp(n->via, "email") == 0 ? " (by email)" : "",
		    *n->flags ? " [" : "", n->flags, *n->flags ? "]" : "");
		printf("\n");
		print_text(line);
		print_text(n->text);
	}
}

static int
do_show(struct cli *c, const struct args *a)
{
	char project[MD_PROJECT_MAX + 1], err[512];
	struct md_issue_full f;
	struct md_store *st;
	long iid;

	if (ref_arg(a, 1, "issue show needs PROJECT#NUMBER", project, &iid))
		return CLI_EXIT_USAGE;
	if ((st = issue_store(c, project)) == NULL)
		return CLI_EXIT_FAIL;
	if (md_tracker_get(st, project, iid, &f, err, sizeof err) != 0)
		return cli_error("%s", err);
	if (a->json)
		show_json(&f);
	else
		show_human(&f);
	md_issue_full_free(&f);
	return CLI_EXIT_OK;
}

/* All of stdin (length in *len), at most MAX_STDIN bytes; NULL after an
 * error message. */
static char *
read_stdin(size_t *len)
{
	md_buf b = MD_BUF_INIT;
	char chunk[4096];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
		if (b.len + n > MAX_STDIN) {
			md_buf_free(&b);
			cli_error("note text longer than %d bytes", MAX_STDIN);
			return NULL;
		}
		if (md_buf_append(&b, chunk, n) < 0) {
			md_buf_free(&b);
			cli_error("out of memory");
			return NULL;
		}
	}
	if (ferror(stdin)) {
		md_buf_free(&b);
		cli_error("reading the note from stdin: %s", strerror(errno));
		return NULL;
	}
	*len = b.len;
	return b.data != NULL ? md_buf_detach(&b) : strdup("");
}

static int
do_comment(struct cli *c, const struct args *a)
{
	char project[MD_PROJECT_MAX + 1], err[512], nid[32];
	struct md_store *st;
	const char *bad;
	char *text;
	size_t len = 0;
	long iid;
	int mailed, rc;

	if (ref_arg(a, a->canned != NULL ? 1 : 2, a->canned != NULL ?
	    "issue comment --canned NAME needs PROJECT#NUMBER and no TEXT" :
	    "issue comment needs PROJECT#NUMBER and a TEXT (or - for stdin)", project, &iid))
		return CLI_EXIT_USAGE;
	if (a->canned != NULL)
		text = cli_canned_text(c, project, iid, a->canned);
	else
		text = strcmp(a->pos[1], "-") == 0 ? read_stdin(&len) : strdup(a->pos[1]);
	if (text == NULL)
		return CLI_EXIT_FAIL;
	if (a->canned != NULL || strcmp(a->pos[1], "-") != 0)
		len = strlen(text);
	if ((bad = md_note_text_problem(text, len)) != NULL) {
		free(text);
		return cli_error("%s", bad);
	}
	if ((st = issue_store(c, project)) == NULL) {
		free(text);
		return CLI_EXIT_FAIL;
	}
	rc = md_tracker_note(st, &c->cfg, project, iid, text, a->internal,
	    a->author != NULL ? a->author : c->as_user,
	    nid, sizeof nid, &mailed, err, sizeof err);
	free(text);
	if (rc != 0)
		return cli_error("%s", err);
	printf("%s note %s added to %s#%ld, %d mail%s queued\n",
	    a->internal ? "internal" : "public", nid, project, iid, mailed,
	    mailed == 1 ? "" : "s");
	return CLI_EXIT_OK;
}

static int
do_state(struct cli *c, const struct args *a, int close)
{
	char project[MD_PROJECT_MAX + 1], err[512];
	struct md_store *st;
	long iid;
	int changed, mailed;

	if (ref_arg(a, 1, close ? "issue close needs PROJECT#NUMBER" :
	    "issue reopen needs PROJECT#NUMBER", project, &iid))
		return CLI_EXIT_USAGE;
	if ((st = issue_store(c, project)) == NULL)
		return CLI_EXIT_FAIL;
	if (md_tracker_set_state(st, &c->cfg, project, iid, close, cli_author(c, a->author),
	    &changed, &mailed, err, sizeof err) != 0)
		return cli_error("%s", err);
	if (!changed)
		printf("%s#%ld was already %s\n", project, iid, close ? "closed" : "open");
	else
		printf("%s#%ld %s, %d notice%s queued\n", project, iid,
		    close ? "closed" : "reopened", mailed, mailed == 1 ? "" : "s");
	return CLI_EXIT_OK;
}

static int
do_label(struct cli *c, const struct args *a, int add)
{
	char project[MD_PROJECT_MAX + 1], err[512];
	struct md_store *st;
	long iid;
	int changed;

	if (ref_arg(a, 2, add ? "issue label needs PROJECT#NUMBER and a LABEL" :
	    "issue unlabel needs PROJECT#NUMBER and a LABEL", project, &iid))
		return CLI_EXIT_USAGE;
	if ((st = issue_store(c, project)) == NULL)
		return CLI_EXIT_FAIL;
	if (md_tracker_label_by(st, project, iid, a->pos[1], add, cli_author(c, a->author),
	    &changed, err, sizeof err) != 0)
		return cli_error("%s", err);
	if (!changed)
		printf("%s#%ld %s label %s\n", project, iid, add ? "already has" : "has no",
		    a->pos[1]);
	else
		printf("%s#%ld: label %s %s\n", project, iid, a->pos[1], add ? "added" : "removed");
	return CLI_EXIT_OK;
}

static int
run(struct cli *c, int argc, char **argv)
{
	struct args a;
	const char *sub;
	int rc;

	if (argc < 2)
		return cli_usage_error(&cli_cmd_issue, "issue needs a subcommand");
	sub = argv[1];
	if ((rc = parse_args(argc - 2, argv + 2, &a)) != 0)
		return rc;
	if (strcmp(sub, "list") == 0)
		return do_list(c, &a);
	if (strcmp(sub, "show") == 0)
		return do_show(c, &a);
	if (strcmp(sub, "comment") == 0)
		return do_comment(c, &a);
	if (strcmp(sub, "close") == 0 || strcmp(sub, "reopen") == 0)
		return do_state(c, &a, sub[0] == 'c');
	if (strcmp(sub, "label") == 0 || strcmp(sub, "unlabel") == 0)
		return do_label(c, &a, sub[0] == 'l');
	if (cli_issue_change_known(sub))	/* cmd_issue_edit.c (issue 18) */
		return cli_issue_change(c, sub, a.pos, a.npos, cli_author(c, a.author),
		    a.me, a.none);
	return cli_usage_error(&cli_cmd_issue, "unknown issue subcommand: %s", sub);
}

const struct cli_command cli_cmd_issue = {
	"issue", run,
	"  maildesk issue list PROJECT [--state opened|closed|all] [--label L]\n"
	"          [--customer ADDR] [--search TEXT] [--sort created|updated]\n"
	"          [--mine|--unassigned|--assignee USER] [--priority P] [--overdue]\n"
	"          [--limit N] [--offset N] [--json]\n"
	"  maildesk issue show PROJECT#N [--json]\n"
	"  maildesk issue comment PROJECT#N TEXT|-|--canned NAME [--internal] [--author NAME]\n"
	"  maildesk issue close|reopen PROJECT#N [--author NAME]\n"
	"  maildesk issue label|unlabel PROJECT#N LABEL\n"
	"  maildesk issue assign PROJECT#N USER|--me|--none\n"
	"  maildesk issue take|unassign PROJECT#N\n"
	"  maildesk issue priority PROJECT#N low|normal|high|urgent\n"
	"  maildesk issue title PROJECT#N TEXT\n"
	"  maildesk issue participant add|del PROJECT#N ADDR\n"
	"  maildesk issue block PROJECT#N\n"
	"  (changes: [--author NAME]; every command: maildesk --as USER ...)\n",
};
