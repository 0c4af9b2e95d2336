/*
 * test_mime.c - md_mime_parse on the fixtures in tests/fixtures/mime:
 * decoded headers, body choice, charsets, attachments, automated-mail
 * signals (generated hostile input: test_mime_hostile.c).
 */
#include "config.h"

#include "buf.h"
#include "mime_fixture.h"
#include "trim.h"

START_TEST(plain_utf8)
{
	struct md_mime m;

	parse_file("plain_utf8.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "Drucker druckt nicht – bitte um Hilfe");
	ck_assert_str_eq(m.from_name, "Björn Åström");
	ck_assert_str_eq(m.from_addr, "Bjoern.Astroem@example.org");
	ck_assert_str_eq(m.from, "Björn Åström <Bjoern.Astroem@example.org>");
	ck_assert_int_eq(m.from_count, 1);
	ck_assert_str_eq(m.message_id, "20261123091458.GA1234@mail.example.org");
	ck_assert_int_eq(m.has_date, 1);
	ck_assert_str_eq(m.reply_to, "");
	ck_assert_str_eq(m.cc, "");
	ck_assert_str_eq(m.in_reply_to, "");
	ck_assert_str_eq(m.references, "");
	assert_has(m.text, "Hallo,\n\nseit dem Update");
	assert_has(m.text, "„Spooler nicht verfügbar“ — 日本語も大丈夫。\n");
	ck_assert_int_eq(m.html_only, 0);
	ck_assert_int_eq(m.parse_error, 0);
	ck_assert_int_eq(m.is_report, 0);
	ck_assert_uint_eq(m.nattachments, 0);
	ck_assert_str_eq(m.auto_submitted, "");
	ck_assert_int_eq(m.has_auto_submitted, 0);
	md_mime_free(&m);
	md_mime_free(&m);	/* idempotent */
}
END_TEST

START_TEST(latin1_quoted_printable)
{
	struct md_mime m;

	parse_file("latin1_qp.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "Problème de connexion à l'application");
	ck_assert_str_eq(m.from, "André François <andre@example.fr>");
	assert_has(m.text, "je n'arrive plus à me connecter");
	/* soft line break joined, guillemets decoded */
	assert_has(m.text, "est très long et se termine par « session expirée ».");
	assert_has(m.text, "Cordialement,\nAndré");
	md_mime_free(&m);
}
END_TEST

START_TEST(cp1252_declared_latin1)
{
	struct md_mime m;

	parse_file("cp1252_as_latin1.eml", 0, 0, &m);
	ck_assert_str_eq(m.text, "The invoice says “100 €” paid” but it "
	    "isn’t. Café au lait.\n");
	md_mime_free(&m);
}
END_TEST

START_TEST(unknown_charset)
{
	struct md_mime m;

	parse_file("unknown_charset.eml", 0, 0, &m);
	ck_assert_str_eq(m.text, "Naïve café « quoted » end.\n");
	md_mime_free(&m);
}
END_TEST

START_TEST(html_only)
{
	struct md_mime m;

	parse_file("html_only.eml", 0, 0, &m);
	ck_assert_int_eq(m.html_only, 1);
	ck_assert_str_eq(m.subject, "Your order &amp; shipping");	/* not HTML */
	ck_assert_str_eq(m.from, "Newsletter Team <news@shop.example>");
	assert_has(m.text, "Hello Jane,\n\nYour order #1234 & shipping <details>:");
	assert_has(m.text, "- Item one\n- Item – two");
	assert_has(m.text, "Track it here (https://shop.example/track?id=1234).");
	assert_has(m.text, "Grüße é 😀");
	assert_lacks(m.text, "alert");
	assert_lacks(m.text, "color");
	assert_lacks(m.text, "hidden");
	assert_lacks(m.text, "tracking");
	assert_lacks(m.text, "Order\n");
	assert_lacks(m.text, "<p");
	md_mime_free(&m);
}
END_TEST

START_TEST(alternative_and_threading)
{
	struct md_mime m;

	parse_file("alternative.eml", 0, 0, &m);
	ck_assert_int_eq(m.html_only, 0);
	ck_assert_str_eq(m.text, "Still failing after the reset. Screenshot to "
	    "follow.\n\nOn Wed, Nov 25, 2026 at 9:00 AM Acme Support "
	    "<support@desk.example> wrote:\n> Please reset your password.");
	ck_assert_str_eq(m.from_addr, "jane@example.com");
	ck_assert_str_eq(m.reply_to, "jane.replies@example.com");
	ck_assert_str_eq(m.cc, "bob@example.com, carol@example.net");
	ck_assert_str_eq(m.message_id, "CAF=alt-1@mail.example.com");
	ck_assert_str_eq(m.in_reply_to, "issue-42@desk.example");
	ck_assert_str_eq(m.references, "root-1@desk.example issue-42@desk.example");
	ck_assert_uint_eq(m.nattachments, 0);
	md_mime_free(&m);
}
END_TEST

#define find_att(m, type) find_attachment((m), (type), NULL)

START_TEST(mixed_attachments)
{
	const struct md_attachment *a;
	struct md_mime m;

	parse_file("mixed_pdf.eml", 1, 1 << 20, &m);
	ck_assert_str_eq(m.subject, "Rechnung März");
	ck_assert_str_eq(m.text, "Anbei die Rechnung als PDF.");
	ck_assert_uint_eq(m.nattachments, 5);
	a = find_att(&m, "application/pdf");
	ck_assert_str_eq(a->filename, "Rechnung März 2026.pdf");	/* RFC 2231 */
	ck_assert_uint_eq(a->size, 83);
	ck_assert_ptr_nonnull(a->data);
	ck_assert_int_eq(memcmp(a->data, "%PDF-1.4\n", 9), 0);
	a = find_att(&m, "image/png");			/* inline still counts */
	ck_assert_str_eq(a->filename, "");
	ck_assert_uint_eq(a->size, 66);
	ck_assert_int_eq(memcmp(a->data, "\x89PNG", 4), 0);
	a = find_att(&m, "text/plain");
	ck_assert_str_eq(a->filename, "....etcpasswd");	/* no '/', no \x01 */
	assert_has(a->data, "root:x:0:0");
	a = find_att(&m, "application/octet-stream");
	ck_assert_str_eq(a->filename, "C:Usersmaxevil.exe");
	a = find_att(&m, "message/rfc822");		/* one attachment */
	ck_assert_uint_gt(a->size, 0);
	assert_has(a->data, "INNER BODY MUST NOT BE THE TEXT");
	assert_lacks(m.text, "INNER");
	ck_assert_int_eq(m.parse_error, 0);
	md_mime_free(&m);

	/* without want_data (or over the limit): sizes, no bytes */
	parse_file("mixed_pdf.eml", 0, 1 << 20, &m);
	ck_assert_uint_eq(m.nattachments, 5);
	ck_assert_uint_eq(find_att(&m, "application/pdf")->size, 83);
	ck_assert_ptr_null(find_att(&m, "application/pdf")->data);
	md_mime_free(&m);
	parse_file("mixed_pdf.eml", 1, 80, &m);
	ck_assert_uint_eq(find_att(&m, "application/pdf")->size, 83);
	ck_assert_ptr_null(find_att(&m, "application/pdf")->data);
	ck_assert_ptr_nonnull(find_att(&m, "image/png")->data);
	md_mime_free(&m);
}
END_TEST

START_TEST(broken_boundaries)
{
	struct md_mime m;

	parse_file("boundary_unused.eml", 0, 0, &m);
	ck_assert_int_eq(m.parse_error, 1);
	ck_assert_str_eq(m.subject, "Broken boundary");
	assert_has(m.text, "This text sits where parts should be.\n"
	    "The boundary above is never used.");
	md_mime_free(&m);

	parse_file("boundary_unclosed.eml", 0, 0, &m);
	ck_assert_int_eq(m.parse_error, 1);
	ck_assert_str_eq(m.text, "The final boundary never comes.");
	ck_assert_uint_eq(m.nattachments, 1);
	ck_assert_str_eq(m.attachments[0].filename, "data.zip");
	md_mime_free(&m);
}
END_TEST

START_TEST(missing_headers)
{
	struct md_mime m;

	parse_file("missing_headers.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "");
	ck_assert_str_eq(m.from, "");
	ck_assert_str_eq(m.from_addr, "");
	ck_assert_str_eq(m.from_name, "");
	ck_assert_int_eq(m.from_count, 0);
	ck_assert_str_eq(m.message_id, "");
	ck_assert_int_eq(m.has_date, 0);
	ck_assert_str_eq(m.text, "Nothing but a body.\n");
	ck_assert_int_eq(m.parse_error, 0);
	md_mime_free(&m);
}
END_TEST

START_TEST(binary_junk)
{
	struct md_mime m;

	parse_file("binary_junk.eml", 1, 100, &m);
	assert_has(m.subject, "Café");
	assert_has(m.text, "Line one  with NUL\n");	/* NUL dropped */
	assert_has(m.text, "Bad bytes \xef\xbf\xbd(");	/* U+FFFD */
	assert_has(m.text, "ok €");
	ck_assert_str_eq(m.from_addr, "junk@example.org");
	md_mime_free(&m);
}
END_TEST

START_TEST(dsn_report)
{
	struct md_mime m;

	parse_file("dsn.eml", 0, 0, &m);
	ck_assert_int_eq(m.is_report, 1);
	ck_assert_str_eq(m.auto_submitted, "auto-replied");
	ck_assert_str_eq(m.from_addr, "MAILER-DAEMON@mx.example.org");
	assert_has(m.text, "could not\nbe delivered");
	assert_lacks(m.text, "Reporting-MTA");
	ck_assert_uint_eq(m.nattachments, 1);
	ck_assert_str_eq(m.attachments[0].content_type, "message/delivery-status");
	md_mime_free(&m);
}
END_TEST

START_TEST(autoreply_signals)
{
	struct md_mime m;

	parse_file("autoreply.eml", 0, 0, &m);
	ck_assert_str_eq(m.auto_submitted, "auto-replied");
	ck_assert_str_eq(m.precedence, "bulk");
	ck_assert_int_eq(m.has_auto_submitted, 1);
	ck_assert_str_eq(m.x_autoreply, "");
	ck_assert_str_eq(m.x_autorespond, "Out of office");
	ck_assert_str_eq(m.list_id, "Acme announcements <announce.acme.example>");
	ck_assert_str_eq(m.in_reply_to, "issue-7@desk.example");
	ck_assert_int_eq(m.is_report, 0);
	md_mime_free(&m);
}
END_TEST

/*
 * Markers automated.c needs exactly: an empty Auto-Submitted apart from a
 * missing one, X-Autoreply and X-Autorespond each on its own, a Return-Path
 * of an earlier hop, List-Unsubscribe behind a blank List-Id.
 */
START_TEST(automated_markers)
{
	static const char raw[] =
	    "Return-Path: <>\r\n"
	    "From: alice@example.org\r\n"
	    "Subject: away\r\n"
	    "Auto-Submitted:\r\n"
	    "X-Autoreply: no\r\n"
	    "X-Autorespond: yes\r\n"
	    "List-Id: \r\n"
	    "List-Unsubscribe: <mailto:u@lists.example>\r\n"
	    "\r\nAway.\r\n";
	struct md_mime m;

	parse_mem(raw, sizeof raw - 1, 0, 0, &m);
	ck_assert_int_eq(m.has_auto_submitted, 1);
	ck_assert_str_eq(m.auto_submitted, "");
	ck_assert_str_eq(m.x_autoreply, "no");
	ck_assert_str_eq(m.x_autorespond, "yes");
	ck_assert_str_eq(m.return_path, "<>");
	ck_assert_str_eq(m.list_id, "<mailto:u@lists.example>");
	md_mime_free(&m);
}
END_TEST

START_TEST(two_from_mailboxes)
{
	struct md_mime m;

	parse_file("two_from.eml", 0, 0, &m);
	ck_assert_int_eq(m.from_count, 2);
	ck_assert_str_eq(m.from, "first@example.com");
	ck_assert_str_eq(m.from_name, "");
	md_mime_free(&m);
}
END_TEST

START_TEST(empty_and_headers_only)
{
	struct md_mime m;

	parse_file("empty.eml", 0, 0, &m);
	ck_assert_int_eq(m.parse_error, 1);
	ck_assert_str_eq(m.text, "");
	ck_assert_str_eq(m.subject, "");
	md_mime_free(&m);
	parse_mem(NULL, 0, 0, 0, &m);
	ck_assert_int_eq(m.parse_error, 1);
	md_mime_free(&m);

	parse_file("headers_only.eml", 0, 0, &m);
	ck_assert_str_eq(m.subject, "Only headers");
	ck_assert_str_eq(m.text, "");
	ck_assert_int_eq(m.parse_error, 0);
	md_mime_free(&m);
}
END_TEST

START_TEST(lf_only_and_lone_cr)
{
	static const char raw[] = "From: a@example.com\nSubject: lf\n\n"
	    "one\r\ntwo\rthree\n";
	struct md_mime m;

	parse_mem(raw, sizeof raw - 1, 0, 0, &m);
	ck_assert_str_eq(m.subject, "lf");
	ck_assert_str_eq(m.text, "one\ntwo\nthree\n");
	md_mime_free(&m);
}
END_TEST

START_TEST(empty_plain_uses_html)
{
	static const char raw[] = "From: a@example.com\r\nSubject: e\r\n"
	    "Content-Type: multipart/alternative; boundary=\"q\"\r\n\r\n"
	    "--q\r\nContent-Type: text/plain\r\n\r\n \r\n\r\n"
	    "--q\r\nContent-Type: text/html\r\n\r\n<p>Real&nbsp;text</p>\r\n"
	    "--q--\r\n";
	struct md_mime m;

	parse_mem(raw, sizeof raw - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "Real text");
	ck_assert_int_eq(m.html_only, 1);
	ck_assert_int_eq(m.parse_error, 0);
	md_mime_free(&m);
}
END_TEST

/* RFC 2045: "Content-Type: text" with no subtype is text/plain. */
START_TEST(text_without_subtype)
{
	static const char raw[] = "From: a@example.com\nSubject: t\n"
	    "MIME-Version: 1.0\nContent-Type: text; charset=iso-8859-1\n"
	    "Content-Transfer-Encoding: 8bit\n\nCaf\xe9 ok\n";
	static const char mp[] = "From: a@example.com\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
	    "--b\nContent-Type: TEXT\n\nin a part\n--b--\n";
	struct md_mime m;

	parse_mem(raw, sizeof raw - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "Café ok\n");
	ck_assert_uint_eq(m.nattachments, 0);
	md_mime_free(&m);
	parse_mem(mp, sizeof mp - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "in a part");
	ck_assert_uint_eq(m.nattachments, 0);
	md_mime_free(&m);
}
END_TEST

/* A lone text/plain with name= and no Content-Disposition is the body. */
START_TEST(single_named_plain_is_body)
{
	static const char raw[] = "From: a@example.com\nSubject: n\n"
	    "MIME-Version: 1.0\nContent-Type: text/plain; name=\"mail.txt\"\n\n"
	    "What I wrote.\n";
	static const char att[] = "From: a@example.com\nSubject: n\n"
	    "MIME-Version: 1.0\nContent-Type: text/plain; name=\"mail.txt\"\n"
	    "Content-Disposition: attachment\n\nA file.\n";
	static const char mp[] = "From: a@example.com\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
	    "--b\nContent-Type: text/plain\n\nbody\n"
	    "--b\nContent-Type: text/plain; name=\"notes.txt\"\n\nnotes\n--b--\n";
	struct md_mime m;

	parse_mem(raw, sizeof raw - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "What I wrote.\n");
	ck_assert_uint_eq(m.nattachments, 0);
	md_mime_free(&m);
	parse_mem(att, sizeof att - 1, 0, 0, &m);	/* said so: a file */
	ck_assert_str_eq(m.text, "");
	ck_assert_uint_eq(m.nattachments, 1);
	md_mime_free(&m);
	parse_mem(mp, sizeof mp - 1, 0, 0, &m);	/* beside a body: a file */
	ck_assert_str_eq(m.text, "body");
	ck_assert_uint_eq(m.nattachments, 1);
	ck_assert_str_eq(m.attachments[0].filename, "notes.txt");
	md_mime_free(&m);
}
END_TEST

/* Headers not followed by an empty line: the text below is still the body. */
START_TEST(headers_without_blank_line)
{
	static const char part[] = "From: a@example.com\r\nSubject: h\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: multipart/alternative;\r\n"
	    " boundary=\"alt-1\"\r\n\r\n"
	    "--alt-1\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Hello part body\r\nsecond line\r\n"
	    "--alt-1\r\nContent-Type: text/html\r\n<p>Hello <b>html</b></p>\r\n"
	    "--alt-1--\r\n";
	static const char top[] = "From: a@example.com\nSubject: h\n"
	    "Just text under the headers.\nNote: this line stays too.\n";
	static const char mbox[] = "From a@example.com Mon Nov 23 16:15:00 2026\n"
	    "From: a@example.com\nSubject: m\n\nbody\n";
	struct md_mime m;

	parse_mem(part, sizeof part - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "Hello part body\nsecond line");
	ck_assert_str_eq(m.html, "<p>Hello <b>html</b></p>");
	ck_assert_uint_eq(m.html_len, strlen(m.html));
	ck_assert_int_eq(m.parse_error, 0);
	md_mime_free(&m);
	parse_mem(top, sizeof top - 1, 0, 0, &m);
	ck_assert_str_eq(m.subject, "h");
	ck_assert_str_eq(m.text, "Just text under the headers.\nNote: this line stays too.\n");
	md_mime_free(&m);
	parse_mem(mbox, sizeof mbox - 1, 0, 0, &m);
	ck_assert_str_eq(m.subject, "m");
	ck_assert_str_eq(m.text, "body\n");
	md_mime_free(&m);
}
END_TEST

/*
 * A part with headers and no body runs straight into the next delimiter:
 * that delimiter still opens the next part, whose own missing blank line
 * is repaired too (its text was lost).
 */
START_TEST(empty_part_before_headers_without_blank_line)
{
	static const char lf[] = "From: a@example.com\nSubject: e\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
	    "--b\nContent-Type: text/plain\n"
	    "--b\nContent-Type: text/plain\nHello there\n--b--\n";
	static const char crlf[] = "From: a@example.com\r\nSubject: e\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n"
	    "--b\r\nContent-Type: application/pdf; name=a.pdf\r\n"
	    "--b\r\nContent-Type: text/plain\r\nSecond\r\n--b--\r\n";
	struct md_mime m;

	parse_mem(lf, sizeof lf - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "Hello there");
	ck_assert_int_eq(m.parse_error, 0);
	md_mime_free(&m);
	parse_mem(crlf, sizeof crlf - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "Second");
	ck_assert_uint_eq(m.nattachments, 1);
	ck_assert_str_eq(m.attachments[0].filename, "a.pdf");
	ck_assert_uint_eq(m.attachments[0].size, 0);
	md_mime_free(&m);
}
END_TEST

/* The raw HTML part is kept for md_reply_visible, which prefers it. */
START_TEST(html_part_and_visible_reply)
{
	static const char raw[] = "From: a@example.com\nSubject: Re: x\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/alternative; boundary=\"q\"\n\n"
	    "--q\nContent-Type: text/plain; charset=utf-8\n\n"
	    "Thanks!\n\nOn Mon, Nov 23, 2026 at 4:15 PM Acme <s@desk.example> wrote:\n"
	    "> old\n"
	    "--q\nContent-Type: text/html; charset=utf-8\n\n"
	    "<div>Thanks!</div><div class=\"gmail_quote\"><div class=\"gmail_attr\">"
	    "On Mon, Nov 23, 2026 at 4:15 PM Acme &lt;s@desk.example&gt; wrote:</div>"
	    "<blockquote class=\"gmail_quote\">old</blockquote></div>\n"
	    "--q--\n";
	static const char plain[] = "From: a@example.com\nSubject: Re: x\n\n"
	    "Fine.\n\nAm 23.11.2026 um 16:15 schrieb Acme:\n> alt\n";
	static const char quoted[] = "From: a@example.com\nSubject: Re: x\n\n"
	    "> only\n> history\n";
	struct md_mime m;
	char *v;

	parse_mem(raw, sizeof raw - 1, 0, 0, &m);
	assert_has(m.html, "<blockquote class=\"gmail_quote\">old</blockquote>");
	ck_assert_uint_eq(m.html_len, strlen(m.html));
	ck_assert_int_eq(m.html_only, 0);
	v = md_reply_visible(&m);
	ck_assert_str_eq(v, "Thanks!");
	free(v);
	md_mime_free(&m);
	parse_mem(plain, sizeof plain - 1, 0, 0, &m);
	ck_assert_str_eq(m.html, "");
	ck_assert_uint_eq(m.html_len, 0);
	v = md_reply_visible(&m);
	ck_assert_str_eq(v, "Fine.");
	free(v);
	md_mime_free(&m);
	parse_mem(quoted, sizeof quoted - 1, 0, 0, &m);
	v = md_reply_visible(&m);
	ck_assert_str_eq(v, "");	/* only quotation: nothing to show */
	free(v);
	md_mime_free(&m);
}
END_TEST

/* depth levels of multipart/mixed, text/plain "deep text" at the bottom. */

static Suite *
mime_suite(void)
{
	Suite *s = suite_create("mime");
	TCase *tc = tcase_create("mime");

	tcase_add_unchecked_fixture(tc, setup, md_mime_shutdown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, plain_utf8);
	tcase_add_test(tc, latin1_quoted_printable);
	tcase_add_test(tc, cp1252_declared_latin1);
	tcase_add_test(tc, unknown_charset);
	tcase_add_test(tc, html_only);
	tcase_add_test(tc, alternative_and_threading);
	tcase_add_test(tc, mixed_attachments);
	tcase_add_test(tc, broken_boundaries);
	tcase_add_test(tc, missing_headers);
	tcase_add_test(tc, binary_junk);
	tcase_add_test(tc, dsn_report);
	tcase_add_test(tc, autoreply_signals);
	tcase_add_test(tc, automated_markers);
	tcase_add_test(tc, two_from_mailboxes);
	tcase_add_test(tc, empty_and_headers_only);
	tcase_add_test(tc, lf_only_and_lone_cr);
	tcase_add_test(tc, empty_plain_uses_html);
	tcase_add_test(tc, text_without_subtype);
	tcase_add_test(tc, single_named_plain_is_body);
	tcase_add_test(tc, headers_without_blank_line);
	tcase_add_test(tc, empty_part_before_headers_without_blank_line);
	tcase_add_test(tc, html_part_and_visible_reply);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(mime_suite)
