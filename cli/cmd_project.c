/*
 * cmd_project.c - "maildesk project ...": create, inspect and configure
 * projects, their alias addresses (lib/store/projects.h does the work), their
 * sender block and allow lists (lib/store/lists.h) and members (cmd_member.c).
 * With --as USER: only the projects USER sees, changes only where USER is
 * a maintainer (lib/store/access.c); project add stays the operator's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "address.h"
#include "cli.h"
#include "json.h"
#include "lists.h"
#include "members.h"
#include "output.h"
#include "present.h"
#include "projects.h"
#include "validate.h"

#define MAX_ALIASES	64

/* Options and positional arguments after "project <sub>". */
struct args {
	const char	*pos[4];
	int		 npos;
	int		 json;
	const char	*alias[MAX_ALIASES];
	int		 nalias;
};

static const char *const policy_name[] = { "accept", "reject" };	/* md_automated_policy */

/* A project's block and allow lists, for show (lists.h: sorted, malloc'd). */
struct plists {
	char	**block, **allow;
	size_t	  nblock, nallow;
};

/* Accepts --json and --alias where allowed; 0 or a usage exit status. */
static int
parse_args(int argc, char **argv, int allow_json, int allow_alias, struct args *a)
{
	int i, opts = 1;

	memset(a, 0, sizeof *a);
	for (i = 0; i < argc; i++) {
		const char *s = argv[i];

		if (opts && strcmp(s, "--") == 0) {
			opts = 0;
		} else if (opts && allow_json && strcmp(s, "--json") == 0) {
			a->json = 1;
		} else if (opts && allow_alias && strcmp(s, "--alias") == 0) {
			if (i + 1 == argc)
				return cli_usage_error(&cli_cmd_project, "--alias needs an address");
			if (a->nalias == MAX_ALIASES)
				return cli_usage_error(&cli_cmd_project, "too many --alias options");
			a->alias[a->nalias++] = argv[++i];
		} else if (opts && allow_alias && strncmp(s, "--alias=", 8) == 0) {
			if (a->nalias == MAX_ALIASES)
				return cli_usage_error(&cli_cmd_project, "too many --alias options");
			a->alias[a->nalias++] = s + 8;
		} else if (opts && s[0] == '-' && s[1] != '\0') {
			return cli_usage_error(&cli_cmd_project, "unknown option: %s", s);
		} else if (a->npos == 4) {
			return cli_usage_error(&cli_cmd_project, "too many arguments");
		} else {
			a->pos[a->npos++] = s;
		}
	}
	return 0;
}

static int
need(const struct args *a, int n, const char *what)
{
	if (a->npos != n)
		return cli_usage_error(&cli_cmd_project, "%s", what);
	return 0;
}

/*
 * Why alias cannot be one of project's (NULL: it can): md_alias_check's
 * reasons, or, with st, another project's alias.
 */
static const char *
alias_problem(struct cli *c, struct md_store *st, const char *alias,
    const char *project, char *msg, size_t msglen)
{
	char owner[MD_PROJECT_MAX + 1], err[512];
	int rc;

	if (md_alias_check(&c->cfg, alias, NULL, 0, msg, msglen) < 0)
		return msg;
	if (st == NULL)
		return NULL;
	if ((rc = md_project_alias_owner(st, alias, owner, sizeof owner, err,
	    sizeof err)) < 0) {
		snprintf(msg, msglen, "%s", err);
		return msg;
	}
	if (rc == 1 && strcmp(owner, project) != 0) {
		snprintf(msg, msglen, "alias %s is already used by project %s", alias, owner);
		return msg;
	}
	return NULL;
}

