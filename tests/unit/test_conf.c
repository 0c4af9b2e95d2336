/* test_conf.c - maildesk.conf loader: values, defaults, file:line:key errors. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "conf.h"
#include "unit.h"

static char path[64];

static void
write_conf(const char *text)
{
	FILE *fp;
	int fd;

	snprintf(path, sizeof path, "/tmp/md-conf-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
}

static int
load(const char *text, struct md_config *cfg, char *err, size_t errlen)
{
	int rc;

	write_conf(text);
	md_config_defaults(cfg);
	rc = md_config_load(cfg, path, err, errlen);
	unlink(path);
	return rc;
}

START_TEST(defaults_are_complete)
{
	struct md_config cfg;

	md_config_defaults(&cfg);
	ck_assert_str_eq(cfg.redis_prefix, "maildesk:");
	ck_assert_str_eq(cfg.desk_local, "support");
	ck_assert_str_eq(cfg.redis_password, "");
	ck_assert_uint_eq(cfg.max_message_size, 10 * 1024 * 1024);
	ck_assert_int_eq(cfg.syslog_facility, LOG_MAIL);
	md_config_free(&cfg);
}
END_TEST

START_TEST(values_comments_quotes)
{
	struct md_config cfg;
	char err[256] = "";

	ck_assert_int_eq(load("# comment\n\n  redis_port = 7000\n"
	    "desk_domain=help.example.org\n"
	    "from_name = \"  Acme Support \"\n"
	    "max_message_size = 2M\nrate_ip = 5/1m\nlog_debug = yes\n"
	    "automated_policy = reject\nrule.missing_date = 1.5\n"
	    "syslog_facility = local3\n", &cfg, err, sizeof err), 0);
	ck_assert_int_eq(cfg.redis_port, 7000);
	ck_assert_str_eq(cfg.desk_domain, "help.example.org");
	ck_assert_str_eq(cfg.from_name, "  Acme Support ");
	ck_assert_uint_eq(cfg.max_message_size, 2 * 1024 * 1024);
	ck_assert_int_eq(cfg.rate_ip.count, 5);
	ck_assert_int_eq(cfg.rate_ip.seconds, 60);
	ck_assert_int_eq(cfg.log_debug, 1);
	ck_assert_int_eq(cfg.automated_policy, MD_AUTO_REJECT);
	ck_assert_int_eq(cfg.nrules, 1);
	ck_assert_str_eq(cfg.rules[0].name, "missing_date");
	ck_assert_int_eq(cfg.rules[0].line, 10);
	ck_assert_int_eq(cfg.syslog_facility, LOG_LOCAL3);
	ck_assert_int_eq(md_config_line(&cfg, "redis_port"), 3);
	ck_assert_int_eq(md_config_line(&cfg, "redis_host"), 0);
	md_config_free(&cfg);
}
END_TEST

static void
expect_error(const char *text, const char *want_suffix)
{
	struct md_config cfg;
	char err[256] = "";
	char want[320];

	ck_assert_int_eq(load(text, &cfg, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s%s", path, want_suffix);
	ck_assert_msg(strcmp(err, want) == 0, "got '%s', want '%s'", err, want);
	md_config_free(&cfg);
}

START_TEST(errors_name_file_line_key)
{
	expect_error("redis_port = 1\nfrobnicate = 3\n", ":2: frobnicate: unknown key");
	expect_error("\n\nredis_port = 99999\n", ":3: redis_port: out of range");
	expect_error("redis_port = 12ab\n", ":1: redis_port: not an integer");
	expect_error("log_debug = maybe\n", ":1: log_debug: expected yes or no");
	expect_error("spam_mark = lots\n", ":1: spam_mark: not a number");
	expect_error("just some words\n", ":1: just some words: expected key = value");
	expect_error("automated_policy = bounce\n", ":1: automated_policy: value not allowed");
	expect_error("syslog_facility = kitchen\n", ":1: syslog_facility: unknown syslog facility");
	expect_error("rate_ip = fast\n", ":1: rate_ip: expected COUNT/SECONDS such as 20/3600, 20/1h or 0");
	expect_error("spam_mark = 8\nspam_reject = 4\n",
	    ":2: spam_reject: spam_mark must not exceed spam_reject (8.00 > 4.00)");
	expect_error("spam_reject = 3\n",
	    ":1: spam_reject: spam_mark must not exceed spam_reject (5.00 > 3.00)");
}
END_TEST

START_TEST(relay_scheme)
{
	struct md_config cfg;
	char err[256] = "";

	expect_error("relay = http://127.0.0.1:9/x\n",
	    ":1: relay: expected smtp://host[:port] or smtps://host[:port]");
	expect_error("\nrelay = 127.0.0.1:25\n",
	    ":2: relay: expected smtp://host[:port] or smtps://host[:port]");
	expect_error("relay = smtp://\n",
	    ":1: relay: expected smtp://host[:port] or smtps://host[:port]");
	expect_error("relay = smtps:///x\n",
	    ":1: relay: expected smtp://host[:port] or smtps://host[:port]");
	ck_assert_int_eq(load("relay = SMTPS://mail.example:465\n", &cfg, err, sizeof err), 0);
	ck_assert_str_eq(cfg.relay, "SMTPS://mail.example:465");
	ck_assert_int_eq(md_config_set(&cfg, "relay", "smtp://[::1]:25/desk.example",
	    err, sizeof err), 0);
	/* A rejected override keeps the value that was there. */
	ck_assert_int_eq(md_config_set(&cfg, "relay", "file:///etc/passwd", err, sizeof err), -1);
	ck_assert_str_eq(err, "relay: expected smtp://host[:port] or smtps://host[:port]");
	ck_assert_str_eq(cfg.relay, "smtp://[::1]:25/desk.example");
	md_config_free(&cfg);
}
END_TEST

