/*
 * test_triage.c - lib/store/triage.c: which rules match which request, what
 * patterns are refused when saved, and what the matching rules do
 * together (every match applies; the first assignee and priority win).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "triage.h"
#include "unit.h"

static const struct md_triage_facts facts = { .field = {
	[MD_TRIAGE_RECIPIENT] = "help@acme.example",
	[MD_TRIAGE_SENDER] = "carol@eu.example.com",
	[MD_TRIAGE_SUBJECT] = "Refund for order #123 (URGENT)",
	[MD_TRIAGE_BODY] = "Hello,\nmy printer is on fire.\nCarol",
} };

static const struct {
	enum md_triage_field	 field;
	enum md_triage_match	 match;
	const char		*pattern;
	int			 want;
} match_cases[] = {
	/* substring, case-insensitive */
	{ MD_TRIAGE_SUBJECT, MD_TRIAGE_SUBSTRING, "refund", 1 },
	{ MD_TRIAGE_SUBJECT, MD_TRIAGE_SUBSTRING, "REFUND FOR", 1 },
	{ MD_TRIAGE_SUBJECT, MD_TRIAGE_SUBSTRING, "refunds", 0 },
	{ MD_TRIAGE_BODY, MD_TRIAGE_SUBSTRING, "on fire", 1 },
	{ MD_TRIAGE_BODY, MD_TRIAGE_SUBSTRING, "refund", 0 },
	{ MD_TRIAGE_RECIPIENT, MD_TRIAGE_SUBSTRING, "help@acme.example", 1 },
	{ MD_TRIAGE_RECIPIENT, MD_TRIAGE_SUBSTRING, "sales@", 0 },
	{ MD_TRIAGE_SENDER, MD_TRIAGE_SUBSTRING, "carol@", 1 },
	/* domains: "@d" is d or a subdomain, never a look-alike */
	{ MD_TRIAGE_SENDER, MD_TRIAGE_SUBSTRING, "@example.com", 1 },
	{ MD_TRIAGE_SENDER, MD_TRIAGE_SUBSTRING, "@EU.example.com", 1 },
	{ MD_TRIAGE_SENDER, MD_TRIAGE_SUBSTRING, "@xeu.example.com", 0 },
	{ MD_TRIAGE_SENDER, MD_TRIAGE_SUBSTRING, "@ample.com", 0 },
	{ MD_TRIAGE_SENDER, MD_TRIAGE_SUBSTRING, "@example.co", 0 },
	{ MD_TRIAGE_RECIPIENT, MD_TRIAGE_SUBSTRING, "@acme.example", 1 },
	{ MD_TRIAGE_SENDER, MD_TRIAGE_SUBSTRING, "@", 0 },
	/* in subject and body '@' is only a character */
	{ MD_TRIAGE_SUBJECT, MD_TRIAGE_SUBSTRING, "@example.com", 0 },
	/* regex: extended, case-insensitive */
	{ MD_TRIAGE_SUBJECT, MD_TRIAGE_REGEX, "^refund", 1 },
	{ MD_TRIAGE_SUBJECT, MD_TRIAGE_REGEX, "order #[0-9]+", 1 },
	{ MD_TRIAGE_SUBJECT, MD_TRIAGE_REGEX, "\\(urgent\\)$", 1 },
	{ MD_TRIAGE_SUBJECT, MD_TRIAGE_REGEX, "^order", 0 },
	{ MD_TRIAGE_SENDER, MD_TRIAGE_REGEX, "@(eu|us)\\.example\\.com$", 1 },
	{ MD_TRIAGE_SENDER, MD_TRIAGE_REGEX, "@(us|asia)\\.example\\.com$", 0 },
	{ MD_TRIAGE_BODY, MD_TRIAGE_REGEX, "printer (is )?on fire", 1 },
	{ MD_TRIAGE_BODY, MD_TRIAGE_REGEX, "^my printer", 0 },	/* no REG_NEWLINE */
	{ MD_TRIAGE_BODY, MD_TRIAGE_REGEX, "carol$", 1 },
	{ MD_TRIAGE_BODY, MD_TRIAGE_REGEX, "fire\\.$", 0 },
	{ MD_TRIAGE_BODY, MD_TRIAGE_REGEX, "^hello,.my", 1 },	/* '.' matches a newline */
	{ MD_TRIAGE_RECIPIENT, MD_TRIAGE_REGEX, "^(help|support)@", 1 },
	/* a pattern that was never saved matches nothing */
	{ MD_TRIAGE_SUBJECT, MD_TRIAGE_REGEX, "(", 0 },
	{ MD_TRIAGE_SUBJECT, MD_TRIAGE_REGEX, "(r)\\1", 0 },
	{ MD_TRIAGE_SUBJECT, MD_TRIAGE_SUBSTRING, "", 0 },
};