static int
do_add(struct cli *c, const struct args *a)
{
	char err[512], msg[700];
	const struct md_user *who;
	struct md_store *st;
	int i;

	if (need(a, 1, "project add needs a NAME"))
		return CLI_EXIT_USAGE;
	/* Check every alias first so a typo does not leave a half-made project. */
	for (i = 0; i < a->nalias; i++)
		if (alias_problem(c, NULL, a->alias[i], a->pos[0], msg, sizeof msg) != NULL)
			return cli_error("%s", msg);
	if ((st = cli_store(c)) == NULL || cli_who(c, &who) != 0)
		return CLI_EXIT_FAIL;
	if (who != NULL && who->role != MD_ROLE_ADMIN)
		return cli_error("project add is for admins (%s is a responder)", who->name);
	for (i = 0; i < a->nalias; i++)
		if (alias_problem(c, st, a->alias[i], a->pos[0], msg, sizeof msg) != NULL)
			return cli_error("%s", msg);
	if (md_project_add(st, a->pos[0], err, sizeof err) < 0)
		return cli_error("%s", err);
	printf("project %s added\n", a->pos[0]);
	for (i = 0; i < a->nalias; i++) {
		if (md_project_alias_add(st, a->pos[0], a->alias[i], err, sizeof err) < 0)
			return cli_error("project %s added, but: %s", a->pos[0], err);
		printf("alias %s -> %s\n", a->alias[i], a->pos[0]);
	}
	return CLI_EXIT_OK;
}

static void
json_strings(struct md_json *j, const char *key, char **v, size_t n)
{
	size_t i;

	md_json_key(j, key);
	md_json_open_array(j);
	for (i = 0; i < n; i++)
		md_json_string(j, v[i]);
	md_json_close_array(j);
}

/* lib/policy/present.c's project (the web API's too), with the lists for show. */
static void
project_json(const struct cli *c, struct md_json *j, const struct md_project *p,
    const struct plists *pl)
{
	md_json_open_object(j);
	md_present_project_members(j, &c->cfg, p);
	if (pl != NULL) {
		json_strings(j, "block", pl->block, pl->nblock);
		json_strings(j, "allow", pl->allow, pl->nallow);
	}
	md_json_close_object(j);
}

/* Fetches one project; exit status on failure (message printed). */
static int
fetch(struct md_store *st, const char *name, struct md_project *p)
{
	char err[512];
	int rc = md_project_get(st, name, p, err, sizeof err);

	if (rc < 0)
		return cli_error("%s", err);
	if (rc == 0)
		return cli_error("no such project: %s", name);
	return 0;
}

static char *
join_aliases(const struct md_project *p)
{
	md_buf b = MD_BUF_INIT;
	size_t i;

	if (p->naliases == 0)
		return NULL;
	for (i = 0; i < p->naliases; i++)
		if ((i > 0 && md_buf_puts(&b, ", ") < 0) || md_buf_puts(&b, p->aliases[i]) < 0)
			break;
	return md_buf_detach(&b);
}

static int
list_rows(const struct cli *c, struct md_store *st, char **names, size_t n, int json)
{
	struct out_table *t = out_table_new(4, "NAME", "STATE", "ISSUES", "ALIASES");
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	struct md_project p;
	char issues[32], err[512], *al;
	size_t i;
	int rc = CLI_EXIT_OK, got;

	md_json_init(&j, &b);
	md_json_open_array(&j);
	for (i = 0; i < n && rc == CLI_EXIT_OK && t != NULL; i++) {
		if ((got = md_project_get(st, names[i], &p, err, sizeof err)) < 0) {
			rc = cli_error("%s", err);
			break;
		}
		if (got == 0)
			continue;	/* removed meanwhile */
		if (json) {
			project_json(c, &j, &p, NULL);
		} else {
			snprintf(issues, sizeof issues, "%ld", p.last_iid);
			al = join_aliases(&p);
			if (out_table_add(t, p.name, p.enabled ? "enabled" : "disabled",
			    issues, al) < 0)
				rc = cli_error("out of memory");
			free(al);
		}
		md_project_free(&p);
	}
	md_json_close_array(&j);
	if (t == NULL)
		rc = cli_error("out of memory");
	else if (rc == CLI_EXIT_OK && json)
		rc = cli_print_json(&j);
	else if (rc == CLI_EXIT_OK && !json)
		out_table_print(t, stdout);
	out_table_free(t);
	md_buf_free(&b);
	return rc;
}