START_TEST(cross_checks_name_the_key_set)
{
	/* Only the command timeout is in the file: that is the line to fix. */
	expect_error("# x\nredis_command_timeout_ms = 500\n",
	    ":2: redis_command_timeout_ms: must be above worker_block_ms (1000)");
	expect_error("worker_block_ms = 5000\n",
	    ":1: worker_block_ms: must be below redis_command_timeout_ms (2000)");
	expect_error("redis_command_timeout_ms = 3000\nworker_block_ms = 3000\n",
	    ":2: worker_block_ms: must be below redis_command_timeout_ms (3000)");
	expect_error("desk_local = a@b\n", ":1: desk_local: must be a local part, without '@'");
	expect_error("desk_domain = x\ndesk_local = \"\"\n",
	    ":2: desk_local: must be a local part, without '@'");
	expect_error("desk_local = help\ndesk_domain = a@b\n",
	    ":2: desk_domain: must be a domain, without '@'");
	expect_error("retry_base_s = 7200\n",
	    ":1: retry_base_s: must be at most retry_max_s (3600)");
	expect_error("retry_base_s = 60\n\nretry_max_s = 10\n",
	    ":3: retry_max_s: must be at least retry_base_s (60)");
}
END_TEST

START_TEST(numbers_finite_and_in_range)
{
	struct md_config cfg;
	char err[256] = "";

	expect_error("spam_reject = nan\n", ":1: spam_reject: expected a finite number >= 0");
	expect_error("spam_reject = inf\n", ":1: spam_reject: expected a finite number >= 0");
	expect_error("spam_mark = -1\n", ":1: spam_mark: expected a finite number >= 0");
	expect_error("spam_mark = 1e999\n", ":1: spam_mark: not a number");
	expect_error("rule.missing_date = NAN\n", ":1: rule.missing_date: expected a finite number");
	expect_error("max_message_size = 0\n", ":1: max_message_size: too small");
	expect_error("max_message_size = 63k\n", ":1: max_message_size: too small");
	ck_assert_int_eq(load("spam_mark = 0\nspam_reject = 0.5\nrule.missing_date = -2\n"
	    "max_message_size = 64k\nspamd_max_size = 0\n", &cfg, err, sizeof err), 0);
	ck_assert_uint_eq(cfg.max_message_size, 64 * 1024);
	ck_assert(cfg.rules[0].weight == -2.0);
	md_config_free(&cfg);
}
END_TEST

START_TEST(long_line_and_read_error)
{
	struct md_config cfg;
	char text[5000], err[256];

	/* The value is cut off: the key before '=' still says where. */
	snprintf(text, sizeof text, "redis_port = 1\n  from_name = %04500d\n", 0);
	expect_error(text, ":2: from_name: line too long");
	memset(text, 'k', 4200);
	snprintf(text + 4200, sizeof text - 4200, " = 1\n");
	expect_error(text, ":1: kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk: "
	    "line too long");
	/* fopen() takes a directory, the first read fails: that must not load. */
	md_config_defaults(&cfg);
	ck_assert_int_eq(md_config_load(&cfg, "/", err, sizeof err), -1);
	ck_assert_str_eq(err, "/: read error: Is a directory");
	md_config_free(&cfg);
}
END_TEST

START_TEST(missing_file)
{
	struct md_config cfg;
	char err[256];

	md_config_defaults(&cfg);
	ck_assert_int_eq(md_config_load(&cfg, "/nonexistent/md.conf", err, sizeof err), -1);
	ck_assert_str_eq(err, "/nonexistent/md.conf: cannot open: No such file or directory");
	md_config_free(&cfg);
}
END_TEST

