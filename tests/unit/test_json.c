/* test_json.c - the JSON writer: structure, escaping, UTF-8 handling. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "json.h"
#include "unit.h"

START_TEST(structure)
{
	md_buf b = MD_BUF_INIT;
	struct md_json j;

	md_json_init(&j, &b);
	md_json_open_object(&j);
	md_json_key(&j, "name");
	md_json_string(&j, "acme");
	md_json_key(&j, "n");
	md_json_int(&j, -42);
	md_json_key(&j, "ok");
	md_json_bool(&j, 1);
	md_json_key(&j, "none");
	md_json_string(&j, NULL);
	md_json_key(&j, "x");
	md_json_double(&j, 4.5);
	md_json_key(&j, "inf");
	md_json_double(&j, INFINITY);
	md_json_key(&j, "list");
	md_json_open_array(&j);
	md_json_string(&j, "a");
	md_json_open_object(&j);
	md_json_close_object(&j);
	md_json_open_array(&j);
	md_json_close_array(&j);
	md_json_null(&j);
	md_json_close_array(&j);
	md_json_close_object(&j);
	ck_assert_int_eq(md_json_error(&j), 0);
	ck_assert_str_eq(md_buf_str(&b), "{\"name\":\"acme\",\"n\":-42,\"ok\":true,\"none\":null,"
	    "\"x\":4.5,\"inf\":null,\"list\":[\"a\",{},[],null]}");
	md_buf_free(&b);
}
END_TEST

START_TEST(misuse_is_an_error)
{
	md_buf b = MD_BUF_INIT;
	struct md_json j;

	md_json_init(&j, &b);
	md_json_open_object(&j);
	md_json_string(&j, "value without key");
	ck_assert_int_eq(md_json_error(&j), -1);
	md_buf_reset(&b);
	md_json_init(&j, &b);
	md_json_open_array(&j);
	md_json_close_object(&j);
	ck_assert_int_eq(md_json_error(&j), -1);
	md_json_init(&j, &b);
	md_json_open_array(&j);		/* unclosed */
	ck_assert_int_eq(md_json_error(&j), -1);
	md_json_init(&j, &b);
	md_json_int(&j, 1);
	md_json_int(&j, 2);		/* two documents */
	ck_assert_int_eq(md_json_error(&j), -1);
	md_buf_free(&b);
}
END_TEST

static void
expect_escape(const char *in, size_t len, const char *want)
{
	md_buf b = MD_BUF_INIT;

	ck_assert_int_eq(md_json_escape(&b, in, len), 0);
	ck_assert_msg(strcmp(md_buf_str(&b), want) == 0, "got %s want %s", md_buf_str(&b), want);
	md_buf_free(&b);
}

START_TEST(escaping)
{
	expect_escape("a\"b\\c/", 6, "\"a\\\"b\\\\c/\"");
	expect_escape("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"");
	expect_escape("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
	expect_escape("nul\0x", 5, "\"nul\\u0000x\"");
	/* Valid UTF-8 passes: é, €, 😀 */
	expect_escape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	/* Latin-1 byte, truncated sequence, overlong '/', surrogate: U+FFFD each. */
	expect_escape("caf\xe9", 4, "\"caf\xef\xbf\xbd\"");
	expect_escape("\xe2\x82", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	expect_escape("\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	expect_escape("\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
}
END_TEST

static Suite *
json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, structure);
	tcase_add_test(tc, misuse_is_an_error);
	tcase_add_test(tc, escaping);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(json_suite)