static int
do_list(struct cli *c, const struct args *a)
{
	const struct md_user *who;
	struct md_store *st;
	char **names, err[512];
	int *roles;
	size_t n, i;
	int rc;

	if (need(a, 0, "project list takes no arguments"))
		return CLI_EXIT_USAGE;
	if ((st = cli_store(c)) == NULL)
		return CLI_EXIT_FAIL;
	if ((rc = cli_who(c, &who)) != 0)
		return rc;
	/* The operator's (an admin's) list is every project. */
	if (md_member_projects(st, who, &names, &roles, &n, err, sizeof err) < 0)
		return cli_error("%s", err);
	rc = list_rows(c, st, names, n, a->json);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(roles);
	return rc;
}

/* "default (accept)": the project follows maildesk.conf. */
static void
show_default(const char *key, int is_default, const char *own, const char *dflt)
{
	char v[96];

	if (is_default)
		snprintf(v, sizeof v, "default (%s)", dflt);
	else
		snprintf(v, sizeof v, "%s", own);
	out_kv(stdout, 16, key, v);
}

/* "key  first", "     second", ...; "key  -" for none. */
static void
show_values(const char *key, char **v, size_t n)
{
	size_t i;

	if (n == 0)
		out_kv(stdout, 16, key, "-");
	for (i = 0; i < n; i++)
		out_kv(stdout, 16, i == 0 ? key : "", v[i]);
}

static void
show_human(const struct cli *c, const struct md_project *p, const struct plists *pl)
{
	const struct md_override_field *o;
	char v[64], d[64];
	time_t t = (time_t)p->created;
	struct tm tm;

	out_kv(stdout, 16, "project", p->name);
	out_kv(stdout, 16, "state", p->enabled ? "enabled" : "disabled");
	if (gmtime_r(&t, &tm) != NULL && strftime(v, sizeof v, "%Y-%m-%d %H:%M:%S UTC", &tm) > 0)
		out_kv(stdout, 16, "created", v);
	snprintf(v, sizeof v, "%ld", p->last_iid);
	out_kv(stdout, 16, "issues", v);
	out_kv(stdout, 16, "verified_senders", p->verified_senders ? "yes" : "no");
	out_kv(stdout, 16, "reopen_on_reply", p->reopen_on_reply ? "yes" : "no");
	out_kv(stdout, 16, "notify_state", p->notify_state ? "yes" : "no");
	show_default("automated_policy", p->automated_policy < 0,
	    p->automated_policy < 0 ? "" : policy_name[p->automated_policy == MD_AUTO_REJECT],
	    policy_name[c->cfg.automated_policy == MD_AUTO_REJECT]);
	snprintf(v, sizeof v, "%g", p->spam_mark);
	snprintf(d, sizeof d, "%g", c->cfg.spam_mark);
	show_default("spam_mark", p->spam_mark < 0, v, d);
	snprintf(v, sizeof v, "%g", p->spam_reject);
	snprintf(d, sizeof d, "%g", c->cfg.spam_reject);
	show_default("spam_reject", p->spam_reject < 0, v, d);
	snprintf(v, sizeof v, "%dd", p->retention_days);
	out_kv(stdout, 16, "retention", p->retention_days > 0 ? v : "off (kept)");
	if (p->first_response % 3600 == 0)
		snprintf(v, sizeof v, "%ldh", p->first_response / 3600);
	else
		snprintf(v, sizeof v, "%ldm", p->first_response / 60);
	out_kv(stdout, 16, "first_response", p->first_response > 0 ? v : "off");
	for (o = md_override_fields; o->field != NULL; o++)
		show_default(o->field, md_override_of(p, o) == MD_OVERRIDE_DEFAULT,
		    md_override_word(p, o), md_present_override_default(&c->cfg, o));
	show_values("aliases", p->aliases, p->naliases);
	show_values("blocked", pl->block, pl->nblock);
	show_values("allowed", pl->allow, pl->nallow);
}