START_TEST(size_and_rate_parsers)
{
	size_t sz;
	struct md_rate rt;

	ck_assert_int_eq(md_size_parse("512k", &sz), 0);
	ck_assert_uint_eq(sz, 512 * 1024);
	ck_assert_int_eq(md_size_parse("10MB", &sz), 0);
	ck_assert_int_eq(md_size_parse("-1", &sz), -1);
	ck_assert_int_eq(md_size_parse("99999999999999999999999", &sz), -1);
	ck_assert_int_eq(md_size_parse("10X", &sz), -1);
	ck_assert_int_eq(md_rate_parse("0", &rt), 0);
	ck_assert_int_eq(rt.count, 0);
	ck_assert_int_eq(md_rate_parse("20/1h", &rt), 0);
	ck_assert_int_eq(rt.seconds, 3600);
	ck_assert_int_eq(md_rate_parse("20/", &rt), -1);
	ck_assert_int_eq(md_rate_parse("20/0", &rt), -1);
	ck_assert_int_eq(md_rate_parse("20/5hx", &rt), -1);
}
END_TEST

START_TEST(roles_use_their_own_credentials)
{
	struct md_config cfg;
	char err[256] = "";
	const char *text = "redis_username = desk\nredis_password = shared\n"
	    "worker_redis_username = maildesk-worker\nworker_redis_password = wp\n"
	    "milter_redis_password = mp\n"
	    "web_database = \"dbname=maildesk user=maildesk_web\"\n"
	    "cli_redis_username = maildesk-cli\n";

	ck_assert_int_eq(load(text, &cfg, err, sizeof err), 0);
	md_config_use_role(&cfg, "worker");
	ck_assert_str_eq(cfg.redis_username, "maildesk-worker");
	ck_assert_str_eq(cfg.redis_password, "wp");
	ck_assert_str_eq(cfg.database, "dbname=maildesk");
	md_config_free(&cfg);

	/* Each key on its own: the unset ones keep the shared value. */
	ck_assert_int_eq(load(text, &cfg, err, sizeof err), 0);
	md_config_use_role(&cfg, "milter");
	ck_assert_str_eq(cfg.redis_username, "desk");
	ck_assert_str_eq(cfg.redis_password, "mp");
	md_config_free(&cfg);

	ck_assert_int_eq(load(text, &cfg, err, sizeof err), 0);
	md_config_use_role(&cfg, "web");
	ck_assert_str_eq(cfg.redis_username, "desk");
	ck_assert_str_eq(cfg.redis_password, "shared");
	ck_assert_str_eq(cfg.database, "dbname=maildesk user=maildesk_web");
	md_config_free(&cfg);

	ck_assert_int_eq(load(text, &cfg, err, sizeof err), 0);
	md_config_use_role(&cfg, "cli");
	ck_assert_str_eq(cfg.redis_username, "maildesk-cli");
	ck_assert_str_eq(cfg.redis_password, "shared");
	md_config_use_role(&cfg, "nobody");
	md_config_use_role(&cfg, NULL);
	ck_assert_str_eq(cfg.redis_username, "maildesk-cli");
	md_config_free(&cfg);

	/* The milter has no database key: "database" stays the shared one. */
	md_config_defaults(&cfg);
	ck_assert_int_eq(md_config_set(&cfg, "worker_database", "dbname=w", err,
	    sizeof err), 0);
	md_config_use_role(&cfg, "milter");
	ck_assert_str_eq(cfg.database, "dbname=maildesk");
	ck_assert_str_eq(cfg.redis_username, "");
	md_config_free(&cfg);
}
END_TEST

START_TEST(redis_user_needs_a_password)
{
	struct md_config cfg;
	char err[256] = "";

	expect_error("milter_redis_username = maildesk-milter\n",
	    ":1: milter_redis_username: a Redis user needs a password (without one no "
	    "AUTH is sent and the program runs as the default user)");
	expect_error("# shared user, no password\nredis_username = desk\n",
	    ":2: redis_username: a Redis user needs a password (without one no "
	    "AUTH is sent and the program runs as the default user)");
	/* A role's own password, or the shared one, will do. */
	ck_assert_int_eq(load("redis_username = desk\nweb_redis_password = w\n"
	    "worker_redis_password = w\nmilter_redis_password = m\n"
	    "cli_redis_password = c\n", &cfg, err, sizeof err), 0);
	md_config_free(&cfg);
	ck_assert_int_eq(load("redis_password = p\nweb_redis_username = maildesk-web\n",
	    &cfg, err, sizeof err), 0);
	md_config_free(&cfg);
}
END_TEST

