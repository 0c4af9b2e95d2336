/*
 * tnef.c - the files and the text inside a TNEF blob (MS-OXTNEF).
 *
 * The blob is a signature (0x223E9F78), a legacy key (2 bytes) and a run
 * of attributes: level (1 message, 2 attachment), attribute id (its low
 * word names it, its high word repeats the type), length, data, and a
 * 16-bit checksum (the sum of the data bytes).  Each attachment starts
 * with attAttachRendData; its bytes are attAttachData, its 8-bit name
 * attAttachTitle, and attAttachment carries its MAPI properties (the
 * long, often UTF-16, name PR_ATTACH_LONG_FILENAME; PR_ATTACH_MIME_TAG;
 * sometimes the bytes again as PR_ATTACH_DATA_BIN).  The message's text
 * is attBody, or PR_BODY / PR_BODY_HTML in attMsgProps.
 *
 * Every length and count comes from the sender: each is checked against
 * what is left before it is used, each loop consumes at least 4 bytes per
 * turn, and anything that does not fit makes the whole blob malformed (the
 * caller then keeps winmail.dat as it came: nothing is lost).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tnef.h"
#include "utf8.h"

/* Attribute ids (the low word of the attribute tag). */
#define ATT_BODY		0x800C
#define ATT_ATTACH_DATA		0x800F
#define ATT_ATTACH_TITLE	0x8010
#define ATT_ATTACH_REND_DATA	0x9002
#define ATT_MSG_PROPS		0x9003
#define ATT_ATTACHMENT		0x9005
#define ATT_OEM_CODEPAGE	0x9007

#define LVL_MESSAGE		1
#define LVL_ATTACHMENT		2

/* MAPI property ids and types. */
#define PR_BODY			0x1000
#define PR_RTF_COMPRESSED	0x1009
#define PR_BODY_HTML		0x1013
#define PR_DISPLAY_NAME		0x3001
#define PR_ATTACH_DATA		0x3701	/* _BIN as PT_BINARY, _OBJ as PT_OBJECT */
#define PR_ATTACH_FILENAME	0x3704
#define PR_ATTACH_METHOD	0x3705
#define PR_ATTACH_LONG_FILENAME	0x3707
#define PR_ATTACH_MIME_TAG	0x370E
#define PR_INTERNET_CPID	0x3FDE

#define PT_OBJECT		0x000D
#define PT_STRING8		0x001E
#define PT_UNICODE		0x001F
#define PT_BINARY		0x0102
#define MV_FLAG			0x1000

#define ATTACH_BY_VALUE		1	/* PR_ATTACH_METHOD: plain file */
#define REND_OLE		2	/* attAttachRendData's type: OLE object */

/* Which name or body wins when a blob has several (higher wins). */
enum { NAME_DISPLAY = 1, NAME_SHORT, NAME_TITLE, NAME_LONG };
enum { BODY_HTML = 1, BODY_PROP, BODY_ATT };

/* A cursor over untrusted bytes. */
struct rd {
	const unsigned char *p;
	size_t	 left;
};

struct parse {
	struct md_tnef *out;
	size_t	 cap;
	int	 in_attachment;		/* files[nfiles - 1] is being read */
	int	*name_rank;		/* per file, beside out->files */
	int	*unusable;		/* per file: an object, or by reference */
	int	 body_rank;
	unsigned html_cp;		/* PR_INTERNET_CPID */
	int	 nomem;
};

