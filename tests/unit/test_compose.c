/*
 * test_compose.c - outbound mail rendering, checked by parsing the result
 * back with GMime: headers, RFC 2047 words, QP body, folding, injection.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "compose.h"
#include "unit.h"

static md_buf out;

static void
setup(void)
{
	g_mime_init();
	md_buf_init(&out);
}

static void
teardown(void)
{
	md_buf_free(&out);
	g_mime_shutdown();
}

static struct md_outmail
base_mail(void)
{
	struct md_outmail m;

	memset(&m, 0, sizeof m);
	m.from_name = "Acme Support";
	m.from_addr = "support+acme@desk.example";
	m.to_name = "Carol Customer";
	m.to_addr = "carol@example.org";
	m.reply_to = "support+r-abcdefghijklmnopqrstuvwxyz@desk.example";
	m.subject = "Re: Printer broken [acme#12]";
	m.body = "Hello\n";
	m.message_id = "k5xw2@desk.example";
	m.auto_submitted = "auto-replied";
	m.issue_path = "acme#12";
	m.date = 1700000000;
	return m;
}

static GMimeMessage *
parse(const md_buf *b)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(b->data, b->len);
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *msg;

	g_object_unref(st);
	msg = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	ck_assert_ptr_nonnull(msg);
	return msg;
}

static const char *
hdr(GMimeMessage *msg, const char *name)
{
	return g_mime_object_get_header(GMIME_OBJECT(msg), name);
}

/* The decoded text/plain body with CRLF turned into LF; g_free() it. */
static char *
body_text(GMimeMessage *msg)
{
	GMimeObject *part = g_mime_message_get_mime_part(msg);
	char *t, *r, *w;

	ck_assert(GMIME_IS_TEXT_PART(part));
	t = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
	ck_assert_ptr_nonnull(t);
	for (r = w = t; *r != '\0'; r++)
		if (!(r[0] == '\r' && r[1] == '\n'))
			*w++ = *r;
	*w = '\0';
	return t;
}

/*
 * Every header line is <= 78 chars, every encoded word <= 75, and every
 * line is a new "Name:" or a continuation; returns the header count.
 */
static int
check_header_lines(const char *s, int maxlen)
{
	const char *l = s, *e, *w;
	int n = 0;

	for (; (e = strstr(l, "\r\n")) != NULL && e != l; l = e + 2) {
		ck_assert_msg(e - l <= maxlen, "long line: %.*s", (int)(e - l), l);
		ck_assert_ptr_null(memchr(l, '\n', (size_t)(e - l)));
		ck_assert_ptr_null(memchr(l, '\r', (size_t)(e - l)));
		for (w = l; (w = strstr(w, "=?UTF-8?B?")) != NULL && w < e;) {
			const char *end = strstr(w + 10, "?=");

			ck_assert_ptr_nonnull(end);
			ck_assert_int_le(end + 2 - w, 75);
			w = end + 2;
		}
		if (*l != ' ' && *l != '\t') {
			ck_assert_ptr_nonnull(memchr(l, ':', (size_t)(e - l)));
			n++;
		}
	}
	ck_assert_ptr_nonnull(e);	/* the blank line */
	return n;
}

static int
has_header_line(const char *s, const char *prefix)
{
	const char *l = s;

	for (;;) {
		if (strncmp(l, prefix, strlen(prefix)) == 0)
			return 1;
		if ((l = strstr(l, "\r\n")) == NULL || l[2] == '\r')
			return 0;
		l += 2;
	}
}

