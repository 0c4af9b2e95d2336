/*
 * mime_decode.c - the transfer encoding of a part undone the way mail
 * clients do, where GMime's decoders give up early:
 *  - base64 with padding in the middle: list servers and gateways append
 *    a footer encoded on its own to an encoded body, and some scripts
 *    encode a file in chunks, each padded; GMime stops at the first '='
 *    and the rest of the text or file was lost;
 *  - base64 without its final padding: GMime drops the last one or two
 *    bytes of the text or file;
 *  - quoted-printable "=" followed by blanks before the line end: RFC 2045
 *    6.7 makes trailing blanks transport padding, so it is a soft break;
 *    GMime kept "= " and the break.
 * Bytes outside the alphabet are skipped by both.  Correct base64 and
 * quoted-printable come out byte for byte as GMime's; files use these
 * decoders too, because with a broken encoding a best effort (the file
 * the sender meant, or one with a few wrong bytes) is worth more than a
 * file cut short at the first flaw.  Other encodings are GMime's.
 */
#include "config.h"

#include <string.h>

#include "mime_int.h"

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Quartets in any number of padded runs; other bytes are skipped. */
static void
base64(const guint8 *p, size_t n, GByteArray *out)
{
	guint32 acc = 0;
	int have = 0, v;
	size_t i;
	guint8 b[3];

	for (i = 0; i < n; i++) {
		if (p[i] == '=') {
			/* a padded end: flush what the quartet holds, start anew */
			if (have >= 2) {
				acc <<= 6 * (4 - have);
				b[0] = (guint8)(acc >> 16);
				b[1] = (guint8)(acc >> 8);
				g_byte_array_append(out, b, have == 2 ? 1 : 2);
			}
			acc = 0, have = 0;
			continue;
		}
		if ((v = b64_value(p[i])) < 0)
			continue;
		acc = acc << 6 | (guint32)v;
		if (++have == 4) {
			b[0] = (guint8)(acc >> 16);
			b[1] = (guint8)(acc >> 8);
			b[2] = (guint8)acc;
			g_byte_array_append(out, b, 3);
			acc = 0, have = 0;
		}
	}
	if (have >= 2) {		/* unpadded end */
		acc <<= 6 * (4 - have);
		b[0] = (guint8)(acc >> 16);
		b[1] = (guint8)(acc >> 8);
		g_byte_array_append(out, b, have == 2 ? 1 : 2);
	}
}

/* "=XX" (either case); "=" + blanks + line end is a soft break. */
static void
quoted_printable(const guint8 *p, size_t n, GByteArray *out)
{
	size_t i, j, run = 0;
	int hi, lo;
	guint8 c;

	for (i = 0; i < n; i++) {
		if (p[i] != '=')
			continue;
		g_byte_array_append(out, p + run, (guint)(i - run));
		for (j = i + 1; j < n && (p[j] == ' ' || p[j] == '\t'); j++)
			;
		if (j == n || p[j] == '\n' || (p[j] == '\r' && j + 1 < n &&
		    p[j + 1] == '\n')) {
			i = j == n ? j - 1 : j + (p[j] == '\r');
		} else if (i + 2 < n && (hi = g_ascii_xdigit_value(p[i + 1])) >= 0 &&
		    (lo = g_ascii_xdigit_value(p[i + 2])) >= 0) {
			c = (guint8)(hi << 4 | lo);
			g_byte_array_append(out, &c, 1);
			i += 2;
		} else
			g_byte_array_append(out, p + i, 1);	/* a lone '=' */
		run = i + 1;
	}
	g_byte_array_append(out, p + run, (guint)(n - run));
}

/* base64 or quoted-printable content decoded leniently; NULL for others. */
static GByteArray *
lenient_decode(GMimeObject *obj)
{
	GMimeDataWrapper *dw = GMIME_IS_PART(obj) ?
	    g_mime_part_get_content(GMIME_PART(obj)) : NULL;
	GMimeContentEncoding enc = dw ? g_mime_data_wrapper_get_encoding(dw) :
	    GMIME_CONTENT_ENCODING_DEFAULT;
	GMimeStream *src, *mem;
	GByteArray *raw, *out;

	if (enc != GMIME_CONTENT_ENCODING_BASE64 &&
	    enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE)
		return NULL;
	src = g_mime_data_wrapper_get_stream(dw);
	mem = g_mime_stream_mem_new();
	g_mime_stream_reset(src);
	g_mime_stream_write_to_stream(src, mem);
	g_mime_stream_reset(src);
	raw = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	out = g_byte_array_sized_new(raw->len);
	if (raw->len == 0)
		;			/* data is NULL then */
	else if (enc == GMIME_CONTENT_ENCODING_BASE64)
		base64(raw->data, raw->len, out);
	else
		quoted_printable(raw->data, raw->len, out);
	g_object_unref(mem);
	return out;
}

void
md_mime_write_decoded(GMimeObject *obj, GMimeStream *st)
{
	GByteArray *a = lenient_decode(obj);

	if (a != NULL) {
		if (a->len > 0)
			g_mime_stream_write(st, (const char *)a->data, a->len);
		g_byte_array_free(a, TRUE);
	} else if (GMIME_IS_PART(obj) && g_mime_part_get_content(GMIME_PART(obj)))
		g_mime_data_wrapper_write_to_stream(
		    g_mime_part_get_content(GMIME_PART(obj)), st);
}
