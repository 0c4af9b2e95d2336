/*
 * test_tnef.c - TNEF blobs (winmail.dat) read by md_tnef_parse, and their
 * files listed by md_mime_parse in place of winmail.dat, or beside it when
 * the blob cannot be trusted.  The blobs come from tnef_builder.h.
 */
#include "config.h"

#include "file_type.h"
#include "mime_charset.h"
#include "tnef_builder.h"

/* ---- the reader ------------------------------------------------------ */

START_TEST(one_file)
{
	md_buf b = MD_BUF_INIT;
	struct md_tnef t;
	struct md_mime m;
	const struct md_attachment *a;

	start(&b);
	file(&b, "report.pdf", "%PDF-1.4 hello");
	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_OK);
	ck_assert_uint_eq(t.nfiles, 1);
	ck_assert_str_eq(t.files[0].name.s, "report.pdf");
	ck_assert_int_eq(t.files[0].name.eight_bit, 1);
	ck_assert_uint_eq(t.files[0].size, 14);
	ck_assert_int_eq(memcmp(t.files[0].data, "%PDF-1.4 hello", 14), 0);
	ck_assert_uint_eq(t.codepage, 1252);
	ck_assert_int_eq(t.bad_checksum, 0);
	ck_assert_int_eq(t.incomplete, 0);
	ck_assert_ptr_null(t.body.s);
	md_tnef_free(&t);

	/* in a mail: report.pdf instead of winmail.dat */
	parse_blob(&b, "See the report.", &m);
	ck_assert_str_eq(m.text, "See the report.");
	ck_assert_uint_eq(m.nattachments, 1);
	a = find_attachment(&m, "application/pdf", "report.pdf");
	ck_assert_uint_eq(a->size, 14);
	ck_assert_str_eq(a->data, "%PDF-1.4 hello");
	md_mime_free(&m);

	/* without want_data: listed with its size, no bytes */
	{
		size_t len;
		char *raw = message(&b, "x", &len);

		parse_mem(raw, len, 0, 0, &m);
		free(raw);
		a = find_attachment(&m, "application/pdf", "report.pdf");
		ck_assert_uint_eq(a->size, 14);
		ck_assert_ptr_null(a->data);
		md_mime_free(&m);
	}
	md_buf_free(&b);
}
END_TEST

/*
 * Outlook's usual shape: an 8.3 title, the long name as UTF-16 in
 * attAttachment, the type there too; the second file's bytes only as
 * PR_ATTACH_DATA_BIN.  8-bit names are in the blob's code page (1252).
 */
START_TEST(two_files_long_names)
{
	md_buf b = MD_BUF_INIT;
	struct props p = { MD_BUF_INIT, 0 };
	struct md_tnef t;
	struct md_mime m;
	const struct md_attachment *a;

	start(&b);
	rend(&b, 0);
	attr_str(&b, 2, ATT_TITLE, "BERSIC~1.PDF");
	attr(&b, 2, ATT_DATA, "%PDF-1.7", 8);
	prop_unicode(&p, 0x3707, "Übersicht Q4 – Résumé.pdf");
	prop_bytes(&p, PT_STRING8, 0x370E, "application/pdf", 16);
	prop_long(&p, 0x3705, 1);		/* by value */
	props_attr(&b, 2, ATT_ATTACHMENT, &p);
	rend(&b, 0);
	attr_str(&b, 2, ATT_TITLE, "Gr\xfc\xdf" "e.txt");	/* cp1252 */
	prop_unicode(&p, 0x3707, "日本語の資料 📎.xlsx");	/* a surrogate pair */
	prop_bytes(&p, PT_BINARY, 0x3701, "PK\x03\x04zip", 7);
	props_attr(&b, 2, ATT_ATTACHMENT, &p);
	rend(&b, 0);
	attr_str(&b, 2, ATT_TITLE, "Gr\xfc\xdf" "e.txt");
	attr(&b, 2, ATT_DATA, "hallo", 5);

	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_OK);
	ck_assert_uint_eq(t.nfiles, 3);
	ck_assert_str_eq(t.files[0].name.s, "Übersicht Q4 – Résumé.pdf");
	ck_assert_int_eq(t.files[0].name.eight_bit, 0);
	ck_assert_str_eq(t.files[0].mime_type.s, "application/pdf");
	ck_assert_str_eq(t.files[1].name.s, "日本語の資料 📎.xlsx");
	ck_assert_uint_eq(t.files[1].size, 7);
	md_tnef_free(&t);

	parse_blob(&b, "Two files.", &m);
	ck_assert_uint_eq(m.nattachments, 3);
	a = find_attachment(&m, "application/pdf", "Übersicht Q4 – Résumé.pdf");
	ck_assert_str_eq(a->data, "%PDF-1.7");
	a = find_attachment(&m, NULL, "日本語の資料 📎.xlsx");
	ck_assert_str_eq(a->content_type, "application/vnd.openxmlformats-"
	    "officedocument.spreadsheetml.sheet");	/* from the name */
	ck_assert_int_eq(memcmp(a->data, "PK\x03\x04zip", 7), 0);
	a = find_attachment(&m, "text/plain", "Grüße.txt");
	ck_assert_str_eq(a->data, "hallo");
	md_mime_free(&m);
	md_buf_free(&b);
}
END_TEST

