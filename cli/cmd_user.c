/*
 * cmd_user.c - "maildesk user ...": accounts of the web UI (lib/store/users.h).
 *
 * Passwords are never taken from the command line, where ps(1) and shell
 * history would show them: they come from --password-file or from the
 * first line of standard input (typed without echo when it is a terminal).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "json.h"
#include "output.h"
#include "users.h"

struct args {
	const char	*pos[3];
	int		 npos;
	int		 json;
	const char	*role;
	const char	*pwfile;
};

static int
parse_args(int argc, char **argv, struct args *a)
{
	int i;

	memset(a, 0, sizeof *a);
	for (i = 0; i < argc; i++) {
		const char *s = argv[i];

		if (strcmp(s, "--json") == 0) {
			a->json = 1;
		} else if (strcmp(s, "--role") == 0 || strcmp(s, "--password-file") == 0) {
			if (i + 1 == argc)
				return cli_usage_error(&cli_cmd_user, "%s needs a value", s);
			*(s[2] == 'r' ? &a->role : &a->pwfile) = argv[++i];
		} else if (strncmp(s, "--role=", 7) == 0) {
			a->role = s + 7;
		} else if (strncmp(s, "--password-file=", 16) == 0) {
			a->pwfile = s + 16;
		} else if (s[0] == '-' && s[1] != '\0') {
			return cli_usage_error(&cli_cmd_user, "unknown option: %s", s);
		} else if (a->npos == 3) {
			return cli_usage_error(&cli_cmd_user, "too many arguments");
		} else {
			a->pos[a->npos++] = s;
		}
	}
	return 0;
}

/* Reads one line (without its newline) into pw; 0 or -1 after an error message. */
static int
read_line(FILE *fp, const char *what, char *pw, size_t pwlen)
{
	size_t n;

	if (fgets(pw, (int)pwlen, fp) == NULL) {
		cli_error("no password on %s", what);
		return -1;
	}
	n = strlen(pw);
	if (n > 0 && pw[n - 1] != '\n' && !feof(fp)) {
		cli_error("password on %s too long (at most %d bytes)", what, MD_PASSWORD_MAX);
		return -1;
	}
	pw[strcspn(pw, "\r\n")] = '\0';
	return 0;
}

static int
read_password(const char *file, char *pw, size_t pwlen)
{
	struct termios old, quiet;
	FILE *fp;
	int rc, tty;

	if (file != NULL) {
		if ((fp = fopen(file, "r")) == NULL) {
			cli_error("%s: %s", file, strerror(errno));
			return -1;
		}
		rc = read_line(fp, file, pw, pwlen);
		fclose(fp);
		return rc;
	}
	tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		fputs("Password: ", stderr);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	rc = read_line(stdin, "standard input", pw, pwlen);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	return rc;
}

static int
do_add_passwd(struct cli *c, const struct args *a, int add)
{
	char pw[MD_PASSWORD_MAX + 2], err[256];
	enum md_role role = MD_ROLE_RESPONDER;
	struct md_store *st;
	int rc;

	if (a->npos != 1)
		return cli_usage_error(&cli_cmd_user, "user %s needs a NAME",
		    add ? "add" : "passwd");
	if (a->role != NULL && (!add || md_role_parse(a->role, &role) < 0))
		return cli_usage_error(&cli_cmd_user, "--role is admin or responder (user add)");
	if ((st = cli_store(c)) == NULL || read_password(a->pwfile, pw, sizeof pw) < 0)
		return CLI_EXIT_FAIL;
	rc = add ? md_user_add(st, a->pos[0], role, pw, err, sizeof err) :
	    md_user_passwd(st, a->pos[0], pw, err, sizeof err);
	sodium_memzero(pw, sizeof pw);
	return rc < 0 ? cli_error("%s", err) : CLI_EXIT_OK;
}

static int
do_role(struct cli *c, const struct args *a)
{
	enum md_role role;
	struct md_store *st;
	char err[256];

	if (a->npos != 2 || md_role_parse(a->pos[1], &role) < 0)
		return cli_usage_error(&cli_cmd_user, "user role NAME admin|responder");
	if ((st = cli_store(c)) == NULL)
		return CLI_EXIT_FAIL;
	if (md_user_set_role(st, a->pos[0], role, err, sizeof err) < 0)
		return cli_error("%s", err);
	return CLI_EXIT_OK;
}

static int
do_del(struct cli *c, const struct args *a)
{
	struct md_store *st;
	char err[256];

	if (a->npos != 1)
		return cli_usage_error(&cli_cmd_user, "user del needs a NAME");
	if ((st = cli_store(c)) == NULL)
		return CLI_EXIT_FAIL;
	/* 1: deleted, but err says the view is stale and how to mend it. */
	if (md_user_del(st, a->pos[0], err, sizeof err) != 0)
		return cli_error("%s", err);
	return CLI_EXIT_OK;
}

