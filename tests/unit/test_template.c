/* test_template.c - %{NAME} expansion, default texts, rendering. */
#include "config.h"

#include <string.h>

#include "template.h"
#include "unit.h"

static const struct md_tvar vars[] = {
	{ "ISSUE_ID", "#12" }, { "ISSUE_PATH", "acme#12" },
	{ "NOTE_TEXT", NULL }, { "SUBJECT", "" },
	{ "ISSUE_DESCRIPTION", "see %{ISSUE_ID} and %{" },
};
#define NV (sizeof vars / sizeof vars[0])

static char *
expand(const char *tpl)
{
	static md_buf out = MD_BUF_INIT;

	md_buf_reset(&out);
	ck_assert_int_eq(md_template_expand(tpl, vars, NV, &out), 0);
	return out.data ? out.data : (char *)"";
}

START_TEST(placeholders)
{
	ck_assert_str_eq(expand("ticket %{ISSUE_ID} (%{ISSUE_PATH})."),
	    "ticket #12 (acme#12).");
	ck_assert_str_eq(expand("%{ISSUE_ID}%{ISSUE_ID}"), "#12#12");
	ck_assert_str_eq(expand("%{ISSUE_PATH}"), "acme#12");
	ck_assert_str_eq(expand("no placeholders"), "no placeholders");
	ck_assert_str_eq(expand(""), "");
}
END_TEST

START_TEST(unknown_and_malformed_kept)
{
	ck_assert_str_eq(expand("a %{TYPO} b"), "a %{TYPO} b");
	ck_assert_str_eq(expand("%{issue_id}"), "%{issue_id}");
	ck_assert_str_eq(expand("50% off %{"), "50% off %{");
	ck_assert_str_eq(expand("%{ISSUE_ID"), "%{ISSUE_ID");
	ck_assert_str_eq(expand("%{}"), "%{}");
	ck_assert_str_eq(expand("%{ISSUE ID}"), "%{ISSUE ID}");
	ck_assert_str_eq(expand("%%{ISSUE_ID}"), "%#12");
	ck_assert_str_eq(expand("%{%{ISSUE_ID}}"), "%{#12}");
	ck_assert_str_eq(expand("%"), "%");
}
END_TEST

START_TEST(empty_values_and_no_reexpansion)
{
	ck_assert_str_eq(expand("[%{NOTE_TEXT}]"), "[]");
	ck_assert_str_eq(expand("[%{SUBJECT}]"), "[]");
	/* a value is inserted verbatim, never scanned again */
	ck_assert_str_eq(expand("%{ISSUE_DESCRIPTION}"), "see %{ISSUE_ID} and %{");
}
END_TEST

START_TEST(names)
{
	int k;

	for (k = 0; k < MD_TPL_COUNT; k++) {
		ck_assert_int_eq(md_template_by_name(md_template_name(k)), k);
		ck_assert_ptr_nonnull(strstr(md_template_default_subject(k),
		    "[%{ISSUE_PATH}]"));
		ck_assert_ptr_nonnull(strstr(md_template_default(k),
		    "%{UNSUBSCRIBE_URL}"));
	}
	ck_assert_str_eq(md_template_name(MD_TPL_THANK_YOU), "thank_you");
	ck_assert_str_eq(md_template_name(MD_TPL_NEW_NOTE), "new_note");
	ck_assert_int_eq(md_template_by_name("close"), MD_TPL_CLOSE);
	ck_assert_int_eq(md_template_by_name("reopen"), MD_TPL_REOPEN);
	ck_assert_int_eq(md_template_by_name("nope"), -1);
	ck_assert_int_eq(md_template_by_name(NULL), -1);
	ck_assert_ptr_null(md_template_name(MD_TPL_COUNT));
	ck_assert_ptr_nonnull(strstr(md_template_default(MD_TPL_NEW_NOTE),
	    "%{NOTE_TEXT}"));
}
END_TEST

START_TEST(unknown_list)
{
	md_buf b = MD_BUF_INIT;

	ck_assert_int_eq(md_template_unknown("%{ISSUE_ID} %{TYPO} %{ISSUE_URL} "
	    "%{Other} %{", &b), 2);
	ck_assert_str_eq(md_buf_str(&b), "TYPO Other");
	md_buf_reset(&b);
	ck_assert_int_eq(md_template_unknown(md_template_default(MD_TPL_THANK_YOU),
	    &b), 0);
	md_buf_free(&b);
}
END_TEST

START_TEST(render_defaults)
{
	struct md_tctx c = { "acme", 12, "https://desk.example/acme/issues/12",
	    "printer on fire", NULL, "https://desk.example/unsubscribe/KEY",
	    "Re: RE: Printer broken" };
	md_buf s = MD_BUF_INIT, b = MD_BUF_INIT;

	ck_assert_int_eq(md_template_render(MD_TPL_THANK_YOU, NULL, NULL, &c,
	    &s, &b), 0);
	ck_assert_str_eq(md_buf_str(&s), "Re: Printer broken [acme#12]");
	ck_assert_ptr_nonnull(strstr(md_buf_str(&b), "as ticket #12, and will"));
	ck_assert_ptr_nonnull(strstr(md_buf_str(&b),
	    "visit https://desk.example/unsubscribe/KEY\n"));
	ck_assert_ptr_null(strstr(md_buf_str(&b), "%{"));
	md_buf_free(&s);
	md_buf_free(&b);
}
END_TEST

START_TEST(render_custom_keeps_tag)
{
	struct md_tctx c = { "acme", 7, NULL, NULL, "We fixed it.", NULL, "" };
	md_buf s = MD_BUF_INIT, b = MD_BUF_INIT;

	ck_assert_int_eq(md_template_render(MD_TPL_NEW_NOTE, "Update: %{SUBJECT}",
	    "%{NOTE_TEXT}\n-- %{PROJECT} %{ISSUE_URL}.", &c, &s, &b), 0);
	ck_assert_str_eq(md_buf_str(&s), "Update: (no subject) [acme#7]");
	ck_assert_str_eq(md_buf_str(&b), "We fixed it.\n-- acme .");
	md_buf_reset(&s);
	ck_assert_int_eq(md_template_render(MD_TPL_CLOSE, "[%{ISSUE_PATH}] done",
	    "", &c, &s, &b), 0);
	ck_assert_str_eq(md_buf_str(&s), "[acme#7] done");	/* no second tag */
	md_buf_reset(&s);
	ck_assert_int_eq(md_template_render(MD_TPL_COUNT, NULL, NULL, &c, &s, &b),
	    -1);
	md_buf_free(&s);
	md_buf_free(&b);
}
END_TEST

static Suite *
template_suite(void)
{
	Suite *s = suite_create("template");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, placeholders);
	tcase_add_test(tc, unknown_and_malformed_kept);
	tcase_add_test(tc, empty_values_and_no_reexpansion);
	tcase_add_test(tc, names);
	tcase_add_test(tc, unknown_list);
	tcase_add_test(tc, render_defaults);
	tcase_add_test(tc, render_custom_keeps_tag);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(template_suite)
