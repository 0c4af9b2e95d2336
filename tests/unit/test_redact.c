/* test_redact.c - passwords out of relay URLs and conninfo strings. */
#include "config.h"

#include <string.h>

#include "redact.h"
#include "unit.h"

static void
expect(const char *in, const char *want)
{
	char out[256];

	md_url_redact(in, out, sizeof out);
	ck_assert_msg(strcmp(out, want) == 0, "'%s' -> '%s', want '%s'", in, out, want);
	ck_assert_int_eq(md_url_has_secret(in), strcmp(in, want) != 0);
}

START_TEST(url_userinfo)
{
	expect("smtps://user:password@mail.example:465",
	    "smtps://user:***@mail.example:465");
	expect("smtp://desk%40acme:p%3Ass@[::1]:587/desk.example",
	    "smtp://desk%40acme:***@[::1]:587/desk.example");
	expect("postgresql://maildesk:s3cret@db.internal/maildesk?sslmode=require",
	    "postgresql://maildesk:***@db.internal/maildesk?sslmode=require");
	/* An empty password is still a password field. */
	expect("smtp://user:@host", "smtp://user:***@host");
	/* A raw '@', '/' or '?' in the password is hidden whole. */
	expect("smtps://user:p@ss/w?rd@mail.example", "smtps://user:***@mail.example");
	expect("via smtps://u:pw@relay.example:465 (3 tries)",
	    "via smtps://u:***@relay.example:465 (3 tries)");
}
END_TEST

START_TEST(nothing_to_hide)
{
	expect("smtp://127.0.0.1:25", "smtp://127.0.0.1:25");
	expect("smtps://desk@mail.example:465", "smtps://desk@mail.example:465");
	expect("dbname=maildesk user=desk host=/run/postgresql",
	    "dbname=maildesk user=desk host=/run/postgresql");
	expect("", "");
	expect("host:1@x", "host:1@x");	/* no scheme: not a URL */
}
END_TEST

START_TEST(conninfo_password)
{
	expect("host=db password=s3cret dbname=maildesk",
	    "host=db password=*** dbname=maildesk");
	expect("password = 's3 cr\\'et' dbname=maildesk",
	    "password = *** dbname=maildesk");
	expect("PASSWORD='x'", "PASSWORD=***");
	expect("sslpassword=keypass sslkey=/k", "sslpassword=*** sslkey=/k");
	expect("postgresql:///maildesk?user=desk&password=s3cret&sslmode=require",
	    "postgresql:///maildesk?user=desk&password=***&sslmode=require");
	/* An unterminated quote hides the rest. */
	expect("password='abc def", "password=***");
	/* "password" not followed by '=' is just a word. */
	expect("no password here", "no password here");
}
END_TEST

START_TEST(truncation_never_shows_a_password)
{
	const char *in = "smtps://user:supersecret@mail.example";
	char out[16];
	size_t n;

	for (n = 1; n <= sizeof out; n++) {
		memset(out, 'Z', sizeof out);
		md_url_redact(in, out, n);
		ck_assert_uint_lt(strlen(out), n);
		ck_assert_ptr_null(strstr(out, "sup"));
	}
	md_url_redact(in, out, sizeof out);
	ck_assert_str_eq(out, "smtps://user:**");
	md_url_redact(NULL, out, sizeof out);
	ck_assert_str_eq(out, "");
	md_url_redact(in, out, 0);	/* writes nothing */
	ck_assert_int_eq(md_url_has_secret(NULL), 0);
}
END_TEST

static Suite *
redact_suite(void)
{
	Suite *s = suite_create("redact");
	TCase *tc = tcase_create("redact");

	tcase_add_test(tc, url_userinfo);
	tcase_add_test(tc, nothing_to_hide);
	tcase_add_test(tc, conninfo_password);
	tcase_add_test(tc, truncation_never_shows_a_password);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(redact_suite)
