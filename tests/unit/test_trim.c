/* test_trim.c - reply trimming against fixtures imitating real mail clients. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trim.h"
#include "unit.h"

static char *
slurp(const char *name, const char *ext)
{
	char path[512];
	FILE *fp;
	char *buf;
	long n;

	snprintf(path, sizeof path, "%s/tests/fixtures/replies/%s.%s", md_fixture_dir(), name, ext);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static const char *const fixtures[] = {
	"gmail_top", "gmail_wrapped", "outlook", "outlook_original", "apple_mail",
	"thunderbird_bottom", "mobile_android", "german_gmail", "french",
	"only_quote", "plain",
};

START_TEST(fixture)
{
	char *in = slurp(fixtures[_i], "txt");
	char *want = slurp(fixtures[_i], "expected");
	char *got = md_reply_trim(in);

	ck_assert_ptr_nonnull(got);
	ck_assert_msg(strcmp(got, want) == 0, "%s:\n--- got ---\n%s\n--- want ---\n%s",
	    fixtures[_i], got, want);
	free(in);
	free(want);
	free(got);
}
END_TEST

START_TEST(crlf_and_edge_cases)
{
	char *t;

	t = md_reply_trim("Fine now.\r\n\r\nOn Tue, Bob wrote:\r\n> old\r\n");
	ck_assert_str_eq(t, "Fine now.");
	free(t);
	t = md_reply_trim("");
	ck_assert_str_eq(t, "");
	free(t);
	t = md_reply_trim("\n\n\n");
	ck_assert_str_eq(t, "\n\n\n");
	free(t);
	t = md_reply_trim("no newline at all");
	ck_assert_str_eq(t, "no newline at all");
	free(t);
	t = md_reply_trim("a\n\n\n\nb");
	ck_assert_str_eq(t, "a\n\nb");
	free(t);
}
END_TEST

START_TEST(huge_input)
{
	size_t n = 4 * 1024 * 1024, i;
	char *in = malloc(n + 1), *t;

	for (i = 0; i < n; i++)
		in[i] = (i % 61 == 60) ? '\n' : (i % 122 < 61 ? '>' : 'x');
	in[n] = '\0';
	t = md_reply_trim(in);
	ck_assert_ptr_nonnull(t);
	free(t);
	free(in);
}
END_TEST

static Suite *
trim_suite(void)
{
	Suite *s = suite_create("trim");
	TCase *tc = tcase_create("trim");

	tcase_add_loop_test(tc, fixture, 0, (int)(sizeof fixtures / sizeof fixtures[0]));
	tcase_add_test(tc, crlf_and_edge_cases);
	tcase_add_test(tc, huge_input);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(trim_suite)