static int
take(struct rd *r, size_t n, const unsigned char **at)
{
	if (n > r->left)
		return -1;
	if (at != NULL)
		*at = r->p;
	r->p += n;
	r->left -= n;
	return 0;
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* Little-endian integers off the cursor; -1 when too few bytes are left. */
static int
u16(struct rd *r, uint16_t *v)
{
	const unsigned char *p;

	if (take(r, 2, &p) < 0)
		return -1;
	*v = (uint16_t)(p[0] | p[1] << 8);
	return 0;
}

static int
u32(struct rd *r, uint32_t *v)
{
	const unsigned char *p;

	if (take(r, 4, &p) < 0)
		return -1;
	*v = le32(p);
	return 0;
}

/* n bytes and the padding to the next multiple of 4 (the last may lack it). */
static int
take_padded(struct rd *r, size_t n, const unsigned char **at)
{
	size_t pad = (4 - n % 4) % 4;

	if (take(r, n, at) < 0)
		return -1;
	(void)take(r, pad <= r->left ? pad : r->left, NULL);
	return 0;
}

int
md_tnef_is_tnef(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	return len >= 4 && p[0] == 0x78 && p[1] == 0x9F && p[2] == 0x3E &&
	    p[3] == 0x22;
}

/* ---- strings ----------------------------------------------------------- */

static void
str_free(struct md_tnef_str *s)
{
	free(s->s);
	memset(s, 0, sizeof *s);
}

/* 8-bit text up to its first NUL (strings carry their terminator). */
static int
str_8bit(struct md_tnef_str *s, const unsigned char *p, size_t n)
{
	const unsigned char *nul = memchr(p, '\0', n);
	char *c;

	if (nul != NULL)
		n = (size_t)(nul - p);
	if ((c = malloc(n + 1)) == NULL)
		return -1;
	if (n > 0)
		memcpy(c, p, n);
	c[n] = '\0';
	str_free(s);
	s->s = c;
	s->len = n;
	s->eight_bit = 1;
	return 0;
}

/* UTF-16LE up to its first NUL as UTF-8; lone surrogates are U+FFFD. */
static int
str_utf16(struct md_tnef_str *s, const unsigned char *p, size_t n)
{
	size_t units = n / 2, i, o = 0;
	uint32_t c, lo;
	char *u;

	/* one unit makes at most 3 bytes, a pair of them 4 */
	if ((u = malloc(units * 3 + 1)) == NULL)
		return -1;
	for (i = 0; i < units; i++) {
		c = (uint32_t)(p[2 * i] | p[2 * i + 1] << 8);
		if (c == 0)
			break;
		if (c >= 0xD800 && c <= 0xDBFF && i + 1 < units) {
			lo = (uint32_t)(p[2 * i + 2] | p[2 * i + 3] << 8);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			}
		}
		if (c >= 0xD800 && c <= 0xDFFF)
			c = 0xFFFD;
		o += md_utf8_encode(c, u + o);
	}
	u[o] = '\0';
	str_free(s);
	s->s = u;
	s->len = o;
	s->eight_bit = 0;
	return 0;
}

static int
str_prop(struct md_tnef_str *s, uint16_t type, const unsigned char *p, size_t n)
{
	return type == PT_UNICODE ? str_utf16(s, p, n) : str_8bit(s, p, n);
}

/* ---- attachments ------------------------------------------------------- */

static struct md_tnef_file *
new_file(struct parse *ps)
{
	struct md_tnef *t = ps->out;
	void *f, *r, *u;
	size_t cap;

	if (t->nfiles >= MD_TNEF_MAX_FILES)
		return NULL;
	if (t->nfiles == ps->cap) {
		cap = ps->cap ? ps->cap * 2 : 4;
		f = realloc(t->files, cap * sizeof *t->files);
		if (f != NULL)
			t->files = f;
		r = realloc(ps->name_rank, cap * sizeof *ps->name_rank);
		if (r != NULL)
			ps->name_rank = r;
		u = realloc(ps->unusable, cap * sizeof *ps->unusable);
		if (u != NULL)
			ps->unusable = u;
		if (f == NULL || r == NULL || u == NULL) {
			ps->nomem = 1;
			return NULL;
		}
		ps->cap = cap;
	}
	ps->name_rank[t->nfiles] = 0;
	ps->unusable[t->nfiles] = 0;
	memset(&t->files[t->nfiles], 0, sizeof t->files[0]);
	ps->in_attachment = 1;
	return &t->files[t->nfiles++];
}

/* The file attachment-level attributes go to (one is started if none). */
static struct md_tnef_file *
cur_file(struct parse *ps)
{
	if (!ps->in_attachment)
		return new_file(ps);
	return &ps->out->files[ps->out->nfiles - 1];
}

static int
set_name(struct parse *ps, int rank, uint16_t type, const unsigned char *p,
    size_t n)
{
	struct md_tnef_file *f = cur_file(ps);
	size_t i;

	if (f == NULL)
		return -1;
	i = ps->out->nfiles - 1;
	if (rank < ps->name_rank[i])
		return 0;
	ps->name_rank[i] = rank;
	if (str_prop(&f->name, type, p, n) < 0)
		ps->nomem = 1;
	return ps->nomem ? -1 : 0;
}

static int
set_body(struct parse *ps, int rank, uint16_t type, const unsigned char *p,
    size_t n)
{
	if (rank < ps->body_rank)
		return 0;
	ps->body_rank = rank;
	ps->out->body_html = rank == BODY_HTML;
	if (str_prop(&ps->out->body, type, p, n) < 0)
		ps->nomem = 1;
	return ps->nomem ? -1 : 0;
}

