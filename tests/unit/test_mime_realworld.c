/*
 * test_mime_realworld.c - md_mime_parse on mail as real clients and
 * broken senders write it: RFC 2231 filenames, the structures of Outlook,
 * Gmail, Apple Mail, Thunderbird, S/MIME and PGP/MIME, reports, broken
 * encodings.  Fixtures: tests/fixtures/mime (the basics: test_mime.c;
 * charsets and RFC 2047: test_mime_charsets.c; hostile input:
 * test_mime_hostile.c).
 */
#include "config.h"

#include "mime_fixture.h"

#define att_named(m, name) find_attachment((m), NULL, (name))

/* ---- attachments ----------------------------------------------------- */

START_TEST(rfc2231_and_outlook_filenames)
{
	const struct md_attachment *a;
	struct md_mime m;

	parse_file("rfc2231_filenames.eml", 1, 1 << 20, &m);
	ck_assert_str_eq(m.text, "Siehe Anhänge.\n");
	ck_assert_uint_eq(m.nattachments, 5);
	/* filename*0*=UTF-8''..., *1*=, *2="..." */
	a = att_named(&m, "Übersicht der Gebühren 2026.pdf");
	ck_assert_str_eq(a->content_type, "application/pdf");
	ck_assert_uint_eq(a->size, 48);
	ck_assert_int_eq(memcmp(a->data, "%PDF-1.4\n", 9), 0);
	/* name= on the Content-Type only */
	a = att_named(&m, "Kosten_Q4.xlsx");
	ck_assert_str_eq(a->content_type, "application/vnd.openxmlformats-"
	    "officedocument.spreadsheetml.sheet");
	ck_assert_uint_eq(a->size, 44);
	/* an RFC 2047 word in quotes, as Gmail and Outlook write it */
	a = att_named(&m, "Straße.png");
	ck_assert_str_eq(a->content_type, "image/png");
	ck_assert_uint_eq(a->size, 70);
	/* filename*=iso-8859-1'de'... */
	a = att_named(&m, "Grüße.txt");
	ck_assert_str_eq(a->data, "Gruss");
	/* no name at all */
	a = att_named(&m, "");
	ck_assert_str_eq(a->content_type, "application/octet-stream");
	ck_assert_uint_eq(a->size, 5);
	md_mime_free(&m);
}
END_TEST

START_TEST(forward_and_winmail_dat)
{
	const struct md_attachment *a;
	struct md_mime m;

	parse_file("forward_tnef.eml", 1, 1 << 20, &m);
	ck_assert_str_eq(m.text, "See the customer's mail below.\n");
	ck_assert_uint_eq(m.nattachments, 2);
	ck_assert_str_eq(m.attachments[0].content_type, "message/rfc822");
	assert_has(m.attachments[0].data, "Where is my order?");
	assert_lacks(m.text, "Where is my order");
	a = att_named(&m, "winmail.dat");
	ck_assert_str_eq(a->content_type, "application/ms-tnef");
	ck_assert_uint_eq(a->size, 64);
	md_mime_free(&m);
}
END_TEST

/* Outlook's invite: text/calendar inline in multipart/alternative. */
START_TEST(calendar_invite)
{
	struct md_mime m;

	parse_file("calendar_invite.eml", 1, 1 << 20, &m);
	ck_assert_str_eq(m.text, "Let us meet on Thursday.\n");
	ck_assert_int_eq(m.html_only, 0);
	ck_assert_uint_eq(m.nattachments, 1);
	ck_assert_str_eq(m.attachments[0].content_type, "text/calendar");
	assert_has(m.attachments[0].data, "BEGIN:VCALENDAR");
	assert_lacks(m.text, "VCALENDAR");
	md_mime_free(&m);
}
END_TEST

/* ---- structures of real clients -------------------------------------- */

START_TEST(outlook_html_related)
{
	const struct md_attachment *a;
	struct md_mime m;

	parse_file("outlook_html_related.eml", 0, 0, &m);
	ck_assert_int_eq(m.html_only, 1);
	ck_assert_str_eq(m.from_name, "Smith, Jane");
	ck_assert_str_eq(m.from_addr, "Jane.Smith@example.com");
	ck_assert_str_eq(m.text, "Hello team,\n\nThe export fails with "
	    "“Error 0x80070005” – see below.\n\nKind regards");
	assert_lacks(m.text, "MsoNormal");
	assert_lacks(m.text, "shapedefaults");
	assert_lacks(m.text, "if gte");
	assert_has(m.html, "class=MsoNormal");
	a = att_named(&m, "image001.png");
	ck_assert_str_eq(a->content_type, "image/png");
	ck_assert_uint_eq(a->size, 70);
	md_mime_free(&m);
}
END_TEST