START_TEST(match_table)
{
	struct md_triage_rule r;
	size_t i;

	for (i = 0; i < sizeof match_cases / sizeof match_cases[0]; i++) {
		memset(&r, 0, sizeof r);
		r.field = match_cases[i].field;
		r.match = match_cases[i].match;
		r.pattern = (char *)match_cases[i].pattern;
		ck_assert_msg(md_triage_matches(&r, &facts) == match_cases[i].want,
		    "case %zu: %s %s \"%s\" should %smatch", i,
		    md_triage_field_name(r.field), md_triage_match_name(r.match),
		    r.pattern, match_cases[i].want ? "" : "not ");
	}
}
END_TEST

static const struct {
	enum md_triage_match	 match;
	const char		*pattern;
	const char		*problem;	/* a piece of the answer; NULL: accepted */
} pattern_cases[] = {
	{ MD_TRIAGE_SUBSTRING, "refund", NULL },
	{ MD_TRIAGE_SUBSTRING, "a(b", NULL },		/* only a regex has syntax */
	{ MD_TRIAGE_SUBSTRING, "", "empty" },
	{ MD_TRIAGE_SUBSTRING, "tab\there", "control" },
	{ MD_TRIAGE_REGEX, "^refund|return", NULL },
	{ MD_TRIAGE_REGEX, "a{1,100}", NULL },
	{ MD_TRIAGE_REGEX, "(ab){2}(cd){3,}x{0,100}", NULL },
	{ MD_TRIAGE_REGEX, "\\{1000\\}", NULL },	/* escaped: not a bound */
	{ MD_TRIAGE_REGEX, "(", "bad regular expression" },
	{ MD_TRIAGE_REGEX, "a[", "bad regular expression" },
	{ MD_TRIAGE_REGEX, "(a)\\1", "back-references" },
	{ MD_TRIAGE_REGEX, "a{101}", "at most 100" },
	{ MD_TRIAGE_REGEX, "((a{50}){50}){50}", "too large" },
	{ MD_TRIAGE_REGEX, "(a{2,40}b){30}", "too large" },
	{ MD_TRIAGE_REGEX, "a{2,40}b{30}", NULL },		/* 70 copies, side by side */
	{ MD_TRIAGE_REGEX, "(x{10}|y{10}){10}", NULL },
	{ MD_TRIAGE_REGEX, "(x{10}|y{50}){10}", "too large" },	/* 600 copies */
	{ MD_TRIAGE_REGEX, "((a+)+)+", NULL },
	{ MD_TRIAGE_REGEX, "[0-9]+ +[a-z]+-+x+", NULL },
	{ MD_TRIAGE_REGEX, "[]a+{]{100}", NULL },		/* a bracket is one atom */
	/* stacked repetitions double at each '+' (found by fuzz_triage: a
	 * regcomp of minutes) */
	{ MD_TRIAGE_REGEX, "c++++++++++", "cannot follow another" },
	{ MD_TRIAGE_REGEX, "a+?", "cannot follow another" },
	{ MD_TRIAGE_REGEX, "0??????????????????" "<???????????????????z", "cannot follow another" },
	{ MD_TRIAGE_REGEX, "@){1,1}c)++++++++++++++++++++++++++++++++++++++++++++++++{9{1,1}a){],1}",
	  "without its" },
	{ MD_TRIAGE_REGEX, "a)b", "without its" },
	{ MD_TRIAGE_REGEX, "^refund|^return", "only at the start" },
	{ MD_TRIAGE_REGEX, "^(refund|return)|[[:digit:]^]", NULL },
	{ MD_TRIAGE_REGEX, "a\\)b[)]", NULL },
	{ MD_TRIAGE_REGEX, "(((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))",
	  "nests at most 32" },
	/* a '|' costs what an atom does, and empty alternatives are refused
	 * (found by fuzz_triage: 12 s and a gigabyte in regcomp) */
	{ MD_TRIAGE_REGEX, "(\xff\xff|||||||||||||||||){100}", "empty alternative" },
	{ MD_TRIAGE_REGEX, "(ab|cd|ef|gh|ij|kl|mn|op){100}", "too large" },
	{ MD_TRIAGE_REGEX, "(ab|cd){100}", NULL },
	{ MD_TRIAGE_REGEX, "refund|", "empty alternative" },
	{ MD_TRIAGE_REGEX, "|refund", "empty alternative" },
	{ MD_TRIAGE_REGEX, "(|a)b", "empty alternative" },
	{ MD_TRIAGE_REGEX, "a()b", "empty alternative" },
	{ MD_TRIAGE_REGEX, "a\\(|\\)b[|]", NULL },
};