/* One attachment property's first value v[0..n). */
static int
attach_prop(struct parse *ps, uint16_t id, uint16_t type,
    const unsigned char *v, size_t n)
{
	int text = type == PT_STRING8 || type == PT_UNICODE;
	struct md_tnef_file *f;

	if (id == PR_ATTACH_LONG_FILENAME && text)
		return set_name(ps, NAME_LONG, type, v, n);
	if (id == PR_ATTACH_FILENAME && text)
		return set_name(ps, NAME_SHORT, type, v, n);
	if (id == PR_DISPLAY_NAME && text)
		return set_name(ps, NAME_DISPLAY, type, v, n);
	if ((f = cur_file(ps)) == NULL)
		return -1;
	if (id == PR_ATTACH_MIME_TAG && text) {
		if (str_prop(&f->mime_type, type, v, n) < 0)
			return ps->nomem = 1, -1;
	} else if (id == PR_ATTACH_DATA && type == PT_BINARY && !f->has_data) {
		f->data = v;
		f->size = n;
		f->has_data = 1;
	} else if (id == PR_ATTACH_DATA && type == PT_OBJECT)
		ps->unusable[ps->out->nfiles - 1] = 1;	/* embedded message, OLE */
	else if (id == PR_ATTACH_METHOD && n >= 4 && le32(v) != ATTACH_BY_VALUE)
		ps->unusable[ps->out->nfiles - 1] = 1;
	return 0;
}

static int
message_prop(struct parse *ps, uint16_t id, uint16_t type,
    const unsigned char *v, size_t n)
{
	if (id == PR_BODY && (type == PT_STRING8 || type == PT_UNICODE))
		return set_body(ps, BODY_PROP, type, v, n);
	if (id == PR_BODY_HTML && (type == PT_STRING8 || type == PT_BINARY ||
	    type == PT_UNICODE))
		return set_body(ps, BODY_HTML, type == PT_UNICODE ? PT_UNICODE :
		    PT_STRING8, v, n);
	if (id == PR_RTF_COMPRESSED)
		ps->out->has_rtf = 1;
	else if (id == PR_INTERNET_CPID && n >= 4)
		ps->html_cp = le32(v);
	return 0;
}

/* ---- MAPI property lists ------------------------------------------------ */

/* Bytes of one value of a fixed-size type before padding; 0: unknown type. */
static size_t
fixed_size(uint16_t type)
{
	switch (type) {
	case 0x0001: case 0x0002: case 0x0003: case 0x0004: case 0x000A:
	case 0x000B:
		return 4;	/* PT_NULL, I2, LONG, R4, ERROR, BOOLEAN (padded) */
	case 0x0005: case 0x0006: case 0x0007: case 0x0014: case 0x0040:
		return 8;	/* DOUBLE, CURRENCY, APPTIME, I8, SYSTIME */
	case 0x0048:
		return 16;	/* CLSID */
	default:
		return 0;
	}
}

/* A named property's name (GUID, kind, id or string), skipped. */
static int
skip_name(struct rd *r)
{
	uint32_t kind, n;

	if (take(r, 16, NULL) < 0 || u32(r, &kind) < 0)
		return -1;
	if (kind == 0)
		return take(r, 4, NULL);
	if (kind != 1 || u32(r, &n) < 0)
		return -1;
	return take_padded(r, n, NULL);
}

/* One property: its values read, the first of a single one handed on. */
static int
one_prop(struct parse *ps, struct rd *r, int level)
{
	uint16_t type, id, base;
	uint32_t nvals = 1, i, vlen;
	const unsigned char *v = NULL;
	size_t size = 0;
	int variable, rc = 0;

	if (u16(r, &type) < 0 || u16(r, &id) < 0)
		return -1;
	if (id >= 0x8000 && skip_name(r) < 0)
		return -1;
	base = type & (uint16_t)~MV_FLAG;
	variable = base == PT_OBJECT || base == PT_STRING8 ||
	    base == PT_UNICODE || base == PT_BINARY;
	if (!variable && (size = fixed_size(base)) == 0)
		return -1;		/* a type we cannot step over */
	/* every value takes at least 4 bytes: a count cannot outgrow them */
	if ((variable || (type & MV_FLAG)) &&
	    (u32(r, &nvals) < 0 || nvals > r->left / 4))
		return -1;
	for (i = 0; i < nvals && rc == 0; i++) {
		if (variable) {
			if (u32(r, &vlen) < 0)
				return -1;
			size = vlen;
		}
		if (take_padded(r, size, &v) < 0)
			return -1;
		if (i > 0 || (type & MV_FLAG) || id >= 0x8000)
			continue;
		rc = level == LVL_ATTACHMENT ? attach_prop(ps, id, base, v, size) :
		    message_prop(ps, id, base, v, size);
	}
	return rc;
}

static int
props(struct parse *ps, const unsigned char *p, size_t n, int level)
{
	struct rd r = { p, n };
	uint32_t count, i;

	if (u32(&r, &count) < 0 || count > MD_TNEF_MAX_PROPS)
		return -1;
	for (i = 0; i < count; i++)
		if (one_prop(ps, &r, level) < 0)
			return -1;
	return 0;
}

/* ---- attributes --------------------------------------------------------- */

