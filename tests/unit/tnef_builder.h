/*
 * tnef_builder.h - TNEF blobs built attribute by attribute from MS-OXTNEF
 * for the tests (no winmail.dat from elsewhere), and mail carrying them.
 * Static inline: each program takes what it uses.
 */
#ifndef MD_TNEF_BUILDER_H
#define MD_TNEF_BUILDER_H

#include <stdint.h>

#include "buf.h"
#include "mime_fixture.h"
#include "tnef.h"

/* Attribute tags: the id in the low word, the type in the high one. */
#define ATT_TNEF_VERSION	0x00089006u
#define ATT_OEM_CODEPAGE	0x00069007u
#define ATT_BODY		0x0002800Cu
#define ATT_MSG_PROPS		0x00069003u
#define ATT_REND_DATA		0x00069002u
#define ATT_TITLE		0x00018010u
#define ATT_DATA		0x0006800Fu
#define ATT_ATTACHMENT		0x00069005u

#define PT_LONG		0x0003
#define PT_OBJECT	0x000D
#define PT_STRING8	0x001E
#define PT_UNICODE	0x001F
#define PT_BINARY	0x0102

static inline void
put16(md_buf *b, uint16_t v)
{
	ck_assert_int_eq(md_buf_putc(b, (char)(v & 0xff)), 0);
	ck_assert_int_eq(md_buf_putc(b, (char)(v >> 8)), 0);
}

static inline void
put32(md_buf *b, uint32_t v)
{
	put16(b, (uint16_t)(v & 0xffff));
	put16(b, (uint16_t)(v >> 16));
}

static inline void
put(md_buf *b, const void *p, size_t n)
{
	ck_assert_int_eq(md_buf_append(b, p, n), 0);
}

static inline uint16_t
checksum(const void *p, size_t n)
{
	const unsigned char *c = p;
	unsigned sum = 0;

	while (n-- > 0)
		sum += *c++;
	return (uint16_t)sum;
}

static inline void
start(md_buf *b)
{
	static const unsigned char ver[] = { 0, 0, 1, 0 };
	static const unsigned char cp[] = { 0xe4, 0x04, 0, 0, 0, 0, 0, 0 };

	put32(b, MD_TNEF_SIGNATURE);
	put16(b, 0x1234);			/* legacy key, unused */
	put(b, "\x01", 1);
	put32(b, ATT_TNEF_VERSION);
	put32(b, sizeof ver);
	put(b, ver, sizeof ver);
	put16(b, checksum(ver, sizeof ver));
	put(b, "\x01", 1);
	put32(b, ATT_OEM_CODEPAGE);		/* 1252 */
	put32(b, sizeof cp);
	put(b, cp, sizeof cp);
	put16(b, checksum(cp, sizeof cp));
}

/* One attribute; len and sum as given (to lie), else the true ones. */
static inline void
attr_as(md_buf *b, int level, uint32_t tag, const void *d, size_t n,
    uint32_t len, uint16_t sum)
{
	char lvl = (char)level;

	put(b, &lvl, 1);
	put32(b, tag);
	put32(b, len);
	put(b, d, n);
	put16(b, sum);
}

static inline void
attr(md_buf *b, int level, uint32_t tag, const void *d, size_t n)
{
	attr_as(b, level, tag, d, n, (uint32_t)n, checksum(d, n));
}

static inline void
attr_str(md_buf *b, int level, uint32_t tag, const char *s)
{
	attr(b, level, tag, s, strlen(s) + 1);
}

/* attAttachRendData of a plain file (or an OLE object). */
static inline void
rend(md_buf *b, int ole)
{
	unsigned char r[14] = { 0 };

	r[0] = ole ? 2 : 1;
	attr(b, 2, ATT_REND_DATA, r, sizeof r);
}

/* A MAPI property list: the count first, then the properties. */
struct props {
	md_buf	 b;
	uint32_t n;
};

static inline void
pad(md_buf *b, size_t n)
{
	static const char zero[4];

	put(b, zero, (4 - n % 4) % 4);
}

static inline void
prop_bytes(struct props *p, uint16_t type, uint16_t id, const void *v,
    size_t n)
{
	put16(&p->b, type);
	put16(&p->b, id);
	put32(&p->b, 1);			/* values */
	put32(&p->b, (uint32_t)n);
	put(&p->b, v, n);
	pad(&p->b, n);
	p->n++;
}

static inline void
prop_long(struct props *p, uint16_t id, uint32_t v)
{
	put16(&p->b, PT_LONG);
	put16(&p->b, id);
	put32(&p->b, v);
	p->n++;
}

/* UTF-8 s as a NUL-terminated UTF-16LE PT_UNICODE value. */
static inline void
prop_unicode(struct props *p, uint16_t id, const char *s)
{
	glong n, i;
	gunichar2 *u = g_utf8_to_utf16(s, -1, NULL, &n, NULL);
	md_buf le = MD_BUF_INIT;

	ck_assert_ptr_nonnull(u);
	for (i = 0; i <= n; i++)
		put16(&le, u[i]);
	prop_bytes(p, PT_UNICODE, id, le.data, le.len);
	md_buf_free(&le);
	g_free(u);
}

static inline void
props_attr(md_buf *b, int level, uint32_t tag, struct props *p)
{
	md_buf all = MD_BUF_INIT;

	put32(&all, p->n);
	put(&all, p->b.data, p->b.len);
	attr(b, level, tag, all.data, all.len);
	md_buf_free(&all);
	md_buf_free(&p->b);
	memset(p, 0, sizeof *p);
}

/* A file the old way: attAttachTitle and attAttachData. */
static inline void
file(md_buf *b, const char *title, const char *data)
{
	rend(b, 0);
	attr_str(b, 2, ATT_TITLE, title);
	attr(b, 2, ATT_DATA, data, strlen(data));
}

/* A message with blob as its only part (text NULL) or after a text. */
static inline char *
message(const md_buf *blob, const char *text, size_t *len)
{
	gchar *b64 = g_base64_encode((const guchar *)blob->data, blob->len);
	md_buf m = MD_BUF_INIT;
	size_t i, n = strlen(b64);

	md_buf_puts(&m, "From: Kim <kim@example.com>\r\nTo: support@desk.example\r\n"
	    "Subject: Outlook\r\nMessage-ID: <tnef@example.com>\r\n"
	    "MIME-Version: 1.0\r\n");
	if (text != NULL)
		md_buf_printf(&m, "Content-Type: multipart/mixed; boundary=\"b\"\r\n"
		    "\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
		    "%s\r\n--b\r\n", text);
	md_buf_puts(&m, "Content-Type: application/ms-tnef; name=\"winmail.dat\"\r\n"
	    "Content-Disposition: attachment; filename=\"winmail.dat\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n");
	for (i = 0; i < n; i += 76) {
		md_buf_append(&m, b64 + i, n - i < 76 ? n - i : 76);
		md_buf_puts(&m, "\r\n");
	}
	if (text != NULL)
		md_buf_puts(&m, "--b--\r\n");
	ck_assert(!md_buf_failed(&m));
	g_free(b64);
	*len = m.len;
	return md_buf_detach(&m);
}

static inline void
parse_blob(const md_buf *blob, const char *text, struct md_mime *m)
{
	size_t len;
	char *raw = message(blob, text, &len);

	parse_mem(raw, len, 1, 1 << 20, m);
	free(raw);
}


#endif