/*
 * Outlook's mail as it leaves Exchange: text and HTML, then winmail.dat
 * with the text again as compressed RTF and the files, one with a long
 * UTF-16 name (tests/fixtures/mime/outlook_winmail.eml, built with
 * tnef_builder.h).  The files replace winmail.dat; the text is the
 * text/plain.
 */
START_TEST(outlook_fixture)
{
	const struct md_attachment *a;
	struct md_mime m;

	parse_file("outlook_winmail.eml", 1, 1 << 20, &m);
	ck_assert_str_eq(m.from_name, "Jürgen Müller");
	assert_has(m.text, "Mit freundlichen Grüßen\nJürgen Müller");
	ck_assert_int_eq(m.html_only, 0);
	ck_assert_int_eq(m.parse_error, 0);
	ck_assert_uint_eq(m.nattachments, 2);
	a = find_attachment(&m, "application/pdf",
	    "Angebot Müller & Söhne 2026.pdf");
	ck_assert_uint_eq(a->size, 41);
	ck_assert_int_eq(memcmp(a->data, "%PDF-1.5\n", 9), 0);
	a = find_attachment(&m, "image/png", "image001.png");
	ck_assert_uint_eq(a->size, 16);
	md_mime_free(&m);
}
END_TEST

/* Names a desk must not take as paths or terminal controls. */
START_TEST(hostile_names)
{
	md_buf b = MD_BUF_INIT;
	struct props p = { MD_BUF_INIT, 0 };
	struct md_mime m;
	unsigned char lone[] = { 0x41, 0, 0x00, 0xD8, 0x42, 0, 0, 0 };

	start(&b);
	file(&b, "..\\..\\Windows\\evil.exe", "MZ");
	rend(&b, 0);
	attr(&b, 2, ATT_DATA, "x", 1);
	prop_unicode(&p, 0x3707, "../../etc/passwd\x1b[31m");
	props_attr(&b, 2, ATT_ATTACHMENT, &p);
	rend(&b, 0);
	attr(&b, 2, ATT_DATA, "y", 1);
	prop_bytes(&p, PT_UNICODE, 0x3707, lone, sizeof lone);	/* A, lone high, B */
	props_attr(&b, 2, ATT_ATTACHMENT, &p);
	parse_blob(&b, "x", &m);
	ck_assert_uint_eq(m.nattachments, 3);
	ck_assert_str_eq(m.attachments[0].filename, "....Windowsevil.exe");
	ck_assert_str_eq(m.attachments[1].filename, "....etcpasswd[31m");
	ck_assert_str_eq(m.attachments[2].filename, "A\xef\xbf\xbd" "B");
	md_mime_free(&m);
	md_buf_free(&b);
}
END_TEST

/*
 * The message's own text: attBody in the blob's code page, else PR_BODY
 * (UTF-16), else PR_BODY_HTML; only compressed RTF is no text we read.
 */