static int
print_users(const struct md_user *u, size_t n, int json)
{
	struct out_table *t = out_table_new(3, "NAME", "ROLE", "CREATED");
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	char when[32];
	struct tm tm;
	time_t tt;
	size_t i;
	int rc = CLI_EXIT_OK;

	md_json_init(&j, &b);
	md_json_open_array(&j);
	for (i = 0; i < n && t != NULL; i++) {
		md_json_open_object(&j);
		md_json_kstr(&j, "name", u[i].name);
		md_json_kstr(&j, "role", md_role_name(u[i].role));
		md_json_kint(&j, "created", u[i].created);
		md_json_close_object(&j);
		tt = (time_t)u[i].created;
		if (gmtime_r(&tt, &tm) == NULL || strftime(when, sizeof when,
		    "%Y-%m-%d %H:%M:%SZ", &tm) == 0)
			snprintf(when, sizeof when, "%ld", u[i].created);
		if (out_table_add(t, u[i].name, md_role_name(u[i].role), when) < 0)
			rc = cli_error("out of memory");
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
	struct md_store *st;
	struct md_user *u;
	char err[256];
	size_t n;
	int rc;

	if (a->npos != 0)
		return cli_usage_error(&cli_cmd_user, "user list takes no arguments");
	if ((st = cli_store(c)) == NULL)
		return CLI_EXIT_FAIL;
	if (md_user_list(st, &u, &n, err, sizeof err) < 0)
		return cli_error("%s", err);
	rc = print_users(u, n, a->json);
	free(u);
	return rc;
}

/* A signature from standard input ("-"): at most MD_SIGNATURE_MAX bytes. */
static char *
read_signature(void)
{
	char *buf = malloc(MD_SIGNATURE_MAX + 2);
	size_t n;

	if (buf == NULL)
		return NULL;
	n = fread(buf, 1, MD_SIGNATURE_MAX + 1, stdin);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	return buf;
}

static int
do_set(struct cli *c, const struct args *a)
{
	struct md_store *st;
	const char *what = a->npos > 1 ? a->pos[1] : "";
	char err[256], *sig = NULL;
	int rc;

	if (a->npos != 3)
		return cli_usage_error(&cli_cmd_user,
		    "user set NAME email ADDR|notify all|mine|none|signature TEXT");
	if (strcmp(what, "email") != 0 && strcmp(what, "notify") != 0 &&
	    strcmp(what, "signature") != 0)
		return cli_usage_error(&cli_cmd_user, "user set: email, notify or signature");
	if ((st = cli_store(c)) == NULL)
		return CLI_EXIT_FAIL;
	if (what[0] == 's' && strcmp(a->pos[2], "-") == 0 &&
	    (sig = read_signature()) == NULL)
		return cli_error("out of memory");
	rc = md_user_set_prefs(st, a->pos[0], what[0] == 'e' ? a->pos[2] : NULL,
	    what[0] == 'n' ? a->pos[2] : NULL,
	    what[0] == 's' ? (sig != NULL ? sig : a->pos[2]) : NULL, err, sizeof err);
	free(sig);
	/* 1: saved, but err says the view is stale and how to mend it. */
	return rc != 0 ? cli_error("%s", err) : CLI_EXIT_OK;
}

static int
do_show(struct cli *c, const struct args *a)
{
	struct md_user_prefs p;
	struct md_store *st;
	struct md_user u;
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	char err[256];
	int rc;

	if (a->npos != 1)
		return cli_usage_error(&cli_cmd_user, "user show needs a NAME");
	if ((st = cli_store(c)) == NULL)
		return CLI_EXIT_FAIL;
	if ((rc = md_user_get(st, a->pos[0], &u)) <= 0 ||
	    (rc = md_user_prefs_get(st, a->pos[0], &p, err, sizeof err)) <= 0)
		return rc < 0 ? cli_error("database error") :
		    cli_error("no such user: %s", a->pos[0]);
	if (a->json) {
		md_json_init(&j, &b);
		md_json_open_object(&j);
		md_json_kstr(&j, "name", u.name);
		md_json_kstr(&j, "role", md_role_name(u.role));
		md_json_kstr(&j, "email", p.email);
		md_json_kstr(&j, "notify", p.notify);
		md_json_kstr(&j, "signature", p.signature);
		md_json_close_object(&j);
		rc = cli_print_json(&j);
		md_buf_free(&b);
	} else {
		printf("name:      %s\nrole:      %s\nemail:     %s\nnotify:    %s\n"
		    "signature: %s\n", u.name, md_role_name(u.role),
		    *p.email ? p.email : "(none)", p.notify,
		    *p.signature ? p.signature : "(none)");
		rc = CLI_EXIT_OK;
	}
	md_user_prefs_free(&p);
	return rc;
}

static int
run(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct args a;
	int rc;

	if (argc < 2)
		return cli_usage_error(&cli_cmd_user, "user needs a subcommand");
	if ((rc = parse_args(argc - 2, argv + 2, &a)) != 0)
		return rc;
	if (a.json && strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0)
		return cli_usage_error(&cli_cmd_user, "--json goes with user list and show");
	if (a.pwfile != NULL && strcmp(sub, "add") != 0 && strcmp(sub, "passwd") != 0)
		return cli_usage_error(&cli_cmd_user, "--password-file goes with add and passwd");
	if (strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0)
		return do_add_passwd(c, &a, sub[0] == 'a');
	if (strcmp(sub, "role") == 0)
		return do_role(c, &a);
	if (strcmp(sub, "del") == 0)
		return do_del(c, &a);
	if (strcmp(sub, "list") == 0)
		return do_list(c, &a);
	if (strcmp(sub, "set") == 0)
		return do_set(c, &a);
	if (strcmp(sub, "show") == 0)
		return do_show(c, &a);
	return cli_usage_error(&cli_cmd_user, "unknown user subcommand: %s", sub);
}

const struct cli_command cli_cmd_user = {
	"user", run,
	"  maildesk user add NAME [--role admin|responder] [--password-file FILE]\n"
	"  maildesk user passwd NAME [--password-file FILE]\n"
	"  maildesk user role NAME admin|responder\n"
	"  maildesk user del NAME\n"
	"  maildesk user list [--json]\n"
	"  maildesk user set NAME email ADDR|notify all|mine|none|signature TEXT|-\n"
	"  maildesk user show NAME [--json]\n"
};
