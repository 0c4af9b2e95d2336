/* test_automated.c - which mail counts as automated (never answered). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "automated.h"
#include "unit.h"

static struct md_mime m;

static void
clear(void)
{
	memset(&m, 0, sizeof m);
	m.auto_submitted = m.precedence = m.x_autoreply = m.x_autorespond =
	    m.list_id = m.return_path = m.from_addr = "";
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

/* One header value (the others empty) and the reason it must give. */
struct hcase {
	size_t		 field;		/* offsetof a char * of struct md_mime */
	const char	*value;
	const char	*mail_from;
	const char	*want;		/* NULL: human */
};
#define F(name)	offsetof(struct md_mime, name)
#define A	"a@example.org"
static const struct hcase hcases[] = {
	{ F(auto_submitted), "auto-replied", A, "auto-submitted: auto-replied" },
	{ F(auto_submitted), " Auto-Generated (vacation)", A, "auto-submitted: auto-generated" },
	{ F(auto_submitted), "auto-notified; owner-email=\"x@y\"", A, "auto-submitted: auto-notified" },
	{ F(auto_submitted), "something-else", A, "auto-submitted" },
	{ F(auto_submitted), "No", A, NULL },
	{ F(auto_submitted), "no (human)", A, NULL },
	/* a value that is only a comment, even without has_auto_submitted */
	{ F(auto_submitted), "(just a comment)", A, "auto-submitted" },
	{ F(precedence), "BULK", A, "precedence: bulk" },
	{ F(precedence), "junk", A, "precedence: junk" },
	{ F(precedence), "list", A, "precedence: list" },
	/* Exchange and some vacation programs */
	{ F(precedence), "Auto_Reply", A, "precedence: auto_reply" },
	{ F(precedence), "first-class", A, NULL },
	{ F(x_autoreply), "yes", A, "x-autoreply" },
	{ F(x_autoreply), "no", A, NULL },
	{ F(x_autorespond), "yes", A, "x-autorespond" },
	{ F(x_autorespond), "false", A, NULL },
	{ F(list_id), "<users.lists.example.org>", A, "list mail (List-Id)" },
	{ F(list_id), "   ", A, NULL },
	/* Return-Path: <> from an earlier hop: a forwarded bounce */
	{ F(return_path), "<>", A, "null Return-Path" },
	{ F(return_path), " < > (bounce)", A, "null Return-Path" },
	{ F(return_path), "<alice@example.org>", A, NULL },
	{ F(return_path), "<>x", A, NULL },
	/* the confirmation goes to From:, so a machine there counts too */
	{ F(from_addr), "MAILER-DAEMON@mx.example.org", A, "mailer-daemon From:" },
	{ F(from_addr), "postmaster@example.org", A, "mailer-daemon From:" },
	{ F(from_addr), "noreply@shop.example", A, "no-reply From:" },
	{ F(from_addr), "Do_Not_Reply@shop.example", A, "no-reply From:" },
	{ F(from_addr), "bounces+x=y.org@lists.example.org", A, "bounce From:" },
	{ F(from_addr), "bouncer@example.org", A, NULL },
	/* the envelope is judged first and keeps its own strings */
	{ F(from_addr), "noreply@shop.example", "MAILER-DAEMON@mx.example.org",
	  "mailer-daemon sender" },
	{ F(from_addr), "noreply@shop.example", "<>", "null sender" },
};
#undef A

START_TEST(header_values)
{
	size_t i;
	const char *got;

	for (i = 0; i < sizeof hcases / sizeof hcases[0]; i++) {
		const struct hcase *c = &hcases[i];

		clear();
		*(const char **)((char *)&m + c->field) = c->value;
		got = REASON(c->mail_from);
		ck_assert_msg(c->want == NULL ? got == NULL :
		    got != NULL && strcmp(got, c->want) == 0,
		    "case %zu [%s]: got %s, want %s", i, c->value,
		    got ? got : "NULL", c->want ? c->want : "NULL");
	}
}
END_TEST

/* What takes more than one field. */
START_TEST(combinations)
{
	clear();
	m.is_report = 1;
	ck_assert_str_eq(REASON("a@example.org"), "delivery report (multipart/report)");
	/* the null sender wins over everything */
	ck_assert_str_eq(REASON("<>"), "null sender");

	/* each of X-Autoreply and X-Autorespond counts on its own */
	clear();
	m.x_autoreply = "no";
	m.x_autorespond = "yes";
	ck_assert_str_eq(REASON("a@example.org"), "x-autorespond");
	m.x_autoreply = "yes";
	m.x_autorespond = "no";
	ck_assert_str_eq(REASON("a@example.org"), "x-autoreply");

	/* a present but empty Auto-Submitted is not the "no" of a human */
	clear();
	m.has_auto_submitted = 1;
	ck_assert_str_eq(REASON("a@example.org"), "auto-submitted");
	m.auto_submitted = "   ";
	ck_assert_str_eq(REASON("a@example.org"), "auto-submitted");
	m.auto_submitted = "no";
	ck_assert_ptr_null(REASON("a@example.org"));
	m.has_auto_submitted = 0;	/* value only, as a caller may fill in */
	m.auto_submitted = "";
	ck_assert_ptr_null(REASON("a@example.org"));

	clear();
	m.from_addr = NULL;
	ck_assert_ptr_null(REASON("alice@example.org"));
}
END_TEST

/* reason RAW: what the parsed message says, with a human envelope sender. */
static const char *
parsed(const char *raw)
{
	struct md_mime pm;
	const char *why;

	ck_assert_int_eq(md_mime_parse(raw, strlen(raw), 0, 0, &pm), 0);
	why = md_automated_reason("alice@example.org", &pm);
	md_mime_free(&pm);
	return why;
}

/* The same through md_mime_parse: the parser keeps what the rules need. */
START_TEST(parsed_messages)
{
#define HDRS	"To: support+acme@desk.example\nSubject: s\n"
	ck_assert_ptr_null(parsed("From: Alice <alice@example.org>\n" HDRS
	    "Auto-Submitted: no\nX-Autoreply: no\n\nHi\n"));
	ck_assert_str_eq(parsed("From: Mail Delivery System <MAILER-DAEMON@mx.example>\n"
	    HDRS "\nUndeliverable\n"), "mailer-daemon From:");
	ck_assert_str_eq(parsed("From: \"Shop\" <noreply@shop.example>\n" HDRS
	    "\nYour order\n"), "no-reply From:");
	ck_assert_str_eq(parsed("From: alice@example.org\n" HDRS
	    "Precedence: auto_reply\n\nAway\n"), "precedence: auto_reply");
	ck_assert_str_eq(parsed("From: alice@example.org\n" HDRS
	    "X-Autoreply: no\nX-Autorespond: yes\n\nAway\n"), "x-autorespond");
	ck_assert_str_eq(parsed("From: alice@example.org\n" HDRS
	    "Auto-Submitted:\n\nAway\n"), "auto-submitted");
	ck_assert_str_eq(parsed("Return-Path: <>\nFrom: alice@example.org\n" HDRS
	    "\nForwarded bounce\n"), "null Return-Path");
	ck_assert_str_eq(parsed("From: alice@example.org\n" HDRS
	    "List-Id:\nList-Unsubscribe: <mailto:u@lists.example>\n\nNews\n"),
	    "list mail (List-Id)");
#undef HDRS
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
	tcase_add_test(tc, header_values);
	tcase_add_test(tc, combinations);
	tcase_add_test(tc, parsed_messages);
	tcase_add_test(tc, null_fields);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(automated_suite)