START_TEST(headers_present)
{
	struct md_outmail m = base_mail();
	GMimeMessage *msg;
	InternetAddressList *l;
	InternetAddress *a;
	GMimeObject *part;
	GDateTime *d;

	m.in_reply_to = "orig@example.org";
	m.references = "<first@example.org> second@example.org";
	m.unsubscribe_mailto = "support+u-key@desk.example";
	m.unsubscribe_url = "https://desk.example/unsubscribe/key";
	ck_assert_int_eq(md_compose(&m, &out), 0);
	check_header_lines(out.data, 78);
	msg = parse(&out);
	l = g_mime_message_get_from(msg);
	a = internet_address_list_get_address(l, 0);
	ck_assert_str_eq(internet_address_get_name(a), "Acme Support");
	ck_assert_str_eq(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)),
	    "support+acme@desk.example");
	a = internet_address_list_get_address(g_mime_message_get_reply_to(msg), 0);
	ck_assert_str_eq(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)),
	    m.reply_to);
	a = internet_address_list_get_address(g_mime_message_get_to(msg), 0);
	ck_assert_str_eq(internet_address_get_name(a), "Carol Customer");
	ck_assert_str_eq(g_mime_message_get_subject(msg), m.subject);
	ck_assert_str_eq(g_mime_message_get_message_id(msg), "k5xw2@desk.example");
	ck_assert_str_eq(hdr(msg, "In-Reply-To"), "<orig@example.org>");
	ck_assert_str_eq(hdr(msg, "References"),
	    "<first@example.org> <second@example.org>");
	ck_assert_str_eq(hdr(msg, "MIME-Version"), "1.0");
	part = g_mime_message_get_mime_part(msg);
	ck_assert_str_eq(g_mime_object_get_header(part, "Content-Type"),
	    "text/plain; charset=UTF-8");
	ck_assert_str_eq(g_mime_object_get_header(part, "Content-Transfer-Encoding"),
	    "quoted-printable");
	ck_assert_str_eq(hdr(msg, "Auto-Submitted"), "auto-replied");
	ck_assert_str_eq(hdr(msg, "X-Auto-Response-Suppress"), "All");
	ck_assert_str_eq(hdr(msg, "List-Unsubscribe"),
	    "<mailto:support+u-key@desk.example>, <https://desk.example/unsubscribe/key>");
	ck_assert_str_eq(hdr(msg, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
	ck_assert_str_eq(hdr(msg, "X-Maildesk-Issue"), "acme#12");
	ck_assert_ptr_null(hdr(msg, "Precedence"));
	d = g_mime_message_get_date(msg);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(g_date_time_to_unix(d), 1700000000);
	ck_assert_ptr_nonnull(strstr(out.data, "\r\n\r\nHello\r\n"));
	g_object_unref(msg);
}
END_TEST

START_TEST(optional_headers)
{
	struct md_outmail m = base_mail();
	GMimeMessage *msg;

	m.reply_to = NULL;
	m.auto_submitted = NULL;
	m.issue_path = NULL;
	m.to_name = NULL;
	m.unsubscribe_url = "http://desk.example/u/k";	/* not https: no one-click */
	m.date = 0;
	ck_assert_int_eq(md_compose(&m, &out), 0);
	msg = parse(&out);
	ck_assert_ptr_null(hdr(msg, "Reply-To"));
	ck_assert_ptr_null(hdr(msg, "In-Reply-To"));
	ck_assert_ptr_null(hdr(msg, "References"));
	ck_assert_ptr_null(hdr(msg, "X-Maildesk-Issue"));
	ck_assert_ptr_null(hdr(msg, "List-Unsubscribe-Post"));
	ck_assert_str_eq(hdr(msg, "List-Unsubscribe"), "<http://desk.example/u/k>");
	ck_assert_str_eq(hdr(msg, "Auto-Submitted"), "auto-generated");
	ck_assert(has_header_line(out.data, "To: carol@example.org\r\n"));
	ck_assert_ptr_nonnull(g_mime_message_get_date(msg));
	g_object_unref(msg);

	md_buf_reset(&out);
	m.unsubscribe_url = NULL;
	ck_assert_int_eq(md_compose(&m, &out), 0);
	ck_assert(!has_header_line(out.data, "List-Unsubscribe"));

	m.message_id = NULL;
	ck_assert_int_eq(md_compose(&m, &out), -1);
	m = base_mail();
	m.to_addr = "\r\n";
	ck_assert_int_eq(md_compose(&m, &out), -1);
}
END_TEST

/* A customer's broken Message-ID is left out of the thread, not sent. */
START_TEST(thread_ids_checked)
{
	struct md_outmail m = base_mail();
	md_buf longid = MD_BUF_INIT;
	size_t i;

	for (i = 0; i < 300; i++)
		md_buf_putc(&longid, 'a');
	md_buf_puts(&longid, "@example.org");
	m.in_reply_to = "a b@example.org";	/* "<a b@...>": only b@... is an id */
	m.references = "\xc3\xa9@example.org ok@example.org";
	md_buf_reset(&out);
	ck_assert_int_eq(md_compose(&m, &out), 0);
	ck_assert(has_header_line(out.data, "In-Reply-To: <b@example.org>\r\n"));
	ck_assert(has_header_line(out.data, "References: <ok@example.org>\r\n"));
	m.in_reply_to = md_buf_str(&longid);
	m.references = "no-at-sign";
	md_buf_reset(&out);
	ck_assert_int_eq(md_compose(&m, &out), 0);	/* the mail still goes */
	ck_assert(!has_header_line(out.data, "In-Reply-To:"));
	ck_assert(!has_header_line(out.data, "References:"));
	check_header_lines(out.data, 78);
	md_buf_free(&longid);
}
END_TEST

static void
subject_round_trip(const char *subject)
{
	struct md_outmail m = base_mail();
	GMimeMessage *msg;

	md_buf_reset(&out);
	m.subject = subject;
	ck_assert_int_eq(md_compose(&m, &out), 0);
	check_header_lines(out.data, 78);
	msg = parse(&out);
	ck_assert_str_eq(g_mime_message_get_subject(msg), subject);
	g_object_unref(msg);
}

START_TEST(subject_rfc2047)
{
	md_buf b = MD_BUF_INIT;
	int i;

	subject_round_trip("Re: Drucker kaputt – Grüße aus München [acme#12]");
	subject_round_trip("Re: プリンターが壊れました。助けてください。"
	    "プリンターが壊れました。助けてください。[acme#12]");
	subject_round_trip("Émoji 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀 ok");
	subject_round_trip("Re: a fairly long plain ASCII subject line that must be "
	    "folded somewhere because it goes on and on [acme#12]");
	subject_round_trip("x https://example.org/a/very/long/url/that/has/no/spaces/"
	    "at/all/and/cannot/be/folded/anywhere/else?q=1 y");
	subject_round_trip("looks =?UTF-8?B?ZW5jb2RlZA==?= but is not");
	subject_round_trip("double  spaces  kept");
	subject_round_trip("sixteen                blanks kept");
	subject_round_trip("");
	for (i = 0; i < 40; i++)
		md_buf_puts(&b, "ä ö ü ß ");
	md_buf_puts(&b, "[acme#12]");
	subject_round_trip(md_buf_str(&b));
	/* the threading tag stays readable in the raw header */
	ck_assert_ptr_nonnull(strstr(out.data, " [acme#12]"));
	md_buf_free(&b);
}
END_TEST

/* Subjects a customer can send on purpose: the header stays well-formed. */
START_TEST(subject_blank_runs)
{
	struct md_outmail m = base_mail();
	md_buf b = MD_BUF_INIT;
	GMimeMessage *msg;
	size_t run[] = { 17, 66, 67, 70, 200, 2000 };
	size_t i, k;

	for (i = 0; i < sizeof run / sizeof run[0]; i++) {
		md_buf_reset(&b);
		md_buf_puts(&b, "x");
		for (k = 0; k < run[i]; k++)
			md_buf_putc(&b, ' ');
		md_buf_puts(&b, i % 2 ? "\xc3\xa9 [acme#12]" : "plain [acme#12]");
		md_buf_reset(&out);
		m.subject = md_buf_str(&b);
		ck_assert_int_eq(md_compose(&m, &out), 0);	/* and returns */
		check_header_lines(out.data, 78);
		msg = parse(&out);
		ck_assert_str_eq(g_mime_message_get_subject(msg),
		    i % 2 ? "x \xc3\xa9 [acme#12]" : "x plain [acme#12]");
		g_object_unref(msg);
	}
	md_buf_free(&b);
}
END_TEST

START_TEST(names_and_specials)
{
	struct md_outmail m = base_mail();
	GMimeMessage *msg;
	InternetAddress *a;

	m.from_name = "Ünïcödé Support Désk";
	m.to_name = "Doe, John \"JD\" \\ <x>";
	ck_assert_int_eq(md_compose(&m, &out), 0);
	check_header_lines(out.data, 78);
	msg = parse(&out);
	a = internet_address_list_get_address(g_mime_message_get_from(msg), 0);
	ck_assert_str_eq(internet_address_get_name(a), m.from_name);
	ck_assert_str_eq(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)),
	    m.from_addr);
	ck_assert_int_eq(internet_address_list_length(g_mime_message_get_to(msg)), 1);
	a = internet_address_list_get_address(g_mime_message_get_to(msg), 0);
	ck_assert_str_eq(internet_address_get_name(a), m.to_name);
	ck_assert_str_eq(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)),
	    m.to_addr);
	g_object_unref(msg);
}
END_TEST

