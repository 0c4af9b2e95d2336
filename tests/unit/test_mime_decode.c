/*
 * test_mime_decode.c - the lenient transfer decoders of mime_decode.c on
 * their own: correct base64 and quoted-printable (as GMime's encoders
 * write them) come out byte for byte, files included; broken base64
 * (padding mid-way, no final padding, junk) comes out as the sender meant
 * where GMime's decoder cut it short.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <gmime/gmime.h>

#include "mime_int.h"
#include "unit.h"

/* A leaf part holding enc[0..n) in transfer encoding e. */
static GMimeObject *
part_with(const char *enc, size_t n, GMimeContentEncoding e)
{
	GMimePart *p = g_mime_part_new();
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(enc, n);
	GMimeDataWrapper *dw = g_mime_data_wrapper_new_with_stream(st, e);

	g_mime_part_set_content(p, dw);
	g_object_unref(dw);
	g_object_unref(st);
	return GMIME_OBJECT(p);
}

/* What md_mime_write_decoded (or GMime, gmime 1) writes for the part. */
static GByteArray *
written(GMimeObject *obj, int gmime)
{
	GMimeStream *st = g_mime_stream_mem_new();
	GByteArray *a;

	if (gmime)
		g_mime_data_wrapper_write_to_stream(
		    g_mime_part_get_content(GMIME_PART(obj)), st);
	else
		md_mime_write_decoded(obj, st);
	a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(st));
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(st), FALSE);
	g_object_unref(st);
	return a;
}

static void
assert_decodes(const char *enc, GMimeContentEncoding e, const char *want,
    size_t wantlen)
{
	GMimeObject *obj = part_with(enc, strlen(enc), e);
	GByteArray *a = written(obj, 0);

	ck_assert_msg(a->len == wantlen && (wantlen == 0 ||
	    memcmp(a->data, want, wantlen) == 0), "[%s] decoded to %u bytes",
	    enc, a->len);
	g_byte_array_free(a, TRUE);
	g_object_unref(obj);
}

/* Deterministic bytes, all 256 values, runs of CR/LF/blank/'=' too. */
static void
fill(guint8 *d, size_t n, uint32_t seed)
{
	static const char tricky[] = "\r\n \t=.\0";
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		d[i] = (seed >> 24) % 5 == 0 ? (guint8)tricky[(seed >> 8) % 7] :
		    (guint8)(seed >> 16);
	}
}

/* GMime's encoder for e over d[0..n), with line ends CRLF if crlf. */
static char *
encode(const guint8 *d, size_t n, GMimeContentEncoding e, int crlf)
{
	GMimeEncoding enc;
	char *out = g_malloc(n * 4 + 64), *crlfd;
	size_t len;
	GString *s;

	g_mime_encoding_init_encode(&enc, e);
	len = g_mime_encoding_flush(&enc, (const char *)d, n, out);
	out[len] = '\0';
	if (!crlf)
		return out;
	s = g_string_new(NULL);
	for (crlfd = out; *crlfd != '\0'; crlfd++) {
		if (*crlfd == '\n')
			g_string_append_c(s, '\r');
		g_string_append_c(s, *crlfd);
	}
	g_free(out);
	return g_string_free(s, FALSE);
}