static void
free_strings(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

static void
plists_free(struct plists *pl)
{
	free_strings(pl->block);
	free_strings(pl->allow);
	memset(pl, 0, sizeof *pl);
}

static int
do_show(struct cli *c, const struct args *a)
{
	struct md_project p;
	struct plists pl;
	struct md_store *st;
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	char err[512];
	int rc = CLI_EXIT_OK;

	if (need(a, 1, "project show needs a NAME"))
		return CLI_EXIT_USAGE;
	if ((st = cli_store(c)) == NULL || cli_access(c, st, a->pos[0], 0) != 0)
		return CLI_EXIT_FAIL;
	if (fetch(st, a->pos[0], &p) != 0)
		return CLI_EXIT_FAIL;
	memset(&pl, 0, sizeof pl);
	if (md_lists_get(st, p.name, MD_LIST_BLOCK, &pl.block, &pl.nblock, err,
	    sizeof err) < 0 ||
	    md_lists_get(st, p.name, MD_LIST_ALLOW, &pl.allow, &pl.nallow, err,
	    sizeof err) < 0) {
		rc = cli_error("%s", err);
	} else if (a->json) {
		md_json_init(&j, &b);
		project_json(c, &j, &p, &pl);
		rc = cli_print_json(&j);
		md_buf_free(&b);
	} else {
		show_human(c, &p, &pl);
	}
	plists_free(&pl);
	md_project_free(&p);
	return rc;
}

static int
do_enable(struct cli *c, const struct args *a, int on)
{
	struct md_store *st;
	char err[512];
	int rc;

	if (need(a, 1, on ? "project enable needs a NAME" : "project disable needs a NAME"))
		return CLI_EXIT_USAGE;
	if ((st = cli_store(c)) == NULL || cli_access(c, st, a->pos[0], 1) != 0)
		return CLI_EXIT_FAIL;
	if ((rc = md_project_set_enabled(st, a->pos[0], on, err, sizeof err)) <= 0)
		return cli_error("%s", err);
	printf("project %s %s\n", a->pos[0], on ? "enabled" : "disabled");
	return CLI_EXIT_OK;
}

static int
do_set(struct cli *c, const struct args *a)
{
	const struct md_user *who;
	struct md_store *st;
	char err[512];

	if (need(a, 3, "project set needs NAME FIELD VALUE"))
		return CLI_EXIT_USAGE;
	if ((st = cli_store(c)) == NULL || cli_access(c, st, a->pos[0], 1) != 0 ||
	    cli_who(c, &who) != 0)
		return CLI_EXIT_FAIL;
	/* The operator (no --as) and --as an admin may relax sender checks. */
	if (who != NULL && who->role != MD_ROLE_ADMIN &&
	    md_project_setting_needs_admin(a->pos[1], a->pos[2], err, sizeof err))
		return cli_error("%s", err);
	if (md_project_set(st, a->pos[0], a->pos[1], a->pos[2], err, sizeof err) < 0)
		return cli_error("%s", err);
	printf("project %s: %s = %s\n", a->pos[0], a->pos[1], a->pos[2]);
	return CLI_EXIT_OK;
}

static int
do_alias(struct cli *c, const struct args *a)
{
	struct md_store *st;
	char err[512], msg[700];
	int add;

	if (a->npos == 0 || (strcmp(a->pos[0], "add") != 0 && strcmp(a->pos[0], "del") != 0))
		return cli_usage_error(&cli_cmd_project, "project alias needs add or del");
	add = strcmp(a->pos[0], "add") == 0;
	if (need(a, 3, add ? "project alias add needs NAME ADDR" :
	    "project alias del needs NAME ADDR"))
		return CLI_EXIT_USAGE;
	if (add && alias_problem(c, NULL, a->pos[2], a->pos[1], msg, sizeof msg) != NULL)
		return cli_error("%s", msg);
	if ((st = cli_store(c)) == NULL || cli_access(c, st, a->pos[1], 1) != 0)
		return CLI_EXIT_FAIL;
	if ((add ? md_project_alias_add : md_project_alias_del)(st, a->pos[1], a->pos[2],
	    err, sizeof err) < 0)
		return cli_error("%s", err);
	printf("alias %s %s %s\n", a->pos[2], add ? "->" : "removed from", a->pos[1]);
	return CLI_EXIT_OK;
}

/*
 * "block"/"allow": adds the entry to that list; "unblock": removes it from
 * both.  The project must exist, so a typo does not leave a stray list.
 */
static int
do_list_entry(struct cli *c, const struct args *a, const char *sub)
{
	char norm[400], err[512];
	struct md_project p;
	struct md_store *st;
	int which = md_list_parse(strcmp(sub, "unblock") == 0 ? "block" : sub), n[2], i;

	if (a->npos != 2)
		return cli_usage_error(&cli_cmd_project, "project %s needs NAME ADDR|@DOMAIN", sub);
	if (md_list_entry(a->pos[1], norm, sizeof norm) < 0)
		return cli_error("not an address or @domain: '%s'", a->pos[1]);
	if ((st = cli_store(c)) == NULL || cli_access(c, st, a->pos[0], 1) != 0)
		return CLI_EXIT_FAIL;
	if (fetch(st, a->pos[0], &p) != 0)
		return CLI_EXIT_FAIL;
	md_project_free(&p);
	if (strcmp(sub, "unblock") != 0) {
		if ((n[0] = md_lists_add(st, a->pos[0], which, norm, err, sizeof err)) < 0)
			return cli_error("%s", err);
		printf("%s %s %s list of %s\n", norm, n[0] ? "added to the" : "already on the",
		    sub, a->pos[0]);
		return CLI_EXIT_OK;
	}
	for (i = 0; i < 2; i++) {
		which = i == 0 ? MD_LIST_BLOCK : MD_LIST_ALLOW;
		if ((n[i] = md_lists_del(st, a->pos[0], which, norm, err, sizeof err)) < 0)
			return cli_error("%s", err);
		if (n[i] > 0)
			printf("%s removed from the %s list of %s\n", norm, md_list_name(which),
			    a->pos[0]);
	}
	if (n[0] == 0 && n[1] == 0)
		return cli_error("%s is on neither list of %s", norm, a->pos[0]);
	return CLI_EXIT_OK;
}

static int
run(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct args a;
	int json = strcmp(sub, "list") == 0 || strcmp(sub, "show") == 0;
	int rc;

	if (argc < 2)
		return cli_usage_error(&cli_cmd_project, "project needs a subcommand");
	if (strcmp(sub, "template") == 0) {
		struct md_store *st;

		/* Only a maintainer changes templates (--as); its own options. */
		if (c->as_user != NULL && argc > 2 && ((st = cli_store(c)) == NULL ||
		    cli_access(c, st, argv[2], 1) != 0))
			return CLI_EXIT_FAIL;
		return cli_project_template(c, argc, argv);
	}
	if (strcmp(sub, "member") == 0)
		return cli_project_member(c, argc, argv);	/* cmd_member.c */
	if ((rc = parse_args(argc - 2, argv + 2, json, strcmp(sub, "add") == 0, &a)) != 0)
		return rc;
	if (strcmp(sub, "add") == 0)
		return do_add(c, &a);
	if (strcmp(sub, "list") == 0)
		return do_list(c, &a);
	if (strcmp(sub, "show") == 0)
		return do_show(c, &a);
	if (strcmp(sub, "enable") == 0 || strcmp(sub, "disable") == 0)
		return do_enable(c, &a, sub[0] == 'e');
	if (strcmp(sub, "set") == 0)
		return do_set(c, &a);
	if (strcmp(sub, "alias") == 0)
		return do_alias(c, &a);
	if (strcmp(sub, "block") == 0 || strcmp(sub, "allow") == 0 ||
	    strcmp(sub, "unblock") == 0)
		return do_list_entry(c, &a, sub);
	return cli_usage_error(&cli_cmd_project, "unknown project subcommand: %s", sub);
}

const struct cli_command cli_cmd_project = {
	"project", run,
	"  maildesk project add NAME [--alias ADDR]...\n"
	"  maildesk project list [--json]\n"
	"  maildesk project show NAME [--json]\n"
	"  maildesk project enable|disable NAME\n"
	"  maildesk project alias add|del NAME ADDR\n"
	"  maildesk project set NAME FIELD VALUE\n"
	"  maildesk project set NAME retention DAYSd|off\n"
	"  maildesk project set NAME first_response 8h|30m|2d|off\n"
	"  maildesk project set NAME dmarc_reject|desk_from_auth yes|no|default\n"
	"  maildesk project set NAME dmarc_quarantine accept|reject|default\n"
	"  maildesk project member add|remove NAME USER [--role responder|maintainer]\n"
	"  maildesk project member list NAME [--json]\n"
	"  maildesk project block|allow|unblock NAME ADDR|@DOMAIN\n"
	"  maildesk project template NAME KIND [FILE|-|--subject TEXT|--reset]\n"
};