/* Composes body, checks the QP lines, decodes it back with GMime. */
static void
body_round_trip(const char *body, const char *expect)
{
	struct md_outmail m = base_mail();
	GMimeMessage *msg;
	const char *b, *l, *e;
	char *text;

	md_buf_reset(&out);
	m.body = body;
	ck_assert_int_eq(md_compose(&m, &out), 0);
	b = strstr(out.data, "\r\n\r\n") + 4;
	for (l = b; *l != '\0'; l = e + 2) {
		e = strstr(l, "\r\n");
		ck_assert_ptr_nonnull(e);	/* every line ends in CRLF */
		ck_assert_int_le(e - l, 76);
		ck_assert(!(e - l == 1 && *l == '.'));
		ck_assert(strncmp(l, "From ", 5) != 0);
		ck_assert(e == l || (e[-1] != ' ' && e[-1] != '\t'));
		ck_assert_ptr_null(memchr(l, '\n', (size_t)(e - l)));
	}
	msg = parse(&out);
	text = body_text(msg);
	ck_assert_str_eq(text, expect ? expect : body);
	g_free(text);
	g_object_unref(msg);
}

START_TEST(body_quoted_printable)
{
	md_buf big = MD_BUF_INIT;
	int i;

	body_round_trip("Hello,\n\nthanks for writing.\n", NULL);
	body_round_trip("a=b 1+1=2 =?=\n", NULL);
	body_round_trip("trailing spaces   \ntrailing tab\t\n", NULL);
	body_round_trip("From the desk\n.\n..\n.x\nFrom: not a header\n", NULL);
	body_round_trip("Grüße, ça va? 日本語 😀\n", NULL);
	body_round_trip("no final newline", NULL);
	body_round_trip("crlf\r\nlines\r\n", "crlf\nlines\n");
	body_round_trip("", NULL);
	body_round_trip("\n\n\n", NULL);
	for (i = 0; i < 300; i++)
		md_buf_puts(&big, i % 7 == 0 ? "é=" : "word ");
	md_buf_puts(&big, "\n");
	for (i = 0; i < 200; i++)
		md_buf_putc(&big, (char)('a' + i % 26));
	md_buf_puts(&big, "  \n");
	for (i = 0; i < 76; i++)
		md_buf_putc(&big, 'x');
	md_buf_puts(&big, "\n");
	for (i = 0; i < 75; i++)
		md_buf_putc(&big, 'y');
	body_round_trip(md_buf_str(&big), NULL);
	for (i = 0; i < 74; i++)
		md_buf_putc(&big, 'z');
	md_buf_puts(&big, ".\nFrom me");
	body_round_trip(md_buf_str(&big), NULL);
	md_buf_free(&big);
}
END_TEST

