/*
 * test_mime_attachments.c - what a message's files are listed as: an
 * attached message (message/rfc822, a forward) without a filename under its
 * Subject + ".eml", made a safe file name ("forwarded-message.eml" when it
 * has none); files in broken base64 decoded as well as they can be; a
 * uuencoded file typed by its name.
 */
#include "config.h"

#include "buf.h"
#include "mime_fixture.h"

static void
assert_forward_name(const char *headers, const char *want)
{
	md_buf b = MD_BUF_INIT;
	struct md_mime m;

	md_buf_printf(&b, "From: a@example.com\r\nSubject: fw\r\n"
	    "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
	    "Content-Type: text/plain\r\n\r\nsee below\r\n--b\r\n"
	    "Content-Type: message/rfc822\r\n\r\n"
	    "From: c@example.org\r\n%s\r\ninner\r\n--b--\r\n", headers);
	parse_mem(b.data, b.len, 1, 1 << 20, &m);
	ck_assert_uint_eq(m.nattachments, 1);
	ck_assert_str_eq(m.attachments[0].content_type, "message/rfc822");
	ck_assert_str_eq(m.attachments[0].filename, want);
	ck_assert_uint_le(strlen(m.attachments[0].filename), 104);
	assert_has(m.attachments[0].data, "inner");
	md_mime_free(&m);
	md_buf_free(&b);
}

START_TEST(forwarded_message_names)
{
	char longsub[200], want[120];

	assert_forward_name("Subject: Order 77 missing\r\n", "Order 77 missing.eml");
	assert_forward_name("", "forwarded-message.eml");
	assert_forward_name("Subject:   \r\n", "forwarded-message.eml");
	assert_forward_name("Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=\r\n",
	    "Grüße aus Köln.eml");
	assert_forward_name("Subject: ../../etc/passwd\x01\r\n",
	    "etcpasswd.eml");
	assert_forward_name("Subject: ..\r\n", "forwarded-message.eml");
	assert_forward_name("Subject: Re: a\\b/c. \r\n", "Re: abc.eml");
	/* a long one: cut at a character boundary, .eml kept */
	memset(longsub, 0, sizeof longsub);
	strcpy(longsub, "Subject: ");
	memset(longsub + 9, 'x', 99);
	strcat(longsub, "ääää\r\n");
	memset(want, 0, sizeof want);
	memset(want, 'x', 99);			/* 'ä' would make 101 bytes */
	strcat(want, ".eml");
	assert_forward_name(longsub, want);
}
END_TEST

/* A name the sender gave stays. */
START_TEST(forwarded_message_named)
{
	md_buf b = MD_BUF_INIT;
	struct md_mime m;

	md_buf_puts(&b, "From: a@example.com\r\n"
	    "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
	    "Content-Type: text/plain\r\n\r\nsee below\r\n--b\r\n"
	    "Content-Type: message/rfc822; name=\"original.eml\"\r\n\r\n"
	    "Subject: ignored\r\n\r\ninner\r\n--b--\r\n");
	parse_mem(b.data, b.len, 0, 0, &m);
	ck_assert_str_eq(m.attachments[0].filename, "original.eml");
	md_mime_free(&m);
	md_buf_free(&b);
}
END_TEST

/*
 * Files use the lenient base64 decoder too (mime_decode.c): a file encoded
 * in padded chunks, or without its final padding, comes out whole, where
 * GMime's decoder stopped at the first '=' ("Hello") or dropped the last
 * bytes ("Hel").
 */
START_TEST(broken_base64_files)
{
	static const char raw[] = "From: a@example.org\nSubject: f\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/plain\n\nsee files\n"
	    "--b\nContent-Type: application/octet-stream; name=a.bin\n"
	    "Content-Transfer-Encoding: base64\n\nSGVsbG8=\nIHdvcmxkIQ==\n"
	    "--b\nContent-Type: application/octet-stream; name=b.bin\n"
	    "Content-Transfer-Encoding: base64\n\nSGVsbG8\n--b--\n";
	struct md_mime m;

	parse_mem(raw, sizeof raw - 1, 1, 1024, &m);
	ck_assert_uint_eq(m.nattachments, 2);
	ck_assert_uint_eq(m.attachments[0].size, 12);
	ck_assert_str_eq(m.attachments[0].data, "Hello world!");
	ck_assert_uint_eq(m.attachments[1].size, 5);
	ck_assert_str_eq(m.attachments[1].data, "Hello");
	md_mime_free(&m);
	/* the size without the data is the same */
	parse_mem(raw, sizeof raw - 1, 0, 0, &m);
	ck_assert_uint_eq(m.attachments[0].size, 12);
	ck_assert_uint_eq(m.attachments[1].size, 5);
	md_mime_free(&m);
}
END_TEST

/* A uuencoded file is typed by its name's extension, like TNEF's. */
START_TEST(uuencoded_file_typed_by_name)
{
	static const char raw[] = "From: a@example.org\nSubject: f\n\n"
	    "the report:\n\nbegin 644 Report.PDF\n-)5!$1BTQ+C0@=&EN>0``\n`\nend\n";
	struct md_mime m;

	parse_mem(raw, sizeof raw - 1, 1, 1024, &m);
	ck_assert_uint_eq(m.nattachments, 1);
	ck_assert_str_eq(m.attachments[0].filename, "Report.PDF");
	ck_assert_str_eq(m.attachments[0].content_type, "application/pdf");
	ck_assert_str_eq(m.attachments[0].data, "%PDF-1.4 tiny");
	md_mime_free(&m);
}
END_TEST

static Suite *
attachments_suite(void)
{
	Suite *s = suite_create("mime_attachments");
	TCase *tc = tcase_create("mime_attachments");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_add_test(tc, forwarded_message_names);
	tcase_add_test(tc, forwarded_message_named);
	tcase_add_test(tc, broken_base64_files);
	tcase_add_test(tc, uuencoded_file_typed_by_name);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(attachments_suite)