/* The warning for text loaded from a file of mode st_mode ("" = none). */
static void
warning_for(const char *text, unsigned int st_mode, char *buf, size_t len)
{
	struct md_config cfg;
	char err[256] = "";

	buf[0] = '\0';
	ck_assert_int_eq(load(text, &cfg, err, sizeof err), 0);
	if (!md_config_secret_warning(&cfg, st_mode, buf, len))
		ck_assert_str_eq(buf, "");
	md_config_free(&cfg);
}

START_TEST(secret_warning)
{
	char buf[512], want[512];

	warning_for("# x\n\nredis_password = s3cret\n", 0100644, buf, sizeof buf);
	snprintf(want, sizeof want, "%s: mode 644: the file holds secrets (redis_password "
	    "on line 3) and is readable by group/others; chmod 600 it", path);
	ck_assert_str_eq(buf, want);
	/* The first secret line is named, whichever key it is. */
	warning_for("relay = smtps://desk:pw@mail.example:465\nweb_redis_password = x\n",
	    0100640, buf, sizeof buf);
	ck_assert_msg(strstr(buf, ": mode 640: the file holds secrets (relay on line 1)"),
	    "%s", buf);
	warning_for("web_database = \"host=db password='a b'\"\n", 0100604, buf, sizeof buf);
	ck_assert_msg(strstr(buf, "(web_database on line 1)"), "%s", buf);
	warning_for("database = postgresql://desk:pw@db/maildesk\n", 0100660, buf, sizeof buf);
	ck_assert_msg(strstr(buf, "(database on line 1)"), "%s", buf);
	warning_for("\ncli_redis_password = c\n", 0100600 | 0004, buf, sizeof buf);
	ck_assert_msg(strstr(buf, "mode 604: the file holds secrets (cli_redis_password "
	    "on line 2)"), "%s", buf);
	/* Private files, and files without secrets, say nothing. */
	warning_for("redis_password = s3cret\nrelay = smtps://u:p@h\n", 0100600, buf,
	    sizeof buf);
	ck_assert_str_eq(buf, "");
	warning_for("redis_password = s3cret\n", 0100400, buf, sizeof buf);
	ck_assert_str_eq(buf, "");
	warning_for("relay = smtps://desk@mail.example:465\ndatabase = dbname=maildesk "
	    "user=desk\nredis_username = \"\"\nredis_password = \"\"\n", 0100644, buf,
	    sizeof buf);
	ck_assert_str_eq(buf, "");
	warning_for("redis_port = 6380\n", 0100666, buf, sizeof buf);
	ck_assert_str_eq(buf, "");
}
END_TEST

/* md_config_load() itself logs it (md_log goes to stderr in tests). */
START_TEST(secret_warning_logged_by_load)
{
	struct md_config cfg;
	char err[256] = "", logged[1024] = "";
	char logpath[] = "/tmp/md-conf-log-XXXXXX";
	int logfd, saved;
	ssize_t n;

	write_conf("redis_port = 6379\nredis_password = s3cret\n");
	ck_assert_int_eq(chmod(path, 0644), 0);
	logfd = mkstemp(logpath);
	ck_assert_int_ge(logfd, 0);
	fflush(stderr);
	saved = dup(2);
	dup2(logfd, 2);
	md_config_defaults(&cfg);
	ck_assert_int_eq(md_config_load(&cfg, path, err, sizeof err), 0);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(logfd, logged, sizeof logged - 1, 0);
	close(logfd);
	unlink(logpath);
	ck_assert_int_gt(n, 0);
	ck_assert_msg(strstr(logged, "warning: ") && strstr(logged, path) &&
	    strstr(logged, ": mode 644: the file holds secrets (redis_password on line 2) "
	    "and is readable by group/others; chmod 600 it"), "logged: %s", logged);
	/* The password itself is never in the line. */
	ck_assert_ptr_null(strstr(logged, "s3cret"));
	md_config_free(&cfg);
	unlink(path);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("conf");

	tcase_add_test(tc, defaults_are_complete);
	tcase_add_test(tc, values_comments_quotes);
	tcase_add_test(tc, errors_name_file_line_key);
	tcase_add_test(tc, relay_scheme);
	tcase_add_test(tc, cross_checks_name_the_key_set);
	tcase_add_test(tc, numbers_finite_and_in_range);
	tcase_add_test(tc, long_line_and_read_error);
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, size_and_rate_parsers);
	tcase_add_test(tc, roles_use_their_own_credentials);
	tcase_add_test(tc, redis_user_needs_a_password);
	tcase_add_test(tc, secret_warning);
	tcase_add_test(tc, secret_warning_logged_by_load);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(conf_suite)