START_TEST(header_injection_neutralised)
{
	struct md_outmail m = base_mail();
	GMimeMessage *msg;
	int n;

	m.from_name = "Evil\r\nBcc: a@evil.example";
	m.to_name = "Carol\nBcc: b@evil.example";
	m.to_addr = "carol@example.org\r\nBcc: c@evil.example";
	m.reply_to = "r@desk.example\rBcc: d@evil.example";
	m.subject = "Hi\r\nBcc: e@evil.example\r\n\r\nbody?";
	m.message_id = "id@desk.example>\r\nBcc: f@evil.example";
	m.in_reply_to = "x@y\r\nBcc: g@evil.example";
	m.references = "a@b\nBcc: h@evil.example";
	m.unsubscribe_mailto = "u@desk.example\r\nBcc: i@evil.example";
	m.unsubscribe_url = "https://desk.example/u\r\nBcc: j@evil.example";
	m.auto_submitted = "auto-replied\r\nBcc: k@evil.example";
	m.issue_path = "acme#1\r\nBcc: l@evil.example";
	ck_assert_int_eq(md_compose(&m, &out), 0);
	n = check_header_lines(out.data, 998);
	ck_assert_int_eq(n, 16);	/* exactly our headers, nothing more */
	ck_assert(!has_header_line(out.data, "Bcc"));
	msg = parse(&out);
	ck_assert_ptr_null(hdr(msg, "Bcc"));
	ck_assert_str_eq(g_mime_message_get_subject(msg),
	    "Hi  Bcc: e@evil.example    body?");
	g_object_unref(msg);
}
END_TEST