START_TEST(gmail_alternative)
{
	struct md_mime m;

	parse_file("gmail_alternative.eml", 0, 0, &m);
	ck_assert_str_eq(m.from_name, "Zoë Martin");
	ck_assert_str_eq(m.subject, "Re: [#31] Refund");
	/* QP: 4-byte emoji, U+202F, a soft break inside "wrote" */
	ck_assert_str_eq(m.text, "Thanks, that worked 👍\n\nOn Mon, Nov 30, 2026 "
	    "at 4:00\xe2\x80\xafPM Support <support@desk.example> wrote:\n\n"
	    "> Please try again.\n>\n");
	assert_has(m.html, "<div dir=\"ltr\">Thanks, that worked 👍</div>");
	ck_assert_int_eq(m.html_only, 0);
	md_mime_free(&m);
}
END_TEST

/* Text, inline image, more text: all of the text is the body. */
START_TEST(apple_mail_interleaved)
{
	const struct md_attachment *a;
	struct md_mime m;

	parse_file("apple_mail_interleaved.eml", 0, 0, &m);
	assert_has(m.text, "Hi,\n\nthis is what I see when I log in:\n");
	assert_has(m.text, "\nand after that the page stays blank.\n\nBen");
	ck_assert(strstr(m.text, "log in:") < strstr(m.text, "blank."));
	a = att_named(&m, "Screenshot 2026-12-01 at 10.45.12.png");
	ck_assert_str_eq(a->content_type, "image/png");
	ck_assert_uint_eq(m.nattachments, 1);
	md_mime_free(&m);
}
END_TEST

/* mutt: text files attached inline with a name are files, not body. */
START_TEST(named_inline_text_after_body)
{
	static const char raw[] = "From: a@example.org\nSubject: mutt\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"m\"\n"
	    "Content-Disposition: inline\n\n"
	    "--m\nContent-Type: text/plain; charset=us-ascii\n"
	    "Content-Disposition: inline\n\nSee the log.\n\n"
	    "--m\nContent-Type: text/plain; charset=us-ascii\n"
	    "Content-Disposition: inline; filename=\"error.log\"\n\n"
	    "ERROR 1\nERROR 2\n\n"
	    "--m\nContent-Type: text/html\n"
	    "Content-Disposition: inline; filename=\"page.html\"\n\n<p>x</p>\n"
	    "--m--\n";
	static const char first[] = "From: a@example.org\nSubject: n\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"m\"\n\n"
	    "--m\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Disposition: inline; filename=\"message.txt\"\n\nThe body.\n"
	    "--m\nContent-Type: image/jpeg; name=\"a.jpg\"\n\nJFIF\n--m--\n";
	struct md_mime m;

	parse_mem(raw, sizeof raw - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "See the log.\n");
	ck_assert_str_eq(m.html, "");
	ck_assert_uint_eq(m.nattachments, 2);
	ck_assert_uint_eq(att_named(&m, "error.log")->size, 16);
	ck_assert_str_eq(att_named(&m, "page.html")->content_type, "text/html");
	md_mime_free(&m);

	parse_mem(first, sizeof first - 1, 0, 0, &m);	/* the first is the body */
	ck_assert_str_eq(m.text, "The body.");
	ck_assert_uint_eq(m.nattachments, 1);
	md_mime_free(&m);
}
END_TEST