START_TEST(body_text)
{
	md_buf b = MD_BUF_INIT;
	struct props p = { MD_BUF_INIT, 0 };
	struct md_tnef t;
	struct md_mime m;

	start(&b);
	prop_unicode(&p, 0x1000, "Body from PR_BODY");
	props_attr(&b, 1, ATT_MSG_PROPS, &p);
	attr_str(&b, 1, ATT_BODY, "Gr\xfc\xdf" "e aus K\xf6ln\r\n");
	file(&b, "a.txt", "a");
	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_OK);
	ck_assert_str_eq(t.body.s, "Gr\xfc\xdf" "e aus K\xf6ln\r\n");
	ck_assert_int_eq(t.body.eight_bit, 1);
	ck_assert_int_eq(t.body_html, 0);
	ck_assert_uint_eq(t.body_codepage, 1252);
	md_tnef_free(&t);
	/* beside a text part the blob's text is not the message's */
	parse_blob(&b, "The real text.", &m);
	ck_assert_str_eq(m.text, "The real text.");
	ck_assert_uint_eq(m.nattachments, 1);
	find_attachment(&m, "text/plain", "a.txt");
	md_mime_free(&m);
	md_buf_reset(&b);

	/* PR_BODY alone, UTF-16 */
	start(&b);
	prop_unicode(&p, 0x1000, "Hallo Welt – ünïcode");
	props_attr(&b, 1, ATT_MSG_PROPS, &p);
	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_OK);
	ck_assert_str_eq(t.body.s, "Hallo Welt – ünïcode");
	ck_assert_int_eq(t.body.eight_bit, 0);
	md_tnef_free(&t);
	md_buf_reset(&b);

	/* HTML in its own code page (PR_INTERNET_CPID) */
	start(&b);
	prop_bytes(&p, PT_BINARY, 0x1013, "<p>Hi <b>there</b></p>", 22);
	prop_long(&p, 0x3FDE, 65001);
	props_attr(&b, 1, ATT_MSG_PROPS, &p);
	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_OK);
	ck_assert_str_eq(t.body.s, "<p>Hi <b>there</b></p>");
	ck_assert_int_eq(t.body_html, 1);
	ck_assert_uint_eq(t.body_codepage, 65001);
	ck_assert_uint_eq(t.codepage, 1252);
	ck_assert_int_eq(t.incomplete, 0);
	md_tnef_free(&t);
	md_buf_reset(&b);
	start(&b);
	prop_unicode(&p, 0x1013, "<p>Grüße</p>");
	props_attr(&b, 1, ATT_MSG_PROPS, &p);
	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_OK);
	ck_assert_str_eq(t.body.s, "<p>Grüße</p>");
	ck_assert_int_eq(t.body.eight_bit, 0);
	ck_assert_int_eq(t.body_html, 1);
	md_tnef_free(&t);
	md_buf_reset(&b);

	/*
	 * Outlook's usual blob: the text as compressed RTF beside its
	 * text/plain, and a file.  The RTF (not decoded) is that text again,
	 * so winmail.dat goes; alone in a message its text may be the only
	 * one, so winmail.dat stays.
	 */
	start(&b);
	prop_bytes(&p, PT_BINARY, 0x1009, "\x10\0\0\0LZFu", 8);
	props_attr(&b, 1, ATT_MSG_PROPS, &p);
	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_OK);
	ck_assert_ptr_null(t.body.s);
	ck_assert_int_eq(t.has_rtf, 1);
	ck_assert_int_eq(t.incomplete, 0);
	md_tnef_free(&t);
	parse_blob(&b, "x", &m);
	ck_assert_uint_eq(m.nattachments, 0);
	md_mime_free(&m);
	file(&b, "a.txt", "a");
	parse_blob(&b, "x", &m);
	ck_assert_uint_eq(m.nattachments, 1);
	find_attachment(&m, "text/plain", "a.txt");
	md_mime_free(&m);
	parse_blob(&b, NULL, &m);
	ck_assert_uint_eq(m.nattachments, 2);
	find_attachment(&m, "text/plain", "a.txt");
	find_attachment(&m, "application/ms-tnef", "winmail.dat");
	md_mime_free(&m);
	md_buf_reset(&b);

	/* the same with attBody: no text part before it, winmail.dat stays */
	start(&b);
	attr_str(&b, 1, ATT_BODY, "only here");
	file(&b, "a.txt", "a");
	parse_blob(&b, NULL, &m);
	ck_assert_uint_eq(m.nattachments, 2);
	find_attachment(&m, "application/ms-tnef", "winmail.dat");
	md_mime_free(&m);
	md_buf_free(&b);
}
END_TEST