START_TEST(pattern_table)
{
	char buf[256];
	const char *why;
	size_t i;

	for (i = 0; i < sizeof pattern_cases / sizeof pattern_cases[0]; i++) {
		why = md_triage_pattern_problem(pattern_cases[i].match,
		    pattern_cases[i].pattern, buf, sizeof buf);
		if (pattern_cases[i].problem == NULL)
			ck_assert_msg(why == NULL, "case %zu \"%s\": refused: %s", i,
			    pattern_cases[i].pattern, why);
		else
			ck_assert_msg(why != NULL && strstr(why, pattern_cases[i].problem),
			    "case %zu \"%s\": want \"%s\", got \"%s\"", i,
			    pattern_cases[i].pattern, pattern_cases[i].problem,
			    why ? why : "(accepted)");
	}
}
END_TEST

/* Long patterns and long texts: the caps hold, and both ends of the
 * bounded text are seen. */
START_TEST(bounds)
{
	char pat[MD_TRIAGE_PATTERN_MAX + 2], buf[128];
	md_buf body = MD_BUF_INIT;
	struct md_triage_facts f;
	struct md_triage_rule r;
	time_t t0;
	size_t i;

	memset(pat, 'a', sizeof pat - 1);
	pat[sizeof pat - 1] = '\0';
	ck_assert_ptr_nonnull(md_triage_pattern_problem(MD_TRIAGE_SUBSTRING, pat, buf,
	    sizeof buf));
	pat[MD_TRIAGE_PATTERN_MAX] = '\0';
	ck_assert_ptr_null(md_triage_pattern_problem(MD_TRIAGE_SUBSTRING, pat, buf,
	    sizeof buf));

	/* 1 MiB of text: the start is looked at, what lies past 64 KiB is not */
	md_buf_puts(&body, "START ");
	for (i = 0; body.len < 1024 * 1024; i++)
		md_buf_puts(&body, "filler text without the word ");
	md_buf_puts(&body, "NEEDLE");
	memset(&f, 0, sizeof f);
	f.field[MD_TRIAGE_BODY] = md_buf_str(&body);
	memset(&r, 0, sizeof r);
	r.field = MD_TRIAGE_BODY;
	r.match = MD_TRIAGE_SUBSTRING;
	r.pattern = "start";
	ck_assert_int_eq(md_triage_matches(&r, &f), 1);
	r.pattern = "needle";
	ck_assert_int_eq(md_triage_matches(&r, &f), 0);
	r.match = MD_TRIAGE_REGEX;
	r.pattern = "needle$";
	ck_assert_int_eq(md_triage_matches(&r, &f), 0);
	r.pattern = "^start (filler text without the word )+";
	ck_assert_int_eq(md_triage_matches(&r, &f), 1);
	/* glibc alone takes 20 s for this (it runs to the end of the text from
	 * every start position); the wrapped pattern is one pass */
	memset(body.data, '7', MD_TRIAGE_TEXT_MAX);
	r.pattern = "[0-9]+x";
	t0 = time(NULL);
	ck_assert_int_eq(md_triage_matches(&r, &f), 0);
	r.pattern = "(0+|1)+x";
	ck_assert_int_eq(md_triage_matches(&r, &f), 0);
	ck_assert_int_le(time(NULL) - t0, 2);
	/* a match that ends exactly at the cap is still seen */
	body.len = MD_TRIAGE_TEXT_MAX - 6;
	md_buf_puts(&body, "NEEDLE");
	md_buf_puts(&body, " and more");
	f.field[MD_TRIAGE_BODY] = md_buf_str(&body);
	r.pattern = "needle$";
	ck_assert_int_eq(md_triage_matches(&r, &f), 1);
	md_buf_free(&body);
}
END_TEST