/* HTML-only from a webmailer: Gmail-style divs, Outlook-style lists. */
START_TEST(html_only_shapes)
{
	static const char raw[] = "From: a@example.org\nSubject: h\n"
	    "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
	    "<div dir=\"ltr\"><div>Hello,</div><div><br></div>"
	    "<div>the app crashes&nbsp;on start.</div><div><br></div>"
	    "<p class=MsoListParagraph><![if !supportLists]><span>1.<span "
	    "style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp; </span></span>"
	    "<![endif]>Open it<o:p></o:p></p>"
	    "<div>Thanks,<br>Ana</div></div>\n";

	static const char sloppy[] = "From: a@example.org\nSubject: h\n"
	    "Content-Type: text/html; charset=utf-8\n\n"
	    "<p>A&nbsp;B &copy 2026 Acme&nbsp<a href=\"https://x.example/"
	    "?a=1&not=2&amp;b=3\">link</a> AT&T &bogus</p>\n";
	struct md_mime m;

	parse_mem(raw, sizeof raw - 1, 0, 0, &m);
	ck_assert_int_eq(m.html_only, 1);
	ck_assert_str_eq(m.text, "Hello,\n\nthe app crashes on start.\n\n"
	    "1. Open it\n\nThanks,\nAna");
	md_mime_free(&m);

	/* references without their ';' */
	parse_mem(sloppy, sizeof sloppy - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "A B © 2026 Acme link "
	    "(https://x.example/?a=1&not=2&b=3) AT&T &bogus");
	md_mime_free(&m);
}
END_TEST

/*
 * RFC 2046: unknown text subtypes read as text/plain; a text file not
 * marked as an attachment is the text when there is no body at all.
 */
START_TEST(other_text_subtypes)
{
	static const char logs[] = "From: a@example.org\nSubject: l\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/plain\n\nThe log:\n"
	    "--b\nContent-Type: text/x-log; charset=utf-8\n\nERR 1\n"
	    "--b\nContent-Type: text/enriched\n\n<bold>no</bold>\n"
	    "--b\nContent-Type: text/csv; name=\"d.csv\"\n\na,b\n--b--\n";
	static const char only[] = "From: a@example.org\nSubject: o\n"
	    "MIME-Version: 1.0\nContent-Type: text/x-diff; charset=utf-8\n\n"
	    "--- a\n+++ b\n";
	static const char vm[] = "From: a@example.org\nSubject: vm\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/plain; name=\"msg.txt\"\n\nthe words\n"
	    "--b\nContent-Type: text/plain; name=\"more.txt\"\n\nmore\n--b--\n";
	static const char word[] = "From: a@example.org\nSubject: w\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/related; boundary=r\n\n"
	    "--r\nContent-Type: text/html; charset=utf-8\n\n"
	    "<html><body><p class=MsoNormal>Memo text</p></body></html>\n"
	    "--r\nContent-Type: text/xml; charset=utf-8\n"
	    "Content-ID: <filelist.xml@01DB0000.00000000>\n\n"
	    "<xml xmlns:o=\"urn:schemas-microsoft-com:office:office\">"
	    "<o:MainFile HRef=\"../memo.htm\"/></xml>\n"
	    "--r\nContent-Type: text/x-unknown\nContent-ID: <cs@x>\n\nscheme\n"
	    "--r--\n";
	struct md_mime m;

	parse_mem(logs, sizeof logs - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "The log:\nERR 1");
	ck_assert_uint_eq(m.nattachments, 1);
	ck_assert_str_eq(m.attachments[0].filename, "d.csv");
	md_mime_free(&m);

	parse_mem(only, sizeof only - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "--- a\n+++ b\n");
	ck_assert_uint_eq(m.nattachments, 0);
	md_mime_free(&m);

	parse_mem(vm, sizeof vm - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "the words");
	ck_assert_uint_eq(m.nattachments, 2);		/* still files too */
	md_mime_free(&m);

	/* Word's resources beside its HTML are not text */
	parse_mem(word, sizeof word - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "Memo text");
	ck_assert_int_eq(m.html_only, 1);
	md_mime_free(&m);
}
END_TEST

/* Apple Mail's rich text: the HTML is split around the image too. */
START_TEST(apple_mail_html_interleaved)
{
	struct md_mime m;

	parse_file("apple_mail_html_interleaved.eml", 0, 0, &m);
	ck_assert_str_eq(m.text, "Hi,\n\nsee:\n\n\n\nit stays blank.\n");
	assert_has(m.html, "<div>see:</div>");
	assert_has(m.html, "<div>it stays blank.</div>");
	ck_assert_uint_eq(m.html_len, strlen(m.html));
	ck_assert_uint_eq(m.nattachments, 1);
	ck_assert_str_eq(m.attachments[0].filename, "shot.png");
	md_mime_free(&m);
}
END_TEST

