/*
 * buf.c - growable NUL-terminated byte buffer.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
md_buf_init(md_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = 0;
}

void
md_buf_free(md_buf *b)
{
	free(b->data);
	md_buf_init(b);
}

void
md_buf_reset(md_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

int
md_buf_failed(const md_buf *b)
{
	return b->failed;
}

/* Marks b as failed: every later append fails, detach returns NULL. */
static int
fail(md_buf *b)
{
	b->failed = 1;
	errno = ENOMEM;
	return -1;
}

int
md_buf_reserve(md_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return -1;
	if (extra > SIZE_MAX - b->len - 1)
		return fail(b);
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		return fail(b);
	b->data = p;
	b->cap = cap;
	return 0;
}

int
md_buf_append(md_buf *b, const void *p, size_t n)
{
	if (md_buf_reserve(b, n) < 0)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
md_buf_puts(md_buf *b, const char *s)
{
	return md_buf_append(b, s, strlen(s));
}

int
md_buf_putc(md_buf *b, char c)
{
	return md_buf_append(b, &c, 1);
}

int
md_buf_vprintf(md_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return fail(b);
	if (md_buf_reserve(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
md_buf_printf(md_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = md_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *
md_buf_detach(md_buf *b)
{
	char *p;

	if (b->failed) {
		md_buf_free(b);
		return NULL;
	}
	if (b->data == NULL && md_buf_reserve(b, 0) < 0)
		return NULL;
	p = b->data;
	p[b->len] = '\0';
	md_buf_init(b);
	return p;
}

const char *
md_buf_str(const md_buf *b)
{
	return b->data ? b->data : "";
}

char *
md_strndup(const char *s, size_t n)
{
	char *c;

	if (s == NULL)
		s = "", n = 0;
	if ((c = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}