START_TEST(names_and_labels)
{
	char v[MD_TRIAGE_LABELS_MAX][MD_LABEL_MAX + 1];
	const char *why;

	ck_assert_int_eq(md_triage_field_parse("recipient"), MD_TRIAGE_RECIPIENT);
	ck_assert_int_eq(md_triage_field_parse("body"), MD_TRIAGE_BODY);
	ck_assert_int_eq(md_triage_field_parse("from"), -1);
	ck_assert_int_eq(md_triage_match_parse("regex"), MD_TRIAGE_REGEX);
	ck_assert_int_eq(md_triage_match_parse("glob"), -1);
	ck_assert_str_eq(md_triage_field_name(MD_TRIAGE_SENDER), "sender");
	ck_assert_ptr_null(md_triage_field_name(MD_TRIAGE_NFIELDS));

	ck_assert_int_eq(md_triage_labels_split(" billing , vip,,billing ", v, 10, &why), 2);
	ck_assert_str_eq(v[0], "billing");
	ck_assert_str_eq(v[1], "vip");
	ck_assert_int_eq(md_triage_labels_split("", v, 10, &why), 0);
	ck_assert_int_eq(md_triage_labels_split("a,b,c,d,e,f,g,h,i,j,k", v, 10, &why), -1);
	ck_assert_ptr_nonnull(strstr(why, "at most 10"));
	ck_assert_int_eq(md_triage_labels_split("ok,bad\001", v, 10, &why), -1);
	ck_assert_int_eq(md_triage_labels_split("x12345678901234567890123456789012345678901"
	    "234567890123456789012345", v, 10, &why), -1);
}
END_TEST

/* Every matching rule applies; labels add up (each once), the first rule
 * that assigns or sets a priority wins; a rule that does not match adds
 * nothing. */
START_TEST(decide_all_match)
{
	struct md_triage_rule rules[4] = {
		{ .id = 11, .position = 1, .field = MD_TRIAGE_SENDER,
		  .match = MD_TRIAGE_SUBSTRING, .pattern = "@example.com",
		  .labels = "vip", .assign = "", .priority = "high" },
		{ .id = 12, .position = 2, .field = MD_TRIAGE_SUBJECT,
		  .match = MD_TRIAGE_REGEX, .pattern = "refund|return",
		  .labels = "billing,vip", .assign = "ann", .priority = "urgent" },
		{ .id = 13, .position = 3, .field = MD_TRIAGE_BODY,
		  .match = MD_TRIAGE_SUBSTRING, .pattern = "no such words",
		  .labels = "never", .assign = "bob", .priority = "" },
		{ .id = 14, .position = 4, .field = MD_TRIAGE_RECIPIENT,
		  .match = MD_TRIAGE_SUBSTRING, .pattern = "help@",
		  .labels = "", .assign = "carl", .priority = "" },
	};
	struct md_triage_action *a;
	char note[512];
	size_t n;

	ck_assert_int_eq(md_triage_decide(rules, 4, &facts, &a, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(a[0].kind, MD_TRIAGE_LABEL);
	ck_assert_str_eq(a[0].value, "vip");
	ck_assert_int_eq(a[0].rule->id, 11);
	ck_assert_int_eq(a[1].kind, MD_TRIAGE_PRIORITY);
	ck_assert_str_eq(a[1].value, "high");	/* rule 1's, not rule 2's */
	ck_assert_int_eq(a[2].kind, MD_TRIAGE_LABEL);
	ck_assert_str_eq(a[2].value, "billing");
	ck_assert_int_eq(a[3].kind, MD_TRIAGE_ASSIGN);
	ck_assert_str_eq(a[3].value, "ann");	/* rule 2's, not rule 4's */
	md_triage_note(&a[2], note, sizeof note);
	ck_assert_str_eq(note, "added label billing (triage rule 2: subject matches "
	    "\"refund|return\")");
	md_triage_note(&a[1], note, sizeof note);
	ck_assert_str_eq(note, "set priority to high (triage rule 1: sender contains "
	    "\"@example.com\")");
	free(a);

	ck_assert_int_eq(md_triage_decide(rules + 2, 1, &facts, &a, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(a);
}
END_TEST

static Suite *
triage_suite(void)
{
	Suite *s = suite_create("triage");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, match_table);
	tcase_add_test(tc, pattern_table);
	tcase_add_test(tc, bounds);
	tcase_add_test(tc, names_and_labels);
	tcase_add_test(tc, decide_all_match);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(triage_suite)