/* S/MIME: signed > mixed > alternative; the signature is a file. */
START_TEST(smime_nested)
{
	struct md_mime m;

	parse_file("smime_signed_nested.eml", 0, 0, &m);
	ck_assert_str_eq(m.text, "Please find the signed contract attached. "
	    "Grüße\n");
	assert_has(m.html, "<div dir=\"ltr\">");
	ck_assert_uint_eq(m.nattachments, 2);
	ck_assert_str_eq(att_named(&m, "contract.pdf")->content_type,
	    "application/pdf");
	ck_assert_uint_eq(att_named(&m, "contract.pdf")->size, 48);
	ck_assert_str_eq(att_named(&m, "smime.p7s")->content_type,
	    "application/pkcs7-signature");
	assert_lacks(m.text, "S/MIME signed message");	/* preamble */
	ck_assert_int_eq(m.parse_error, 0);
	md_mime_free(&m);
}
END_TEST

/* PGP/MIME around format=flowed: paragraphs joined, quotes kept. */
START_TEST(pgp_signed_flowed)
{
	struct md_mime m;

	parse_file("pgp_signed_flowed.eml", 0, 0, &m);
	ck_assert_str_eq(m.text, "Hello,\n\n"
	    "after upgrading to version 4.2 the synchronisation stops after a "
	    "few minutes and the log says that the token has expired, even "
	    "though I logged in just before.\n\n"
	    "> Did you try to sign out and in again? It usually helps when the "
	    "token is stale.\n\n"
	    "Yes, twice.\n\n"
	    "From the logs:\n"
	    "-- \nMax\n");
	ck_assert_str_eq(m.in_reply_to, "issue-9@desk.example");
	ck_assert_uint_eq(m.nattachments, 1);
	ck_assert_str_eq(m.attachments[0].filename, "OpenPGP_signature.asc");
	md_mime_free(&m);

	parse_file("flowed_delsp.eml", 0, 0, &m);	/* DelSp=yes */
	ck_assert_str_eq(m.text, "日本語の長い文章はここで折り返されますが、空白なしで続きます。\n");
	md_mime_free(&m);
}
END_TEST

START_TEST(flowed_edges)
{
	static const char raw[] = "From: a@example.org\nSubject: f\n"
	    "Content-Type: text/plain; format=Flowed\n\n"
	    "para one ends in a space \n\npara two \nwraps\n"
	    ">> deep \n>> quote\n> less \nback to text\n";
	static const char fixed[] = "From: a@example.org\nSubject: f\n"
	    "Content-Type: text/plain\n\nkept \nas is\n";

	assert_text(raw, "para one ends in a space \n\npara two wraps\n"
	    ">> deep quote\n> less \nback to text\n");
	assert_text(fixed, "kept \nas is\n");
}
END_TEST

/*
 * Newsletters: a hidden preheader, tracking pixels; what Outlook hides
 * (mso-hide) others show, while Outlook's own copy is in a comment.
 */
START_TEST(hidden_html_elements)
{
	static const char raw[] = "From: news@example.org\nSubject: n\n"
	    "Content-Type: text/html; charset=utf-8\n\n"
	    "<body><div style=\"display: none; max-height:0; overflow:hidden\">"
	    "Preview: 20% off &zwnj;&nbsp;&zwnj;&nbsp;<div>inner</div></div>"
	    "<p>Hello Jane,</p><img src=\"t.gif\" style=\"display:none\">"
	    "<span style=\"MSO-HIDE: all\">not for Outlook</span>"
	    "<!--[if mso]>for Outlook<![endif]-->"
	    "<p>Sale<div style=\"DISPLAY:NONE\">never closed<p>still shown</p>"
	    "</body>\n";

	assert_text(raw, "Hello Jane,\n\nnot for Outlook\n\nSale\nnever closed\n\n"
	    "still shown");
}
END_TEST

/* ---- automated mail -------------------------------------------------- */

START_TEST(reports_are_flagged)
{
	struct md_mime m;

	parse_file("mdn_read_receipt.eml", 0, 0, &m);
	ck_assert_int_eq(m.is_report, 1);
	ck_assert_str_eq(m.text, "Your message was read on Tuesday.\n");
	ck_assert_str_eq(m.attachments[0].content_type,
	    "message/disposition-notification");
	md_mime_free(&m);

	/* Exchange: the report inside a multipart/mixed, SMTPUTF8 kinds */
	parse_file("ndr_nested_report.eml", 0, 0, &m);
	ck_assert_int_eq(m.is_report, 1);
	ck_assert_str_eq(m.text, "Delivery has failed to these recipients.\n");
	ck_assert_uint_eq(m.nattachments, 2);
	md_mime_free(&m);
}
END_TEST

