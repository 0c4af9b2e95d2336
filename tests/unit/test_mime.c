/*
 * test_mime.c - md_mime_parse on the fixtures in tests/fixtures/mime and on
 * generated hostile input: decoded headers, body choice, charsets,
 * attachments, automated-mail signals, bounds, and UTF-8 everywhere.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "buf.h"
#include "mime.h"
#include "unit.h"

static char *
load(const char *name, size_t *len)
{
	char path[1024];
	FILE *fp;
	char *data;
	long n;

	snprintf(path, sizeof path, "%s/tests/fixtures/mime/%s",
	    md_fixture_dir(), name);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(data);
	ck_assert_uint_eq(fread(data, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return data;
}

static void
assert_clean(const char *what, const char *s)
{
	ck_assert_msg(s != NULL, "%s is NULL", what);
	ck_assert_msg(g_utf8_validate(s, -1, NULL), "%s not UTF-8", what);
}

/* Every string of every result: non-NULL, valid UTF-8, bounded. */
static void
assert_all_clean(const struct md_mime *m)
{
	size_t i;

	assert_clean("subject", m->subject);
	assert_clean("from", m->from);
	assert_clean("from_addr", m->from_addr);
	assert_clean("from_name", m->from_name);
	assert_clean("reply_to", m->reply_to);
	assert_clean("cc", m->cc);
	assert_clean("message_id", m->message_id);
	assert_clean("in_reply_to", m->in_reply_to);
	assert_clean("references", m->references);
	assert_clean("text", m->text);
	assert_clean("auto_submitted", m->auto_submitted);
	assert_clean("precedence", m->precedence);
	assert_clean("x_autoreply", m->x_autoreply);
	assert_clean("x_autorespond", m->x_autorespond);
	assert_clean("list_id", m->list_id);
	assert_clean("return_path", m->return_path);
	ck_assert_uint_le(strlen(m->subject), MD_MIME_MAX_HEADER);
	ck_assert_uint_le(strlen(m->references), MD_MIME_MAX_HEADER);
	ck_assert_uint_le(strlen(m->text), MD_MIME_MAX_TEXT);
	ck_assert_ptr_null(strchr(m->text, '\r'));
	for (i = 0; i < m->nattachments; i++) {
		assert_clean("filename", m->attachments[i].filename);
		assert_clean("content_type", m->attachments[i].content_type);
		ck_assert_ptr_null(strpbrk(m->attachments[i].filename, "/\\"));
	}
}

static void
parse_mem(const char *raw, size_t len, int want_data, size_t max,
    struct md_mime *m)
{
	ck_assert_int_eq(md_mime_parse(raw, len, want_data, max, m), 0);
	assert_all_clean(m);
}

static void
parse_file(const char *name, int want_data, size_t max, struct md_mime *m)
{
	size_t len;
	char *raw = load(name, &len);

	parse_mem(raw, len, want_data, max, m);
	free(raw);
}

#define assert_has(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) != NULL, \
	    "%s: [%s] lacks [%s]", #hay, (hay), (needle))
#define assert_lacks(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) == NULL, \
	    "%s: [%s] has [%s]", #hay, (hay), (needle))

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

static const struct md_attachment *
find_att(const struct md_mime *m, const char *type)
{
	size_t i;

	for (i = 0; i < m->nattachments; i++)
		if (strcmp(m->attachments[i].content_type, type) == 0)
			return &m->attachments[i];
	ck_abort_msg("no attachment of type %s", type);
	return NULL;
}

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

/* depth levels of multipart/mixed, text/plain "deep text" at the bottom. */
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

static void
setup(void)
{
	md_mime_init();
}

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
	tcase_add_test(tc, deep_nesting);
	tcase_add_test(tc, huge_headers);
	tcase_add_test(tc, huge_text_is_capped);
	tcase_add_test(tc, long_charsets_small_stack);
	tcase_add_test(tc, utf8_sanitize);
	tcase_add_test(tc, garbage);
	tcase_add_test(tc, concurrent_parses);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(mime_suite)