START_TEST(message_id)
{
	char a[128], b[128];
	size_t i;

	ck_assert_int_eq(md_compose_message_id("desk.example", a, sizeof a), 0);
	ck_assert_int_eq(md_compose_message_id("desk.example", b, sizeof b), 0);
	ck_assert_str_ne(a, b);
	ck_assert_uint_eq(strlen(a), 26 + strlen("@desk.example"));
	ck_assert_str_eq(a + 26, "@desk.example");
	for (i = 0; i < 26; i++)
		ck_assert(strchr("abcdefghijklmnopqrstuvwxyz234567", a[i]) != NULL);
	ck_assert_int_eq(md_compose_message_id("desk.example", a, 20), -1);
	ck_assert_int_eq(md_compose_message_id("bad domain", a, sizeof a), -1);
	ck_assert_int_eq(md_compose_message_id("", a, sizeof a), -1);
	ck_assert_int_eq(md_compose_message_id("x>\r\n", a, sizeof a), -1);
}
END_TEST

START_TEST(header_word)
{
	md_buf b = MD_BUF_INIT;
	const char *s = "Zoë Ünïcödé – a long name that takes more than one "
	    "encoded word ✓✓✓✓✓✓✓✓";
	char *dec;

	ck_assert_int_eq(md_compose_header_word("Plain Name", &b), 0);
	ck_assert_str_eq(md_buf_str(&b), "Plain Name");
	md_buf_reset(&b);
	ck_assert_int_eq(md_compose_header_word(s, &b), 0);
	ck_assert_int_eq(strncmp(md_buf_str(&b), "=?UTF-8?B?", 10), 0);
	ck_assert_ptr_nonnull(strchr(md_buf_str(&b), ' '));	/* several words */
	dec = g_mime_utils_header_decode_text(NULL, md_buf_str(&b));
	ck_assert_str_eq(dec, s);
	g_free(dec);
	md_buf_free(&b);
}
END_TEST

static Suite *
compose_suite(void)
{
	Suite *s = suite_create("compose");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, headers_present);
	tcase_add_test(tc, optional_headers);
	tcase_add_test(tc, subject_rfc2047);
	tcase_add_test(tc, subject_blank_runs);
	tcase_add_test(tc, thread_ids_checked);
	tcase_add_test(tc, names_and_specials);
	tcase_add_test(tc, body_quoted_printable);
	tcase_add_test(tc, header_injection_neutralised);
	tcase_add_test(tc, message_id);
	tcase_add_test(tc, header_word);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(compose_suite)