/* Outlook Express style: a file uuencoded into the text. */
START_TEST(uuencoded_file)
{
	const struct md_attachment *a;
	struct md_mime m;
	int i;

	parse_file("uuencoded_attachment.eml", 1, 1 << 20, &m);
	ck_assert_str_eq(m.text, "Hello,\n\nthe log is attached.\n\n\nRegards\n"
	    "begin this is just a sentence, not a file\n");
	ck_assert_uint_eq(m.nattachments, 1);
	a = att_named(&m, "trace.bin");
	ck_assert_str_eq(a->content_type, "application/octet-stream");
	ck_assert_uint_eq(a->size, 256 + 12);
	for (i = 0; i < 256; i++)
		ck_assert_int_eq((unsigned char)a->data[i], i);
	ck_assert_str_eq(a->data + 256, "end of file\n");
	md_mime_free(&m);
}
END_TEST

/* ---- broken bodies --------------------------------------------------- */

START_TEST(broken_encodings)
{
	const struct md_attachment *a;
	struct md_mime m;

	/* base64 with odd breaks, a blank, no padding (its last byte, the
	   "\n", kept); CTE in capitals; boundary-like lines; preamble,
	   epilogue; one bare LF */
	parse_file("broken_encodings.eml", 1, 1 << 20, &m);
	ck_assert_str_eq(m.text, "Die Zahlung wurde zweimal abgebucht. Bitte "
	    "erstatten Sie den Betrag über 49,90 €.\n");
	assert_lacks(m.text, "epilogue");
	assert_lacks(m.text, "multi-part");
	ck_assert_uint_eq(m.nattachments, 2);
	a = att_named(&m, "log.txt");		/* unknown CTE: as it came */
	assert_has(a->data, "--b1x is not a boundary line");
	assert_has(a->data, "line two");
	a = att_named(&m, "data.bin");		/* "8-bit" */
	ck_assert_str_eq(a->data, "AB");
	ck_assert_int_eq(m.parse_error, 0);
	md_mime_free(&m);
}
END_TEST

START_TEST(unknown_transfer_encoding_body)
{
	static const char b64[] = "From: a@example.org\nSubject: cte\n"
	    "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "SGVsbG8gd29ybGQu\r\nIFJlZ2FyZHM=\r\nCi0tIApGb290ZXIgYWRkZWQgYnkgdGhlIGxpc3Q=\r\n";
	static const char raw[] = "From: a@example.org\nSubject: cte\n"
	    "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: x-gzip64\n\nAs it came: =C3=A9\n";
	static const char qp[] = "From: a@example.org\nSubject: cte\n"
	    "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding:  Quoted-Printable \n\n"
	    "soft=\r\nbreak, lower =c3=a9, bad =zz, end=\n";
	static const char empty[] = "From: a@example.org\nSubject: e\n"
	    "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n";
	static const char qp_pad[] = "From: a@example.org\nSubject: cte\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n"
	    "Kunden= \r\nnummer und Rech=\t\nnung.\n";
	struct md_mime m;

	assert_text(raw, "As it came: =C3=A9\n");
	parse_mem(qp, sizeof qp - 1, 0, 0, &m);
	assert_has(m.text, "softbreak, lower é, bad =zz, end");
	md_mime_free(&m);
	/* padding mid-way: a footer encoded on its own was appended */
	assert_text(b64, "Hello world. Regards\n-- \nFooter added by the list");
	/* "=" and blanks before the line end: a soft break (RFC 2045 6.7) */
	assert_text(qp_pad, "Kundennummer und Rechnung.\n");
	assert_text(empty, "");		/* no bytes to decode (fuzz_mime) */
}
END_TEST

/* Windows tools: a byte order mark, "\r\r\n" line ends. */
START_TEST(bom_and_double_cr)
{
	static const char raw[] = "From: a@example.org\nSubject: b\n"
	    "Content-Type: text/plain; charset=utf-8\n\n"
	    "\xef\xbb\xbfone\r\r\ntwo\r\r\n\r\r\nthree\n";

	assert_text(raw, "one\ntwo\n\nthree\n");
}
END_TEST

