/* test_score.c - spam rules, config overrides, validation and thresholds. */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "score.h"
#include "spf.h"
#include "unit.h"

static struct md_config cfg;
static struct md_mime m;
static struct md_attachment att[2];
static struct md_score_input in;
static struct md_score sc;
static struct sockaddr_in client;

static void
setup(void)
{
	md_config_defaults(&cfg);
	memset(&m, 0, sizeof m);
	m.from = "Bob <bob@example.org>";
	m.from_addr = "bob@example.org";
	m.from_count = 1;
	m.message_id = "abc@example.org";
	m.has_date = 1;
	m.text = "Hello, my printer is broken.";
	m.subject = m.auto_submitted = m.precedence = m.x_autoreply = m.list_id = "";
	memset(&in, 0, sizeof in);
	in.mime = &m;
	in.spf = MD_SPF_PASS;
	in.helo = "mail.example.org";
	memset(&client, 0, sizeof client);
	client.sin_family = AF_INET;
	inet_pton(AF_INET, "198.51.100.7", &client.sin_addr);
	in.client = (struct sockaddr *)&client;
}

static void
teardown(void)
{
	md_config_free(&cfg);
}

static void
eval(void)
{
	md_score_eval(&cfg, &in, &sc);
}

START_TEST(clean_mail_scores_zero)
{
	eval();
	ck_assert(sc.total == 0.0);
	ck_assert_str_eq(sc.rules, "");
}
END_TEST

START_TEST(header_rules)
{
	m.has_date = 0;
	m.message_id = "";
	eval();
	ck_assert_str_eq(sc.rules, "MISSING_DATE=1.0,MISSING_MESSAGE_ID=1.0");
	ck_assert(sc.total == 2.0);
	teardown();
	setup();
	m.from_count = 0;
	eval();
	ck_assert_str_eq(sc.rules, "MISSING_FROM=2.0");
	m.from_count = 2;
	eval();
	ck_assert_str_eq(sc.rules, "MULTIPLE_FROM=2.0");
	m.from_count = 1;
	m.from_addr = "undisclosed";
	eval();
	ck_assert_str_eq(sc.rules, "MALFORMED_FROM=2.0");
}
END_TEST