/* A message whose only text is in winmail.dat (or beside an empty text/plain). */
START_TEST(blob_text_is_the_text)
{
	md_buf b = MD_BUF_INIT;
	struct md_mime m;

	start(&b);
	attr_str(&b, 1, ATT_BODY, "Gr\xfc\xdf" "e aus K\xf6ln\r\n");
	file(&b, "a.txt", "a");
	parse_blob(&b, NULL, &m);
	ck_assert_str_eq(m.text, "Grüße aus Köln\n");
	ck_assert_uint_eq(m.nattachments, 2);	/* winmail.dat kept too */
	md_mime_free(&m);
	parse_blob(&b, " ", &m);
	ck_assert_str_eq(m.text, "Grüße aus Köln\n");
	ck_assert_uint_eq(m.nattachments, 1);
	md_mime_free(&m);
	parse_blob(&b, "Other text.", &m);
	ck_assert_str_eq(m.text, "Other text.");
	md_mime_free(&m);
	md_buf_reset(&b);

	/* HTML only: rendered */
	{
		struct props p = { MD_BUF_INIT, 0 };

		start(&b);
		prop_bytes(&p, PT_BINARY, 0x1013, "<p>Hi <b>there</b></p>", 22);
		props_attr(&b, 1, ATT_MSG_PROPS, &p);
		parse_blob(&b, NULL, &m);
		ck_assert_str_eq(m.text, "Hi there");
		ck_assert_uint_eq(m.nattachments, 1);	/* winmail.dat */
		md_mime_free(&m);
	}
	md_buf_free(&b);
}
END_TEST

/* ---- what must not be trusted ------------------------------------------ */

/* The original kept as it came, nothing taken from the blob. */
static void
assert_kept_raw(const md_buf *blob)
{
	const struct md_attachment *a;
	struct md_mime m;

	parse_blob(blob, "x", &m);
	ck_assert_uint_eq(m.nattachments, 1);
	a = find_attachment(&m, "application/ms-tnef", "winmail.dat");
	ck_assert_uint_eq(a->size, blob->len);
	ck_assert_int_eq(memcmp(a->data, blob->data, blob->len), 0);
	md_mime_free(&m);
}

static void
two_file_blob(md_buf *b)
{
	struct props p = { MD_BUF_INIT, 0 };

	start(b);
	file(b, "one.txt", "first file");
	rend(b, 0);
	attr(b, 2, ATT_DATA, "second", 6);
	prop_unicode(&p, 0x3707, "two.txt");
	props_attr(b, 2, ATT_ATTACHMENT, &p);
}

/*
 * Every prefix of a blob: never read past it; cut inside an attribute it
 * is malformed, cut between two it is a smaller blob (all TNEF can tell).
 */
START_TEST(truncated)
{
	md_buf b = MD_BUF_INIT, cut = MD_BUF_INIT;
	struct md_tnef t;
	size_t n, i;
	int rc;

	two_file_blob(&b);
	for (n = 0; n < b.len; n++) {
		/* a copy of exactly n bytes, so ASan sees a read past it */
		unsigned char *c = malloc(n ? n : 1);

		ck_assert_ptr_nonnull(c);
		memcpy(c, b.data, n);
		rc = md_tnef_parse(c, n, &t);
		ck_assert(rc == MD_TNEF_OK || rc == MD_TNEF_MALFORMED);
		for (i = 0; rc == MD_TNEF_OK && i < t.nfiles; i++)
			ck_assert(t.files[i].data + t.files[i].size <= c + n);
		if (rc == MD_TNEF_OK)
			md_tnef_free(&t);
		free(c);
	}
	/* cut in the middle of the second file's properties */
	put(&cut, b.data, b.len - 9);
	ck_assert_int_eq(md_tnef_parse(cut.data, cut.len, &t), MD_TNEF_MALFORMED);
	ck_assert_uint_eq(t.nfiles, 0);
	assert_kept_raw(&cut);
	md_buf_free(&cut);
	md_buf_free(&b);
}
END_TEST