/* A whole HTML document sent as text/plain (or with no Content-Type). */
START_TEST(html_document_as_plain)
{
	static const char raw[] = "From: shop@example.org\nSubject: Order\n\n"
	    "<!DOCTYPE html>\n<html><head><style>p{color:red}</style></head>"
	    "<body><p>Order <b>42</b> shipped.</p></body></html>\n";
	static const char code[] = "From: dev@example.org\nSubject: snippet\n\n"
	    "<html> is where the template starts, see line 3.\n";
	struct md_mime m;

	parse_mem(raw, sizeof raw - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "Order 42 shipped.");
	ck_assert_int_eq(m.html_only, 1);
	assert_has(m.html, "<p>Order <b>42</b> shipped.</p>");
	md_mime_free(&m);

	parse_mem(code, sizeof code - 1, 0, 0, &m);	/* not a document */
	ck_assert_str_eq(m.text, "<html> is where the template starts, see line 3.\n");
	ck_assert_int_eq(m.html_only, 0);
	md_mime_free(&m);
}
END_TEST

/* Nested alternative whose close never comes, LF and CRLF mixed. */
START_TEST(nested_missing_close)
{
	static const char raw[] = "From: a@example.org\r\nSubject: nc\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"out\"\r\n\r\n"
	    "--out\nContent-Type: multipart/alternative; boundary=\"in\"\n\n"
	    "--in\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	    "The plain text.\r\n"
	    "--in\nContent-Type: text/html; charset=utf-8\n\n"
	    "<p>The html</p>\n";
	struct md_mime m;

	parse_mem(raw, sizeof raw - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "The plain text.");
	ck_assert_int_eq(m.parse_error, 1);
	md_mime_free(&m);
}
END_TEST

/* NUL bytes and a 100 KB line: a whole, clean record. */
START_TEST(nul_and_long_lines)
{
	static const char head[] = "From: a@example.org\r\nSubject: big\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\n";
	size_t n = sizeof head - 1 + 100 * 1024 + 14, i;
	char *raw = malloc(n);
	struct md_mime m;

	ck_assert_ptr_nonnull(raw);
	memcpy(raw, head, sizeof head - 1);
	for (i = sizeof head - 1; i < n - 14; i++)
		raw[i] = (char)('a' + i % 26);
	memcpy(raw + n - 14, "\r\nnul\0here\0!\r\n", 14);
	parse_mem(raw, n, 0, 0, &m);
	ck_assert_str_eq(m.subject, "big");
	ck_assert_uint_eq(strlen(m.text), 100 * 1024 + 10);
	assert_has(m.text, "\nnulhere!\n");
	free(raw);
	md_mime_free(&m);
}
END_TEST

static Suite *
mime_realworld_suite(void)
{
	Suite *s = suite_create("mime_realworld");
	TCase *tc = tcase_create("mime_realworld");

	tcase_add_unchecked_fixture(tc, setup, md_mime_shutdown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, rfc2231_and_outlook_filenames);
	tcase_add_test(tc, forward_and_winmail_dat);
	tcase_add_test(tc, calendar_invite);
	tcase_add_test(tc, outlook_html_related);
	tcase_add_test(tc, gmail_alternative);
	tcase_add_test(tc, apple_mail_interleaved);
	tcase_add_test(tc, apple_mail_html_interleaved);
	tcase_add_test(tc, other_text_subtypes);
	tcase_add_test(tc, named_inline_text_after_body);
	tcase_add_test(tc, html_only_shapes);
	tcase_add_test(tc, smime_nested);
	tcase_add_test(tc, pgp_signed_flowed);
	tcase_add_test(tc, flowed_edges);
	tcase_add_test(tc, hidden_html_elements);
	tcase_add_test(tc, reports_are_flagged);
	tcase_add_test(tc, uuencoded_file);
	tcase_add_test(tc, broken_encodings);
	tcase_add_test(tc, unknown_transfer_encoding_body);
	tcase_add_test(tc, bom_and_double_cr);
	tcase_add_test(tc, html_document_as_plain);
	tcase_add_test(tc, nested_missing_close);
	tcase_add_test(tc, nul_and_long_lines);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(mime_realworld_suite)