START_TEST(spf_rules)
{
	static const struct { int spf; const char *rules; } t[] = {
		{ MD_SPF_FAIL, "SPF_FAIL=5.0" }, { MD_SPF_SOFTFAIL, "SPF_SOFTFAIL=2.0" },
		{ MD_SPF_NEUTRAL, "SPF_NEUTRAL=0.5" }, { MD_SPF_NONE, "SPF_NONE=0.5" },
		{ MD_SPF_PERMERROR, "SPF_PERMERROR=1.0" }, { MD_SPF_PASS, "" },
		{ MD_SPF_TEMPERROR, "" }, { -1, "" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		in.spf = t[i].spf;
		eval();
		ck_assert_str_eq(sc.rules, t[i].rules);
	}
}
END_TEST

static int
never_resolves(const char *helo, void *arg)
{
	(void)helo;
	++*(int *)arg;
	return 0;
}

START_TEST(helo_rules)
{
	struct sockaddr_in6 c6;
	int calls = 0;

	in.helo = "198.51.100.7";
	eval();
	ck_assert_str_eq(sc.rules, "HELO_BARE_IP=1.5");
	in.helo = "2001:db8::7";
	eval();
	ck_assert_str_eq(sc.rules, "HELO_BARE_IP=1.5");
	in.helo = "[198.51.100.7]";
	eval();
	ck_assert_str_eq(sc.rules, "");
	in.helo = "workstation";
	eval();
	ck_assert_str_eq(sc.rules, "HELO_NO_DOT=1.5");
	in.helo = "LocalHost";
	eval();
	ck_assert_str_eq(sc.rules, "HELO_LOCALHOST=2.0");
	inet_pton(AF_INET, "127.0.0.1", &client.sin_addr);
	eval();
	ck_assert_str_eq(sc.rules, "");
	memset(&c6, 0, sizeof c6);
	c6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::1", &c6.sin6_addr);
	in.client = (struct sockaddr *)&c6;
	eval();
	ck_assert_str_eq(sc.rules, "");
	in.client = NULL;
	eval();
	ck_assert_str_eq(sc.rules, "");
	/* resolution only through the callback */
	in.helo = "nowhere.example.org";
	eval();
	ck_assert_str_eq(sc.rules, "");
	in.helo_resolves = never_resolves;
	in.helo_arg = &calls;
	eval();
	ck_assert_str_eq(sc.rules, "HELO_NO_RESOLVE=1.0");
	ck_assert_int_eq(calls, 1);
	in.helo = NULL;
	eval();
	ck_assert_str_eq(sc.rules, "");
}
END_TEST

START_TEST(body_rules)
{
	static const char gt[] = "Subject: x\r\n\r\nXJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\r\n";

	m.text = " \n\t ";
	eval();
	ck_assert_str_eq(sc.rules, "EMPTY_BODY=1.0");
	m.nattachments = 1;
	m.attachments = att;
	att[0].filename = "report.pdf";
	att[0].content_type = "application/pdf";
	eval();
	ck_assert_str_eq(sc.rules, "");
	m.text = "see attachment";
	m.html_only = 1;
	eval();
	ck_assert_str_eq(sc.rules, "HTML_ONLY=0.5");
	m.html_only = 0;
	in.raw = gt;
	in.rawlen = sizeof gt - 1;
	eval();
	ck_assert_str_eq(sc.rules, "GTUBE=100.0");
	ck_assert(sc.total == 100.0);
	/* GTUBE in the decoded text only (e.g. base64 in the raw message) */
	in.raw = "no test string here";
	in.rawlen = strlen(in.raw);
	m.text = "xx XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X yy";
	eval();
	ck_assert_str_eq(sc.rules, "GTUBE=100.0");
}
END_TEST

START_TEST(attachments)
{
	static const char *const bad[] = {
		"setup.exe", "INVOICE.PDF.EXE", "a.scr", "x.js", "run.vbs", "go.bat",
		"go.cmd", "c.com", "p.pif", "app.jar", "link.lnk", "disk.iso", "x.hta",
		"invoice.exe.", "invoice.exe  ", NULL
	};
	static const char *const good[] = { "exe", ".exe", "notes.txt", "photo.jpeg",
	    "archive.jsonl", "", NULL };
	size_t i;

	m.nattachments = 2;
	m.attachments = att;
	att[0].filename = "ok.txt";
	att[0].content_type = "text/plain";
	att[1].content_type = "application/octet-stream";
	for (i = 0; bad[i] != NULL; i++) {
		att[1].filename = (char *)bad[i];
		eval();
		ck_assert_msg(strcmp(sc.rules, "SUSPICIOUS_ATTACHMENT=3.0") == 0, "%s: %s",
		    bad[i], sc.rules);
	}
	for (i = 0; good[i] != NULL; i++) {
		att[1].filename = (char *)good[i];
		eval();
		ck_assert_msg(strcmp(sc.rules, "") == 0, "%s: %s", good[i], sc.rules);
	}
	att[1].content_type = "application/x-msdownload";
	eval();
	ck_assert_str_eq(sc.rules, "SUSPICIOUS_ATTACHMENT=3.0");
}
END_TEST

START_TEST(spamd_and_overrides)
{
	char err[256];

	in.have_spamd = 1;
	in.spamd_score = 3.25;
	m.has_date = 0;
	eval();
	ck_assert_str_eq(sc.rules, "MISSING_DATE=1.0,SPAMD=3.25");
	ck_assert(sc.total == 4.25);
	ck_assert_int_eq(md_config_set(&cfg, "rule.missing_date", "2.5", err, sizeof err), 0);
	ck_assert_int_eq(md_config_set(&cfg, "rule.spamd", "0.5", err, sizeof err), 0);
	ck_assert_int_eq(md_config_set(&cfg, "rule.helo_no_dot", "0", err, sizeof err), 0);
	in.helo = "nodot";
	eval();
	ck_assert_str_eq(sc.rules, "MISSING_DATE=2.5,SPAMD=1.62");
	ck_assert(md_score_weight(&cfg, "MISSING_DATE") == 2.5);
	ck_assert(md_score_weight(&cfg, "gtube") == 100.0);
	ck_assert(md_score_weight(NULL, "no_such_rule") == 0.0);
	in.spamd_score = -2.0;
	eval();
	ck_assert_str_eq(sc.rules, "MISSING_DATE=2.5,SPAMD=-1.0");
	ck_assert(sc.total == 1.5);
}
END_TEST

START_TEST(validate)
{
	char path[] = "/tmp/md-score-XXXXXX", err[256] = "";
	struct md_config c;
	size_t n, i;
	FILE *fp;
	int fd;

	ck_assert_int_eq(md_score_validate(&cfg, err, sizeof err), 0);
	fd = mkstemp(path);
	fp = fdopen(fd, "w");
	fprintf(fp, "rule.missing_date = 1.5\n\nrule.gtube = 50\nrule.no_such_rule = 1\n");
	fclose(fp);
	md_config_defaults(&c);
	ck_assert_int_eq(md_config_load(&c, path, err, sizeof err), 0);
	ck_assert_int_eq(md_score_validate(&c, err, sizeof err), -1);
	{
		char want[300];

		snprintf(want, sizeof want, "%s:4: rule.no_such_rule: unknown rule", path);
		ck_assert_str_eq(err, want);
	}
	md_config_free(&c);
	unlink(path);
	/* every built-in rule name is accepted in lower case */
	md_score_rules(&n);
	for (i = 0; i < n; i++) {
		char key[80];

		snprintf(key, sizeof key, "rule.%s", md_score_rules(NULL)[i].name);
		for (char *p = key; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		ck_assert_int_eq(md_config_set(&cfg, key, "1", err, sizeof err), 0);
	}
	ck_assert_int_eq(md_score_validate(&cfg, err, sizeof err), 0);
}
END_TEST

START_TEST(thresholds)
{
	cfg.spam_mark = 5.0;
	cfg.spam_reject = 10.0;
	ck_assert_int_eq(md_score_is_mark(&cfg, -1, 4.9), 0);
	ck_assert_int_eq(md_score_is_mark(&cfg, -1, 5.0), 1);
	ck_assert_int_eq(md_score_is_mark(&cfg, 3.0, 4.0), 1);
	ck_assert_int_eq(md_score_is_reject(&cfg, -1, 9.9), 0);
	ck_assert_int_eq(md_score_is_reject(&cfg, -1, 10.0), 1);
	ck_assert_int_eq(md_score_is_reject(&cfg, 20.0, 15.0), 0);
	ck_assert_int_eq(md_score_is_reject(&cfg, 0.0, 0.0), 1);
}
END_TEST

START_TEST(long_rule_list_is_cut_at_entries)
{
	in.have_spamd = 1;
	in.spamd_score = 1.0;
	m.has_date = 0;
	m.message_id = "";
	m.from_count = 3;
	m.html_only = 1;
	in.helo = "x";
	in.spf = MD_SPF_PERMERROR;
	eval();
	ck_assert_uint_lt(strlen(sc.rules), MD_SCORE_RULES_MAX);
	ck_assert_ptr_nonnull(strstr(sc.rules, "SPAMD=1.0"));
	ck_assert(sc.total == 1.0 + 1 + 1 + 2 + 0.5 + 1.5 + 1.0);
}
END_TEST

static Suite *
score_suite(void)
{
	Suite *s = suite_create("score");
	TCase *tc = tcase_create("score");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, clean_mail_scores_zero);
	tcase_add_test(tc, header_rules);
	tcase_add_test(tc, spf_rules);
	tcase_add_test(tc, helo_rules);
	tcase_add_test(tc, body_rules);
	tcase_add_test(tc, attachments);
	tcase_add_test(tc, spamd_and_overrides);
	tcase_add_test(tc, validate);
	tcase_add_test(tc, thresholds);
	tcase_add_test(tc, long_rule_list_is_cut_at_entries);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(score_suite)