START_TEST(correct_encodings_are_byte_exact)
{
	static const GMimeContentEncoding encs[] = {
	    GMIME_CONTENT_ENCODING_BASE64, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE };
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 56, 57, 58, 75, 76,
	    77, 255, 256, 1000, 4097, 65536 + 7 };
	guint8 *d = g_malloc(65536 + 7);
	size_t i, k;
	int crlf;

	for (k = 0; k < G_N_ELEMENTS(encs); k++)
		for (i = 0; i < G_N_ELEMENTS(sizes); i++)
			for (crlf = 0; crlf < 2; crlf++) {
				char *enc;
				GMimeObject *obj;
				GByteArray *ours, *theirs;

				fill(d, sizes[i], (uint32_t)(i * 7 + k));
				enc = encode(d, sizes[i], encs[k], crlf);
				obj = part_with(enc, strlen(enc), encs[k]);
				ours = written(obj, 0);
				theirs = written(obj, 1);
				if (encs[k] == GMIME_CONTENT_ENCODING_BASE64)
					ck_assert_msg(ours->len == sizes[i] &&
					    (sizes[i] == 0 || memcmp(ours->data, d,
					    sizes[i]) == 0), "base64 of %zu bytes "
					    "(crlf %d): %u out", sizes[i], crlf,
					    ours->len);
				/* QP has no canonical line ends: as GMime's */
				ck_assert_msg(ours->len == theirs->len &&
				    (ours->len == 0 || memcmp(ours->data,
				    theirs->data, ours->len) == 0),
				    "encoding %d, %zu bytes (crlf %d): %u, GMime %u",
				    encs[k], sizes[i], crlf, ours->len, theirs->len);
				g_byte_array_free(ours, TRUE);
				g_byte_array_free(theirs, TRUE);
				g_object_unref(obj);
				g_free(enc);
			}
	g_free(d);
}
END_TEST

START_TEST(broken_base64_best_effort)
{
	const GMimeContentEncoding b64 = GMIME_CONTENT_ENCODING_BASE64;

	/* a file encoded in chunks, each padded: GMime kept "Hello" */
	assert_decodes("SGVsbG8=\nIHdvcmxkIQ==\n", b64, "Hello world!", 12);
	assert_decodes("SGVsbG8=IHdvcmxkIQ==", b64, "Hello world!", 12);
	/* no final padding: GMime dropped "lo" */
	assert_decodes("SGVsbG8\n", b64, "Hello", 5);
	assert_decodes("SGVsbA\n", b64, "Hell", 4);
	/* junk between the characters, as GMime skips it too */
	assert_decodes("SG!V\x01sb G8*=\r\n", b64, "Hello", 5);
	/* a lone sextet carries no byte; padding alone none either */
	assert_decodes("SGVsbG8gS\n", b64, "Hello ", 6);
	assert_decodes("====\n", b64, "", 0);
	assert_decodes("", b64, "", 0);
}
END_TEST

START_TEST(quoted_printable_transport_padding)
{
	const GMimeContentEncoding qp = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;

	assert_decodes("caf=E9 = \r\nau lait=\n", qp, "caf\xe9 au lait", 12);
	assert_decodes("a=3d=3Db=", qp, "a==b", 4);
	assert_decodes("100=\tpercent = true\n", qp, "100=\tpercent = true\n",
	    20);
}
END_TEST

/* Other encodings are GMime's; a part without content writes nothing. */
START_TEST(other_encodings_are_gmimes)
{
	GMimeObject *obj = part_with("begin", 5, GMIME_CONTENT_ENCODING_7BIT);
	GMimePart *empty = g_mime_part_new();
	GByteArray *a = written(obj, 0);

	ck_assert_uint_eq(a->len, 5);
	ck_assert_int_eq(memcmp(a->data, "begin", 5), 0);
	g_byte_array_free(a, TRUE);
	g_object_unref(obj);
	a = written(GMIME_OBJECT(empty), 0);
	ck_assert_uint_eq(a->len, 0);
	g_byte_array_free(a, TRUE);
	g_object_unref(empty);
}
END_TEST

static void
setup(void)
{
	md_mime_init();
}

static Suite *
mime_decode_suite(void)
{
	Suite *s = suite_create("mime_decode");
	TCase *tc = tcase_create("mime_decode");

	tcase_add_unchecked_fixture(tc, setup, md_mime_shutdown);
	tcase_add_test(tc, correct_encodings_are_byte_exact);
	tcase_add_test(tc, broken_base64_best_effort);
	tcase_add_test(tc, quoted_printable_transport_padding);
	tcase_add_test(tc, other_encodings_are_gmimes);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(mime_decode_suite)
