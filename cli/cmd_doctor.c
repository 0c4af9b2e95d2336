/*
 * cmd_doctor.c - "maildesk doctor": runs lib/ops/doctor.c's checks and prints
 * one line per check (or one JSON document).  Exit status 1 when any
 * check FAILed, 0 otherwise (warnings included), 2 for a usage error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "doctor.h"
#include "output.h"
#include "smtp.h"

static int
parse_args(int argc, char **argv, struct md_doctor_opts *o, int *json)
{
	int i;

	memset(o, 0, sizeof *o);
	*json = 0;
	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];

		if (strcmp(opt, "--json") == 0) {
			*json = 1;
			continue;
		}
		if (opt[0] != '-')
			return cli_usage_error(&cli_cmd_doctor, "unexpected argument: %s", opt);
		if (strcmp(opt, "-C") != 0 && strcmp(opt, "--sendmail") != 0 &&
		    strcmp(opt, "--dns-name") != 0 && strcmp(opt, "--redis-user") != 0 &&
		    strcmp(opt, "--timeout") != 0)
			return cli_usage_error(&cli_cmd_doctor, "unknown option: %s", opt);
		if (i + 1 == argc)
			return cli_usage_error(&cli_cmd_doctor, "%s needs a value", opt);
		if (strcmp(opt, "-C") == 0)
			o->postfix_dir = argv[++i];
		else if (strcmp(opt, "--sendmail") == 0)
			o->sendmail_file = argv[++i];
		else if (strcmp(opt, "--dns-name") == 0)
			o->dns_name = argv[++i];
		else if (strcmp(opt, "--redis-user") == 0)
			o->redis_user = argv[++i];
		else {
			char *end;
			long ms = strtol(argv[++i], &end, 10);

			if (*end != '\0' || ms < 100 || ms > 120000)
				return cli_usage_error(&cli_cmd_doctor,
				    "--timeout: milliseconds from 100 to 120000");
			o->timeout_ms = (int)ms;
		}
	}
	/* As redis-cli takes it: never on the command line, where ps shows it. */
	if (o->redis_user != NULL &&
	    ((o->redis_password = getenv("REDISCLI_AUTH")) == NULL || *o->redis_password == '\0'))
		return cli_usage_error(&cli_cmd_doctor,
		    "--redis-user: put its password in $REDISCLI_AUTH");
	return 0;
}

static int
print_json(const struct md_doctor *d, const int count[3])
{
	md_buf b = MD_BUF_INIT;
	struct md_json j;
	size_t i;
	int rc;

	md_json_init(&j, &b);
	md_json_open_object(&j);
	md_json_key(&j, "checks");
	md_json_open_array(&j);
	for (i = 0; i < d->n; i++) {
		md_json_open_object(&j);
		md_json_kstr(&j, "name", d->checks[i].name);
		md_json_kstr(&j, "status", md_check_status_name(d->checks[i].status));
		md_json_kstr(&j, "message", d->checks[i].message);
		md_json_kstr(&j, "advice", *d->checks[i].advice ? d->checks[i].advice : NULL);
		md_json_close_object(&j);
	}
	md_json_close_array(&j);
	md_json_kint(&j, "ok", count[MD_CHECK_OK]);
	md_json_kint(&j, "warn", count[MD_CHECK_WARN]);
	md_json_kint(&j, "fail", count[MD_CHECK_FAIL]);
	md_json_close_object(&j);
	rc = out_json_print(&j, stdout);
	md_buf_free(&b);
	return rc;
}

static int
print_lines(const struct md_doctor *d, const int count[3])
{
	struct out_table *t;
	md_buf line = MD_BUF_INIT;
	size_t i;
	int rc = 0;

	if ((t = out_table_new(3, "STATUS", "CHECK", "RESULT")) == NULL)
		return -1;
	for (i = 0; i < d->n && rc == 0; i++) {
		const struct md_check *c = &d->checks[i];

		md_buf_reset(&line);
		if (md_buf_puts(&line, c->message) < 0 ||
		    (*c->advice && md_buf_printf(&line, " -> %s", c->advice) < 0))
			rc = -1;
		else
			rc = out_table_add(t, md_check_status_name(c->status), c->name,
			    md_buf_str(&line));
	}
	if (rc == 0) {
		out_table_print(t, stdout);
		printf("%d ok, %d warn, %d FAIL\n", count[MD_CHECK_OK], count[MD_CHECK_WARN],
		    count[MD_CHECK_FAIL]);
	}
	out_table_free(t);
	md_buf_free(&line);
	return rc;
}

static int
run_doctor(struct cli *c, int argc, char **argv)
{
	struct md_doctor_opts opts;
	struct md_doctor d;
	int json, fails, rc, count[3] = { 0, 0, 0 };
	size_t i;

	if ((rc = parse_args(argc, argv, &opts, &json)) != 0)
		return rc;
	md_smtp_global_init();
	fails = md_doctor_run(&d, c->config_path, &opts);
	for (i = 0; i < d.n; i++)
		count[d.checks[i].status]++;
	rc = json ? print_json(&d, count) : print_lines(&d, count);
	md_doctor_free(&d);
	if (rc < 0)
		return cli_error("out of memory");
	return fails > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

const struct cli_command cli_cmd_doctor = {
	"doctor", run_doctor,
	"  maildesk doctor [--json] [-C postfix-config-dir | --sendmail sendmail.mc|.cf]\n"
	"                  [--dns-name domain] [--redis-user user] [--timeout ms]\n",
};
