/*
 * json.c - streaming JSON writer (see json.h).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

void
md_json_init(struct md_json *j, md_buf *b)
{
	memset(j, 0, sizeof *j);
	j->b = b;
}

int
md_json_error(const struct md_json *j)
{
	return j->err || j->depth != 0 || j->after_key ? -1 : 0;
}

static void
put(struct md_json *j, int rc)
{
	if (rc < 0)
		j->err = 1;
}

/* Separator before a value; refuses a bare value inside an object. */
static int
begin_value(struct md_json *j)
{
	if (j->err)
		return -1;
	if (j->after_key) {
		j->after_key = 0;
		return 0;
	}
	if (j->depth > 0 && j->kind[j->depth] == '{') {
		j->err = 1;
		return -1;
	}
	if (j->depth == 0 && j->count[0] > 0) {
		j->err = 1;	/* one top-level value per document */
		return -1;
	}
	if (j->count[j->depth]++ > 0)
		put(j, md_buf_putc(j->b, ','));
	return j->err ? -1 : 0;
}

static void
open_container(struct md_json *j, char kind)
{
	if (begin_value(j) < 0)
		return;
	if (j->depth >= MD_JSON_MAX_DEPTH) {
		j->err = 1;
		return;
	}
	j->depth++;
	j->kind[j->depth] = kind;
	j->count[j->depth] = 0;
	put(j, md_buf_putc(j->b, kind));
}

static void
close_container(struct md_json *j, char kind)
{
	if (j->err)
		return;
	if (j->depth == 0 || j->kind[j->depth] != kind || j->after_key) {
		j->err = 1;
		return;
	}
	j->depth--;
	put(j, md_buf_putc(j->b, kind == '{' ? '}' : ']'));
}

void
md_json_open_object(struct md_json *j)
{
	open_container(j, '{');
}

void
md_json_close_object(struct md_json *j)
{
	close_container(j, '{');
}

void
md_json_open_array(struct md_json *j)
{
	open_container(j, '[');
}

void
md_json_close_array(struct md_json *j)
{
	close_container(j, '[');
}

void
md_json_key(struct md_json *j, const char *key)
{
	if (j->err)
		return;
	if (j->depth == 0 || j->kind[j->depth] != '{' || j->after_key || key == NULL) {
		j->err = 1;
		return;
	}
	if (j->count[j->depth]++ > 0)
		put(j, md_buf_putc(j->b, ','));
	put(j, md_json_escape(j->b, key, strlen(key)));
	put(j, md_buf_putc(j->b, ':'));
	j->after_key = 1;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
static size_t
utf8_len(const unsigned char *s, size_t avail)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and past U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

int
md_json_escape(md_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	int rc = md_buf_putc(b, '"');

	while (rc == 0 && i < len) {
		switch (p[i]) {
		case '"':  rc = md_buf_puts(b, "\\\""); break;
		case '\\': rc = md_buf_puts(b, "\\\\"); break;
		case '\b': rc = md_buf_puts(b, "\\b"); break;
		case '\f': rc = md_buf_puts(b, "\\f"); break;
		case '\n': rc = md_buf_puts(b, "\\n"); break;
		case '\r': rc = md_buf_puts(b, "\\r"); break;
		case '\t': rc = md_buf_puts(b, "\\t"); break;
		default:
			if (p[i] < 0x20 || p[i] == 0x7f) {
				rc = md_buf_printf(b, "\\u%04x", p[i]);
			} else if ((n = utf8_len(p + i, len - i)) == 0) {
				rc = md_buf_puts(b, "\xef\xbf\xbd");	/* U+FFFD */
			} else {
				rc = md_buf_append(b, p + i, n);
				i += n - 1;
			}
		}
		i++;
	}
	return rc < 0 ? -1 : md_buf_putc(b, '"');
}

void
md_json_stringn(struct md_json *j, const char *s, size_t len)
{
	if (begin_value(j) < 0)
		return;
	put(j, s != NULL ? md_json_escape(j->b, s, len) : md_buf_puts(j->b, "null"));
}

void
md_json_string(struct md_json *j, const char *s)
{
	md_json_stringn(j, s, s != NULL ? strlen(s) : 0);
}

void
md_json_int(struct md_json *j, long long v)
{
	if (begin_value(j) == 0)
		put(j, md_buf_printf(j->b, "%lld", v));
}

void
md_json_double(struct md_json *j, double v)
{
	if (begin_value(j) < 0)
		return;
	if (!isfinite(v))
		put(j, md_buf_puts(j->b, "null"));
	else
		put(j, md_buf_printf(j->b, "%.15g", v));
}

void
md_json_bool(struct md_json *j, int v)
{
	if (begin_value(j) == 0)
		put(j, md_buf_puts(j->b, v ? "true" : "false"));
}

void
md_json_null(struct md_json *j)
{
	if (begin_value(j) == 0)
		put(j, md_buf_puts(j->b, "null"));
}

void
md_json_key_setting(struct md_json *j, const char *key, double v)
{
	md_json_key(j, key);
	if (v < 0)
		md_json_null(j);
	else
		md_json_double(j, v);
}

void
md_json_kstr(struct md_json *j, const char *key, const char *s)
{
	md_json_key(j, key);
	md_json_string(j, s);
}

void
md_json_kint(struct md_json *j, const char *key, long long v)
{
	md_json_key(j, key);
	md_json_int(j, v);
}
