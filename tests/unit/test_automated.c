/* test_automated.c - which mail counts as automated (never answered). */
#include "config.h"

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

/* The confirmation goes to From:, so a machine there counts too. */
START_TEST(from_header)
{
	clear();
	m.from_addr = "MAILER-DAEMON@mx.example.org";
	ck_assert_str_eq(REASON("alice@example.org"), "mailer-daemon From:");
	m.from_addr = "postmaster@example.org";
	ck_assert_str_eq(REASON("alice@example.org"), "mailer-daemon From:");
	m.from_addr = "noreply@shop.example";
	ck_assert_str_eq(REASON("alice@example.org"), "no-reply From:");
	m.from_addr = "Do_Not_Reply@shop.example";
	ck_assert_str_eq(REASON("alice@example.org"), "no-reply From:");
	m.from_addr = "bounces+x=y.org@lists.example.org";
	ck_assert_str_eq(REASON("alice@example.org"), "bounce From:");
	/* the envelope is judged first and keeps its own strings */
	m.from_addr = "noreply@shop.example";
	ck_assert_str_eq(REASON("MAILER-DAEMON@mx.example.org"), "mailer-daemon sender");
	ck_assert_str_eq(REASON("<>"), "null sender");
	m.from_addr = "alice@example.org";
	ck_assert_ptr_null(REASON("alice@example.org"));
	m.from_addr = "bouncer@example.org";
	ck_assert_ptr_null(REASON("alice@example.org"));
	m.from_addr = "";
	ck_assert_ptr_null(REASON("alice@example.org"));
	m.from_addr = NULL;
	ck_assert_ptr_null(REASON("alice@example.org"));
}
END_TEST

START_TEST(markers)
{
	/* Precedence: auto_reply (Exchange, some vacation programs) */
	clear();
	m.precedence = "auto_reply";
	ck_assert_str_eq(REASON("a@example.org"), "precedence: auto_reply");
	m.precedence = "Auto_Reply";
	ck_assert_str_eq(REASON("a@example.org"), "precedence: auto_reply");

	/* each of X-Autoreply and X-Autorespond counts on its own */
	clear();
	m.x_autoreply = "no";
	m.x_autorespond = "yes";
	ck_assert_str_eq(REASON("a@example.org"), "x-autorespond");
	m.x_autoreply = "yes";
	m.x_autorespond = "no";
	ck_assert_str_eq(REASON("a@example.org"), "x-autoreply");
	m.x_autoreply = "";
	m.x_autorespond = "false";
	ck_assert_ptr_null(REASON("a@example.org"));

	/* a present but empty Auto-Submitted is not the "no" of a human */
	clear();
	m.has_auto_submitted = 1;
	ck_assert_str_eq(REASON("a@example.org"), "auto-submitted");
	m.auto_submitted = "   ";
	ck_assert_str_eq(REASON("a@example.org"), "auto-submitted");
	m.auto_submitted = "no";
	ck_assert_ptr_null(REASON("a@example.org"));
	m.has_auto_submitted = 0;	/* value only, as a caller may fill in */
	m.auto_submitted = "(just a comment)";
	ck_assert_str_eq(REASON("a@example.org"), "auto-submitted");
	m.auto_submitted = "";
	ck_assert_ptr_null(REASON("a@example.org"));

	/* Return-Path: <> from an earlier hop: a forwarded bounce */
	clear();
	m.return_path = "<>";
	ck_assert_str_eq(REASON("fwd@example.org"), "null Return-Path");
	m.return_path = " < > (bounce)";
	ck_assert_str_eq(REASON("fwd@example.org"), "null Return-Path");
	m.return_path = "<alice@example.org>";
	ck_assert_ptr_null(REASON("fwd@example.org"));
	m.return_path = "<>x";
	ck_assert_ptr_null(REASON("fwd@example.org"));
	m.return_path = "";
	ck_assert_ptr_null(REASON("fwd@example.org"));
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
	tcase_add_test(tc, headers);
	tcase_add_test(tc, from_header);
	tcase_add_test(tc, markers);
	tcase_add_test(tc, parsed_messages);
	tcase_add_test(tc, null_fields);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(automated_suite)