START_TEST(lying_lengths)
{
	static const uint32_t lies[] = { 0xffffffffu, 0xfffffff0u, 0x7fffffffu,
	    1000, 15 };
	md_buf b = MD_BUF_INIT;
	struct props p = { MD_BUF_INIT, 0 };
	struct md_tnef t;
	size_t i;

	/* an attribute longer than the blob */
	for (i = 0; i < sizeof lies / sizeof lies[0]; i++) {
		start(&b);
		rend(&b, 0);
		attr_as(&b, 2, ATT_DATA, "0123456789", 10, lies[i], 0);
		ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t),
		    MD_TNEF_MALFORMED);
		assert_kept_raw(&b);
		md_buf_reset(&b);
	}
	/* a property value longer than its attribute */
	start(&b);
	rend(&b, 0);
	attr(&b, 2, ATT_DATA, "x", 1);
	put16(&p.b, PT_UNICODE);
	put16(&p.b, 0x3707);
	put32(&p.b, 1);
	put32(&p.b, 0x7ffffff0u);
	put(&p.b, "a\0b\0", 4);
	p.n = 1;
	props_attr(&b, 2, ATT_ATTACHMENT, &p);
	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_MALFORMED);
	assert_kept_raw(&b);
	md_buf_reset(&b);
	/* a named property whose name runs past the end */
	start(&b);
	rend(&b, 0);
	put16(&p.b, PT_LONG);
	put16(&p.b, 0x8001);
	put(&p.b, "0123456789abcdef", 16);	/* GUID */
	put32(&p.b, 1);				/* kind: string */
	put32(&p.b, 0xfffffffdu);
	p.n = 1;
	props_attr(&b, 2, ATT_ATTACHMENT, &p);
	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_MALFORMED);
	md_buf_reset(&b);
	/* a type whose size we do not know cannot be stepped over */
	start(&b);
	rend(&b, 0);
	put16(&p.b, 0x0077);
	put16(&p.b, 0x3001);
	put32(&p.b, 0);
	p.n = 1;
	props_attr(&b, 2, ATT_ATTACHMENT, &p);
	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_MALFORMED);
	md_buf_reset(&b);
	/* a level that is neither message nor attachment; no signature */
	start(&b);
	attr(&b, 7, ATT_DATA, "x", 1);
	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_MALFORMED);
	ck_assert_int_eq(md_tnef_parse("\x78\x9f\x3e\x23\0\0", 6, &t),
	    MD_TNEF_MALFORMED);
	ck_assert_int_eq(md_tnef_parse(NULL, 0, &t), MD_TNEF_MALFORMED);
	md_buf_free(&b);
}
END_TEST

/*
 * A wrong checksum: the files are listed (a sender that sums wrongly
 * still sends good bytes more often than not) and winmail.dat is kept
 * beside them, in case they are damaged.
 */
START_TEST(bad_checksum)
{
	md_buf b = MD_BUF_INIT;
	struct md_tnef t;
	struct md_mime m;

	start(&b);
	rend(&b, 0);
	attr_str(&b, 2, ATT_TITLE, "sum.txt");
	attr_as(&b, 2, ATT_DATA, "data", 4, 4, 0xbeef);
	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_OK);
	ck_assert_int_eq(t.bad_checksum, 1);
	ck_assert_uint_eq(t.nfiles, 1);
	md_tnef_free(&t);
	parse_blob(&b, "x", &m);
	ck_assert_uint_eq(m.nattachments, 2);
	ck_assert_str_eq(find_attachment(&m, "text/plain", "sum.txt")->data,
	    "data");
	find_attachment(&m, "application/ms-tnef", "winmail.dat");
	md_mime_free(&m);
	md_buf_free(&b);
}
END_TEST

START_TEST(huge_counts)
{
	md_buf b = MD_BUF_INIT;
	struct props p = { MD_BUF_INIT, 0 };
	struct md_tnef t;
	int i;

	/* a property count far past the attribute */
	start(&b);
	rend(&b, 0);
	prop_long(&p, 0x3705, 1);
	p.n = 0xffffffffu;
	props_attr(&b, 2, ATT_ATTACHMENT, &p);
	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_MALFORMED);
	md_buf_reset(&b);
	/* a value count far past the attribute (a multi-valued long) */
	start(&b);
	rend(&b, 0);
	put16(&p.b, 0x1003);
	put16(&p.b, 0x3001);
	put32(&p.b, 0x40000000u);
	put32(&p.b, 7);
	p.n = 1;
	props_attr(&b, 2, ATT_ATTACHMENT, &p);
	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_MALFORMED);
	md_buf_reset(&b);
	/* more files than MD_TNEF_MAX_FILES: malformed, kept as it came */
	start(&b);
	for (i = 0; i <= MD_TNEF_MAX_FILES; i++)
		file(&b, "f.txt", "f");
	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_MALFORMED);
	assert_kept_raw(&b);
	md_buf_reset(&b);
	/* exactly MD_TNEF_MAX_FILES: all of them */
	start(&b);
	for (i = 0; i < MD_TNEF_MAX_FILES; i++)
		file(&b, "f.txt", "f");
	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_OK);
	ck_assert_uint_eq(t.nfiles, MD_TNEF_MAX_FILES);
	md_tnef_free(&t);
	md_buf_free(&b);
}
END_TEST