static int
attribute(struct parse *ps, int level, uint16_t id, const unsigned char *d,
    size_t n)
{
	struct md_tnef_file *f;

	if (level == LVL_MESSAGE) {
		ps->in_attachment = 0;
		if (id == ATT_BODY)
			return set_body(ps, BODY_ATT, PT_STRING8, d, n);
		if (id == ATT_MSG_PROPS)
			return props(ps, d, n, LVL_MESSAGE);
		if (id == ATT_OEM_CODEPAGE && n >= 4)
			ps->out->codepage = le32(d);
		return 0;
	}
	if (id == ATT_ATTACH_REND_DATA) {
		ps->in_attachment = 0;		/* starts the next file */
		if ((f = new_file(ps)) == NULL)
			return -1;
		if (n >= 2 && (d[0] | d[1] << 8) == REND_OLE)
			ps->unusable[ps->out->nfiles - 1] = 1;
		return 0;
	}
	if (id == ATT_ATTACH_TITLE)
		return set_name(ps, NAME_TITLE, PT_STRING8, d, n);
	if (id == ATT_ATTACHMENT)
		return props(ps, d, n, LVL_ATTACHMENT);
	if (id == ATT_ATTACH_DATA) {
		if ((f = cur_file(ps)) == NULL)
			return -1;
		f->data = d;		/* wins over PR_ATTACH_DATA_BIN */
		f->size = n;
		f->has_data = 1;
	}
	return 0;
}

static int
all_zero(const unsigned char *p, size_t n)
{
	while (n > 0 && *p == 0)
		p++, n--;
	return n == 0;
}

static int
attributes(struct parse *ps, struct rd *r)
{
	const unsigned char *d, *ck;
	uint32_t tag, n, i;
	unsigned sum;
	uint8_t level;

	while (r->left > 0) {
		/* trailing zero bytes (padding some gateways add) end it */
		if (r->left < 11 && all_zero(r->p, r->left))
			break;
		if (take(r, 1, &d) < 0 || u32(r, &tag) < 0 || u32(r, &n) < 0)
			return -1;
		level = d[0];
		if ((level != LVL_MESSAGE && level != LVL_ATTACHMENT) ||
		    take(r, n, &d) < 0 || take(r, 2, &ck) < 0)
			return -1;
		for (sum = 0, i = 0; i < n; i++)
			sum += d[i];
		if ((sum & 0xFFFF) != (unsigned)(ck[0] | ck[1] << 8))
			ps->out->bad_checksum = 1;
		if (attribute(ps, level, (uint16_t)(tag & 0xFFFF), d, n) < 0)
			return -1;
	}
	return 0;
}

/* Files without bytes, OLE objects and embedded messages leave the list. */
static void
drop_unusable(struct parse *ps)
{
	struct md_tnef *t = ps->out;
	size_t i, o = 0;

	for (i = 0; i < t->nfiles; i++) {
		if (!t->files[i].has_data || ps->unusable[i]) {
			t->incomplete = 1;
			str_free(&t->files[i].name);
			str_free(&t->files[i].mime_type);
			continue;
		}
		t->files[o++] = t->files[i];
	}
	t->nfiles = o;
}

/*
 * 8-bit strings get their code page: the blob's (attOemCodepage), else
 * Windows' Western default; an HTML body its own (PR_INTERNET_CPID).
 */
static void
code_pages(struct parse *ps)
{
	struct md_tnef *t = ps->out;

	if (t->codepage == 0)
		t->codepage = 1252;
	t->body_codepage = t->body_html && ps->html_cp != 0 ? ps->html_cp :
	    t->codepage;
}

int
md_tnef_parse(const void *buf, size_t len, struct md_tnef *out)
{
	struct parse ps;
	struct rd r = { buf, len };
	uint32_t sig;
	int rc;

	memset(out, 0, sizeof *out);
	memset(&ps, 0, sizeof ps);
	ps.out = out;
	if (buf == NULL || u32(&r, &sig) < 0 || sig != MD_TNEF_SIGNATURE ||
	    take(&r, 2, NULL) < 0)
		return MD_TNEF_MALFORMED;
	rc = attributes(&ps, &r);
	if (rc == 0) {
		drop_unusable(&ps);
		code_pages(&ps);
	}
	free(ps.name_rank);
	free(ps.unusable);
	if (rc == 0)
		return MD_TNEF_OK;
	md_tnef_free(out);
	return ps.nomem ? MD_TNEF_NOMEM : MD_TNEF_MALFORMED;
}

void
md_tnef_free(struct md_tnef *t)
{
	size_t i;

	for (i = 0; i < t->nfiles; i++) {
		str_free(&t->files[i].name);
		str_free(&t->files[i].mime_type);
	}
	free(t->files);
	str_free(&t->body);
	memset(t, 0, sizeof *t);
}
