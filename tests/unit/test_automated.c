/* test_automated.c - which mail counts as automated (never answered). */
#include "config.h"

#include <string.h>

#include "automated.h"
#include "unit.h"

static struct md_mime m;

static void
clear(void)
{
	memset(&m, 0, sizeof m);
	m.auto_submitted = m.precedence = m.x_autoreply = m.list_id = "";
}

#define REASON(from)	md_automated_reason((from), &m)

START_TEST(envelope)
{
	clear();
	ck_assert_str_eq(REASON(""), "null sender");
	ck_assert_str_eq(REASON("<>"), "null sender");
	ck_assert_str_eq(md_automated_reason(NULL, NULL), "null sender");
	ck_assert_str_eq(REASON("MAILER-DAEMON@mx.example.org"), "mailer-daemon sender");
	ck_assert_str_eq(REASON("<postmaster@example.org>"), "mailer-daemon sender");
	ck_assert_str_eq(REASON("bounces+abc=x.org@lists.example.org"), "bounce sender");
	ck_assert_str_eq(REASON("bounce-123@news.example.org"), "bounce sender");
	ck_assert_str_eq(REASON("No-Reply@shop.example"), "no-reply sender");
	ck_assert_str_eq(REASON("do-not-reply@shop.example"), "no-reply sender");
	ck_assert_ptr_null(REASON("alice@example.org"));
	ck_assert_ptr_null(REASON("bouncer@example.org"));
	ck_assert_ptr_null(REASON("postmasters@example.org"));
	ck_assert_ptr_null(md_automated_reason("bob@example.org", NULL));
}
END_TEST

START_TEST(headers)
{
	clear();
	m.auto_submitted = "auto-replied";
	ck_assert_str_eq(REASON("a@example.org"), "auto-submitted: auto-replied");
	m.auto_submitted = " Auto-Generated (vacation)";
	ck_assert_str_eq(REASON("a@example.org"), "auto-submitted: auto-generated");
	m.auto_submitted = "auto-notified; owner-email=\"x@y\"";
	ck_assert_str_eq(REASON("a@example.org"), "auto-submitted: auto-notified");
	m.auto_submitted = "something-else";
	ck_assert_str_eq(REASON("a@example.org"), "auto-submitted");
	m.auto_submitted = "No";
	ck_assert_ptr_null(REASON("a@example.org"));
	m.auto_submitted = "no (human)";
	ck_assert_ptr_null(REASON("a@example.org"));

	clear();
	m.precedence = "BULK";
	ck_assert_str_eq(REASON("a@example.org"), "precedence: bulk");
	m.precedence = "junk";
	ck_assert_str_eq(REASON("a@example.org"), "precedence: junk");
	m.precedence = "list";
	ck_assert_str_eq(REASON("a@example.org"), "precedence: list");
	m.precedence = "first-class";
	ck_assert_ptr_null(REASON("a@example.org"));

	clear();
	m.x_autoreply = "yes";
	ck_assert_str_eq(REASON("a@example.org"), "x-autoreply");
	m.x_autoreply = "no";
	ck_assert_ptr_null(REASON("a@example.org"));

	clear();
	m.list_id = "<users.lists.example.org>";
	ck_assert_str_eq(REASON("a@example.org"), "list mail (List-Id)");
	m.list_id = "   ";
	ck_assert_ptr_null(REASON("a@example.org"));

	clear();
	m.is_report = 1;
	ck_assert_str_eq(REASON("a@example.org"), "delivery report (multipart/report)");
	/* the null sender wins over everything */
	ck_assert_str_eq(REASON("<>"), "null sender");
}
END_TEST

START_TEST(null_fields)
{
	memset(&m, 0, sizeof m);	/* all header strings NULL */
	ck_assert_ptr_null(REASON("a@example.org"));
}
END_TEST

static Suite *
automated_suite(void)
{
	Suite *s = suite_create("automated");
	TCase *tc = tcase_create("automated");

	tcase_add_test(tc, envelope);
	tcase_add_test(tc, headers);
	tcase_add_test(tc, null_fields);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(automated_suite)