/* What is not extracted keeps winmail.dat beside what is. */
START_TEST(embedded_message_and_ole)
{
	md_buf b = MD_BUF_INIT;
	struct props p = { MD_BUF_INIT, 0 };
	struct md_tnef t;
	struct md_mime m;
	unsigned char obj[20] = { 0 };

	start(&b);
	file(&b, "plain.txt", "plain");
	rend(&b, 0);
	attr_str(&b, 2, ATT_TITLE, "Fwd: order");
	prop_long(&p, 0x3705, 5);		/* an embedded message */
	prop_bytes(&p, PT_OBJECT, 0x3701, obj, sizeof obj);
	props_attr(&b, 2, ATT_ATTACHMENT, &p);
	rend(&b, 1);				/* an OLE object */
	attr(&b, 2, ATT_DATA, "ole", 3);
	rend(&b, 0);				/* a file without bytes */
	attr_str(&b, 2, ATT_TITLE, "nothing.txt");
	ck_assert_int_eq(md_tnef_parse(b.data, b.len, &t), MD_TNEF_OK);
	ck_assert_uint_eq(t.nfiles, 1);
	ck_assert_int_eq(t.incomplete, 1);
	md_tnef_free(&t);
	parse_blob(&b, "x", &m);
	ck_assert_uint_eq(m.nattachments, 2);
	find_attachment(&m, "text/plain", "plain.txt");
	find_attachment(&m, "application/ms-tnef", "winmail.dat");
	md_mime_free(&m);
	md_buf_reset(&b);

	/* an empty blob (no files, no text) is kept as it came */
	start(&b);
	assert_kept_raw(&b);
	md_buf_free(&b);
}
END_TEST

/* Found by name alone, and not taken for TNEF without its signature. */
START_TEST(named_winmail_dat)
{
	md_buf b = MD_BUF_INIT;
	struct md_mime m;
	size_t len;
	char *raw, *ct;

	start(&b);
	file(&b, "x.csv", "a,b");
	raw = message(&b, "x", &len);
	ct = strstr(raw, "application/ms-tnef");
	ck_assert_ptr_nonnull(ct);
	memcpy(ct, "application/x-stuff", 19);	/* same length */
	parse_mem(raw, len, 1, 1 << 20, &m);
	ck_assert_uint_eq(m.nattachments, 1);
	find_attachment(&m, "text/csv", "x.csv");
	md_mime_free(&m);
	free(raw);

	md_buf_reset(&b);
	put(&b, "PK\x03\x04 not tnef", 14);
	assert_kept_raw(&b);
	md_buf_free(&b);
}
END_TEST

START_TEST(helpers)
{
	char buf[32];

	ck_assert_str_eq(md_file_type_guess("A.PDF"), "application/pdf");
	ck_assert_str_eq(md_file_type_guess("noext"), "application/octet-stream");
	ck_assert_str_eq(md_file_type_guess(NULL), "application/octet-stream");
	ck_assert_str_eq(md_charset_of_codepage(1252, buf, sizeof buf), "CP1252");
	ck_assert_str_eq(md_charset_of_codepage(65001, buf, sizeof buf), "UTF-8");
	ck_assert_str_eq(md_charset_of_codepage(28592, buf, sizeof buf), "ISO-8859-2");
	ck_assert_int_eq(md_tnef_is_tnef("\x78\x9f\x3e\x22", 4), 1);
	ck_assert_int_eq(md_tnef_is_tnef("\x78\x9f\x3e", 3), 0);
}
END_TEST

static Suite *
tnef_suite(void)
{
	Suite *s = suite_create("tnef");
	TCase *tc = tcase_create("tnef");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_add_test(tc, one_file);
	tcase_add_test(tc, two_files_long_names);
	tcase_add_test(tc, outlook_fixture);
	tcase_add_test(tc, hostile_names);
	tcase_add_test(tc, body_text);
	tcase_add_test(tc, blob_text_is_the_text);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, lying_lengths);
	tcase_add_test(tc, bad_checksum);
	tcase_add_test(tc, huge_counts);
	tcase_add_test(tc, embedded_message_and_ole);
	tcase_add_test(tc, named_winmail_dat);
	tcase_add_test(tc, helpers);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(tnef_suite)

