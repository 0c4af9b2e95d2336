/*
 * test_mime_hostile.c - md_mime_parse on generated hostile input: deep
 * nesting, huge headers and texts, long charset names on a small stack,
 * broken UTF-8, random garbage, and parses on many threads at once.
 */
#include "config.h"

#include <pthread.h>

#include "buf.h"
#include "mime_fixture.h"
#include "utf8.h"

static void
nested(md_buf *b, int depth, int rfc822)
{
	int i;

	ck_assert_int_eq(md_buf_puts(b, "From: n@example.com\r\n"
	    "Subject: nested\r\nMIME-Version: 1.0\r\n"), 0);
	for (i = 0; i < depth; i++)
		ck_assert_int_eq(rfc822 ? md_buf_puts(b, "Content-Type: "
		    "message/rfc822\r\n\r\nSubject: inner\r\n") :
		    md_buf_printf(b, "Content-Type: multipart/mixed; "
		    "boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i), 0);
	ck_assert_int_eq(md_buf_puts(b, "Content-Type: text/plain\r\n\r\n"
	    "deep text\r\n"), 0);
	for (i = depth - 1; !rfc822 && i >= 0; i--)
		ck_assert_int_eq(md_buf_printf(b, "--b%d--\r\n", i), 0);
}

START_TEST(deep_nesting)
{
	static const struct { int depth, rfc822, text, error; } cases[] = {
		{ 20, 0, 1, 0 }, { 200, 0, 0, 1 }, { 500, 0, 0, 1 },
		{ 5000, 0, 0, 1 }, { 5000, 1, 0, 0 }
	};
	struct md_mime m;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		md_buf b = MD_BUF_INIT;

		nested(&b, cases[i].depth, cases[i].rfc822);
		parse_mem(b.data, b.len, 1, 1 << 20, &m);
		ck_assert_str_eq(m.subject, "nested");
		ck_assert_int_eq(strcmp(m.text, "deep text") == 0, cases[i].text);
		ck_assert_int_eq(m.parse_error, cases[i].error);
		ck_assert_uint_eq(m.nattachments, cases[i].rfc822);
		md_mime_free(&m);
		md_buf_free(&b);
	}
}
END_TEST

START_TEST(huge_headers)
{
	md_buf b = MD_BUF_INIT;
	struct md_mime m;
	size_t i;

	/* 1 MB Subject, 1 MB of References, a 1 MB charset name */
	md_buf_puts(&b, "From: big@example.com\r\nSubject: ");
	for (i = 0; i < 1024 * 1024; i++)
		md_buf_putc(&b, i % 64 == 63 ? ' ' : 'a');
	md_buf_puts(&b, "\r\nReferences:");
	for (i = 0; b.len < 2200 * 1024; i++)
		md_buf_printf(&b, " <ref-%zu@example.com>\r\n", i);
	md_buf_puts(&b, "X-Long: =?");
	for (i = 0; i < 1024 * 1024; i++)
		md_buf_putc(&b, 'x');
	md_buf_puts(&b, "?Q?abc?=\r\nContent-Type: text/plain; charset=\"");
	for (i = 0; i < 1024 * 1024; i++)
		md_buf_putc(&b, 'y');
	md_buf_puts(&b, "\"\r\n\r\nbody\r\n");
	parse_mem(b.data, b.len, 0, 0, &m);
	ck_assert_uint_gt(strlen(m.subject), MD_MIME_MAX_HEADER - 8);
	ck_assert_uint_le(strlen(m.subject), MD_MIME_MAX_HEADER);
	ck_assert_int_eq(strncmp(m.references, "ref-0@example.com ref-1@", 24), 0);
	ck_assert_int_eq(m.references[strlen(m.references) - 1], 'm');	/* whole ids */
	ck_assert_str_eq(m.text, "body\n");
	md_mime_free(&m);
	md_buf_free(&b);
}
END_TEST

/*
 * GMime copies charset names onto the stack (alloca); a megabyte-long one
 * must not overflow a small thread stack.  Shapes: RFC 2047 word in a
 * header, with spaces, in an address, RFC 2231 value, quoted RFC 2231,
 * both inside a part and inside an attached message.
 */
static const char *const long_charset_shapes[] = {
	"Subject: =?%s?Q?abc?=\r\n\r\nbody\r\n",
	"Subject: =?%s %s?Q?abc?=\r\n\r\nbody\r\n",
	"From: =?%s?B?YWJj?= <a@b.example>\r\n\r\nbody\r\n",
	"Content-Disposition: attachment; filename*=%s''abc\r\n\r\nbody\r\n",
	"Content-Disposition: attachment; filename*0*=\"%s %s''a\"\r\n\r\nb\r\n",
	/* GMime's grammar is looser than RFC 2231: blanks and comments around
	 * the '*', unquoted values up to the next ';', escaped quotes */
	"Content-Disposition: attachment; filename *=%s''abc\r\n\r\nbody\r\n",
	"Content-Disposition: attachment; filename* =%s''abc\r\n\r\nbody\r\n",
	"Content-Disposition: attachment; filename*(c)=%s''abc\r\n\r\nbody\r\n",
	"Content-Disposition: attachment; filename*=A %s''abc\r\n\r\nbody\r\n",
	"Content-Disposition: attachment; filename*=\"A\\\"%s''abc\"\r\n\r\nbody\r\n",
	"Content-Disposition: attachment; filename*=\r\n %s''abc\r\n\r\nbody\r\n",
	"Content-Type: text/plain; name*0 * = %s''abc\r\n\r\nbody\r\n",
	"Content-Disposition: attachment; filename*(%s)=%s''abc\r\n\r\nbody\r\n",
	"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
	    "Content-Type: text/plain; name*=%s''abc\r\n\r\nx\r\n--b\r\n"
	    "Content-Type: message/rfc822\r\n\r\nSubject: =?%s?Q?x?=\r\n\r\n"
	    "inner\r\n--b--\r\n"
};
static md_buf shape_msg;

/* tmpl with every "%s" replaced by tok (templates are not formats). */
static void
expand(md_buf *b, const char *tmpl, const char *tok)
{
	const char *p;

	while ((p = strstr(tmpl, "%s")) != NULL) {
		ck_assert_int_eq(md_buf_append(b, tmpl, (size_t)(p - tmpl)), 0);
		ck_assert_int_eq(md_buf_puts(b, tok), 0);
		tmpl = p + 2;
	}
	ck_assert_int_eq(md_buf_puts(b, tmpl), 0);
}

static void *
parse_shape(void *arg)
{
	struct md_mime m;

	(void)arg;
	if (md_mime_parse(shape_msg.data, shape_msg.len, 1, 100, &m) != 0)
		return (void *)1;
	md_mime_free(&m);
	return NULL;
}

START_TEST(long_charsets_small_stack)
{
	char *tok = malloc(1024 * 1024 + 1);
	pthread_attr_t attr;
	pthread_t th;
	void *rv;
	size_t i;

	for (i = 0; i < 1024 * 1024; i++)
		tok[i] = (char)('a' + i % 26);
	tok[i] = '\0';
	ck_assert_int_eq(pthread_attr_init(&attr), 0);
	ck_assert_int_eq(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
	for (i = 0; i < sizeof long_charset_shapes / sizeof long_charset_shapes[0];
	    i++) {
		md_buf_init(&shape_msg);
		expand(&shape_msg, long_charset_shapes[i], tok);
		ck_assert_int_eq(pthread_create(&th, &attr, parse_shape, NULL), 0);
		ck_assert_int_eq(pthread_join(th, &rv), 0);
		ck_assert_ptr_null(rv);
		md_buf_free(&shape_msg);
	}
	pthread_attr_destroy(&attr);
	free(tok);
}
END_TEST

/*
 * The long-charset guard only touches fields GMime reads parameters of: a
 * '*' before '=' in body text stays ("**=> Note" came out "*X=> Note"),
 * while the same shape in a part's Content-Disposition is still broken up.
 */
START_TEST(star_in_text_is_text)
{
	static const char raw[] = "From: a@example.org\nSubject: s\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: text/plain\n\n"
	    "**=> Note that the service is down on Sunday between two and four\n"
	    "x *= factor_applied_to_every_line_item_before_the_discount_total\n"
	    "--b\nContent-Type: application/pdf\n"
	    "Content-Disposition: attachment; filename*=aaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa''x.pdf\n\n"
	    "%PDF\n--b--\n";
	struct md_mime m;

	parse_mem(raw, sizeof raw - 1, 0, 0, &m);
	ck_assert_str_eq(m.text, "**=> Note that the service is down on Sunday "
	    "between two and four\nx *= factor_applied_to_every_line_item_before"
	    "_the_discount_total");
	ck_assert_uint_eq(m.nattachments, 1);
	assert_lacks(m.attachments[0].filename, "x.pdf");
	md_mime_free(&m);
}
END_TEST

/*
 * A Cc list longer than the header cap ends with a whole address, not a
 * cut one ("u0761-xx" is nobody's); group members are recipients too.
 */
START_TEST(cc_list_whole_addresses)
{
	static const char group[] = "From: a@example.org\nSubject: g\n"
	    "Cc: Team: a@example.org, B <b@example.org>;, c@example.org\n\nx\n";
	md_buf b = MD_BUF_INIT;
	struct md_mime m;
	const char *p;
	size_t i;

	md_buf_puts(&b, "From: a@example.org\nSubject: long\nCc: ");
	for (i = 0; i < 900; i++)
		md_buf_printf(&b, "%su%04zu-%066d@example.com", i ? ", " : "", i, 0);
	md_buf_puts(&b, "\n\nbody\n");
	parse_mem(b.data, b.len, 0, 0, &m);
	ck_assert_uint_gt(strlen(m.cc), MD_MIME_MAX_HEADER - 100);
	for (p = m.cc; (p = strstr(p, ", ")) != NULL; p += 2)
		ck_assert_int_eq(strncmp(p - 12, "@example.com", 12), 0);
	ck_assert_str_eq(m.cc + strlen(m.cc) - 12, "@example.com");
	md_mime_free(&m);
	md_buf_free(&b);

	parse_mem(group, sizeof group - 1, 0, 0, &m);
	ck_assert_str_eq(m.cc, "a@example.org, b@example.org, c@example.org");
	md_mime_free(&m);
}
END_TEST

/*
 * Encoded words that never close: GMime looks for each one's "?=" to the
 * end of the field, quadratic (1 MB of them took half a minute).  2 MB
 * each in Subject and From, folded and not, must parse in linear time
 * (the test's timeout is the check).  Also B words whose padding is
 * missing or in the middle, the repairs mime_input.c makes for each.
 */
START_TEST(unclosed_encoded_words)
{
	md_buf b = MD_BUF_INIT;
	struct md_mime m;
	size_t i;

	md_buf_puts(&b, "From: ");
	for (i = 0; b.len < 2 * 1024 * 1024; i++)
		md_buf_puts(&b, i % 8 == 7 ? "=?a?B?AAAA\r\n " : "=?utf-8?B?w6k");
	md_buf_puts(&b, " <a@example.org>\r\nSubject: ");
	for (i = 0; b.len < 4 * 1024 * 1024; i++)
		md_buf_puts(&b, "=?a?B?AAAA ");
	md_buf_puts(&b, "\r\nCc: ");
	for (i = 0; b.len < 5 * 1024 * 1024; i++)
		md_buf_puts(&b, "=?utf-8?B?ww==?==?utf-8?B?w6k?=");
	md_buf_puts(&b, " <c@example.org>\r\n\r\nbody\r\n");
	parse_mem(b.data, b.len, 0, 0, &m);
	ck_assert_uint_le(strlen(m.subject), MD_MIME_MAX_HEADER);
	ck_assert_str_eq(m.text, "body\n");
	md_mime_free(&m);
	md_buf_free(&b);
}
END_TEST

START_TEST(huge_text_is_capped)
{
	md_buf b = MD_BUF_INIT;
	struct md_mime m;
	size_t i;

	md_buf_puts(&b, "Subject: long\r\nContent-Type: text/plain; "
	    "charset=utf-8\r\n\r\n");
	for (i = 0; i < 300000; i++)
		md_buf_puts(&b, "\xc3\xa4\xc3\xb6\r\n");	/* "äö" */
	parse_mem(b.data, b.len, 0, 0, &m);
	ck_assert_uint_le(strlen(m.text), MD_MIME_MAX_TEXT);
	ck_assert_uint_gt(strlen(m.text), MD_MIME_MAX_TEXT - 8);
	md_mime_free(&m);
	md_buf_free(&b);

	/* "\r\r\n" is one line break: the text still fills its cap */
	md_buf_puts(&b, "Subject: blank\r\n\r\n");
	for (i = 0; i < MD_MIME_MAX_TEXT + 10; i++)
		md_buf_puts(&b, "\r\r\n");
	parse_mem(b.data, b.len, 0, 0, &m);
	ck_assert_uint_eq(strlen(m.text), MD_MIME_MAX_TEXT);
	md_mime_free(&m);
	md_buf_free(&b);
}
END_TEST

/* Cutting text for a byte budget never splits a character. */
START_TEST(utf8_prefix)
{
	const char *s = "ab\xc3\xa9\xe2\x82\xac";	/* "ab", e-acute, euro */

	ck_assert_uint_eq(md_utf8_prefix(s, 7, 10), 7);
	ck_assert_uint_eq(md_utf8_prefix(s, 7, 3), 2);	/* not inside the e-acute */
	ck_assert_uint_eq(md_utf8_prefix(s, 7, 4), 4);
	ck_assert_uint_eq(md_utf8_prefix(s, 7, 6), 4);	/* not inside the euro */
	ck_assert_uint_eq(md_utf8_prefix("\x80\x80\x80", 3, 2), 2);	/* not UTF-8 */
}
END_TEST

START_TEST(utf8_sanitize)
{
	static const struct { const char *in; size_t len; const char *out; } t[] = {
		{ "plain", 5, "plain" },
		{ "a\0b", 3, "ab" },
		{ "\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd" },		/* overlong */
		{ "\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80" },
		{ "\xf4\x90\x80\x80", 4,
		    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "ok\xe2\x82", 4, "ok\xef\xbf\xbd\xef\xbf\xbd" },	/* cut short */
		{ "", 0, "" }
	};
	size_t i;
	char *s;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		s = md_utf8_sanitize(t[i].in, t[i].len);
		ck_assert_str_eq(s, t[i].out);
		free(s);
	}
	ck_assert_int_eq(md_utf8_valid("a\0\xc3\xa4", 4), 1);
	ck_assert_int_eq(md_utf8_valid("\xc3", 1), 0);
	s = md_cp1252_to_utf8("\x80\x81\xe9\0!", 5);
	ck_assert_str_eq(s, "€\xef\xbf\xbd" "é!");
	free(s);
}
END_TEST

/* Random structure-shaped garbage: must never crash or leak bad UTF-8. */
START_TEST(garbage)
{
	static const char *const tok[] = {
		"Content-Type: multipart/mixed; boundary=x\r\n", "--x\r\n",
		"--x--\r\n", "\r\n", "Subject: =?utf-8?B?w6Q=?=\r\n",
		"Content-Type: text/html\r\n", "<p>&#x1F600;&amp", "\xff\xfe",
		"\0", "Content-Transfer-Encoding: base64\r\n", "AAAA====",
		"Content-Type: message/rfc822\r\n", "From: <a@b>, x\r\n",
		"Content-Disposition: attachment; filename*=utf-8''%2F%00\r\n",
		"=?x?Q?=FF?=", "<script>", "\r", "\n", ":"
	};
	unsigned seed = 12345;
	int round;

	for (round = 0; round < 1500; round++) {
		md_buf b = MD_BUF_INIT;
		struct md_mime m;
		int i, n = (int)(rand_r(&seed) % 60);

		for (i = 0; i < n; i++) {
			const char *t = tok[rand_r(&seed) % (sizeof tok / sizeof tok[0])];

			md_buf_append(&b, t, *t ? strlen(t) : 1);
		}
		parse_mem(b.data ? b.data : "", b.len, 1, 16, &m);
		md_mime_free(&m);
		md_buf_free(&b);
	}
}
END_TEST

/* Many threads parsing at once must see what one thread sees. */
static const char *const thread_files[] = {
	"plain_utf8.eml", "latin1_qp.eml", "html_only.eml", "mixed_pdf.eml",
	"unknown_charset.eml", "dsn.eml", "binary_junk.eml", "boundary_unused.eml"
};
#define NFILES (sizeof thread_files / sizeof thread_files[0])
static char *thread_raw[NFILES];
static size_t thread_len[NFILES];
static char *thread_text[NFILES];

static void *
thread_main(void *arg)
{
	size_t i, k = (size_t)arg;
	struct md_mime m;
	int bad = 0;

	for (i = 0; i < 200; i++) {
		size_t f = (i + k) % NFILES;

		if (md_mime_parse(thread_raw[f], thread_len[f], 1, 1 << 20, &m) != 0)
			return (void *)1;
		bad |= strcmp(m.text, thread_text[f]) != 0;
		md_mime_free(&m);
	}
	return (void *)(size_t)bad;
}

START_TEST(concurrent_parses)
{
	pthread_t th[8];
	struct md_mime m;
	void *rv;
	size_t i;

	for (i = 0; i < NFILES; i++) {
		thread_raw[i] = load(thread_files[i], &thread_len[i]);
		parse_mem(thread_raw[i], thread_len[i], 0, 0, &m);
		thread_text[i] = strdup(m.text);
		md_mime_free(&m);
	}
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, thread_main,
		    (void *)i), 0);
	for (i = 0; i < 8; i++) {
		ck_assert_int_eq(pthread_join(th[i], &rv), 0);
		ck_assert_ptr_null(rv);
	}
	for (i = 0; i < NFILES; i++) {
		free(thread_raw[i]);
		free(thread_text[i]);
	}
}
END_TEST

static Suite *
mime_hostile_suite(void)
{
	Suite *s = suite_create("mime_hostile");
	TCase *tc = tcase_create("mime_hostile");

	tcase_add_unchecked_fixture(tc, setup, md_mime_shutdown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, deep_nesting);
	tcase_add_test(tc, huge_headers);
	tcase_add_test(tc, long_charsets_small_stack);
	tcase_add_test(tc, star_in_text_is_text);
	tcase_add_test(tc, cc_list_whole_addresses);
	tcase_add_test(tc, huge_text_is_capped);
	tcase_add_test(tc, unclosed_encoded_words);
	tcase_add_test(tc, utf8_prefix);
	tcase_add_test(tc, utf8_sanitize);
	tcase_add_test(tc, garbage);
	tcase_add_test(tc, concurrent_parses);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(mime_hostile_suite)
