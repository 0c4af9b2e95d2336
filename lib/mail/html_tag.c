/*
 * html_tag.c - the tag syntax shared by html2text.c and html_trim.c: tag
 * names, attributes, comments and declarations, raw text elements.  Each
 * is one forward pass with no recursion, so hostile HTML costs linear
 * time and constant stack.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "html_tag.h"

int
md_html_tag_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

const char *
md_html_tag_name(const char *p, const char *end, char *name, size_t size,
    int *closing)
{
	const char *q = p + 1;
	size_t n = 0;

	*closing = 0;
	if (q < end && *q == '/') {
		*closing = 1;
		q++;
	}
	if (q >= end || !is_alpha(*q))
		return NULL;
	for (; q < end && !md_html_tag_space(*q) && *q != '>' && *q != '/'; q++)
		if (n < size - 1)
			name[n++] = (char)((*q >= 'A' && *q <= 'Z') ? *q + 32 : *q);
	name[n] = '\0';
	return q;
}

const char *
md_html_attributes(const char *p, const char *end, md_html_attr_fn *fn,
    void *ctx)
{
	const char *name, *val;
	size_t nlen, vlen;
	char q;

	while (p < end) {
		while (p < end && (md_html_tag_space(*p) || *p == '/'))
			p++;
		if (p >= end || *p == '>')
			break;
		for (name = p; p < end && !md_html_tag_space(*p) && *p != '=' &&
		    *p != '>' && *p != '/'; p++)
			;
		nlen = (size_t)(p - name);
		while (p < end && md_html_tag_space(*p))
			p++;
		if (p >= end || *p != '=')
			continue;
		for (p++; p < end && md_html_tag_space(*p); p++)
			;
		if (p < end && (*p == '"' || *p == '\'')) {
			q = *p++;
			for (val = p; p < end && *p != q; p++)
				;
			vlen = (size_t)(p - val);
			if (p < end)
				p++;
		} else {
			for (val = p; p < end && !md_html_tag_space(*p) && *p != '>'; p++)
				;
			vlen = (size_t)(p - val);
		}
		fn(ctx, name, nlen, val, vlen);
	}
	return p < end ? p + 1 : end;
}

int
md_html_is_decl(const char *p, const char *end)
{
	if (end - p < 2)
		return 0;
	if (p[1] == '!' || p[1] == '?')
		return 1;
	return p[1] == '/' && end - p > 2 && !is_alpha(p[2]);
}

const char *
md_html_skip_decl(const char *p, const char *end)
{
	const char *q;

	if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
		/* "<!-->" and "<!--->" are empty comments to browsers */
		for (q = p + 4; q < end && q - p < 6 && *q == '-'; q++)
			;
		if (q < end && *q == '>')
			return q + 1;
		/* "--!>" ends a comment as "-->" does */
		for (q = p + 4; end - q >= 3; q++)
			if (q[0] == '-' && q[1] == '-' && (q[2] == '>' ||
			    (q[2] == '!' && end - q >= 4 && q[3] == '>')))
				return q + (q[2] == '>' ? 3 : 4);
		return end;
	}
	q = memchr(p, '>', (size_t)(end - p));
	return q ? q + 1 : end;
}

const char *
md_html_skip_raw(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	/* "</scriptx" does not end a script: the name must end there */
	for (; p < end; p++)
		if (*p == '<' && (size_t)(end - p) >= n + 2 && p[1] == '/' &&
		    strncasecmp(p + 2, name, n) == 0 && (p + 2 + n == end ||
		    md_html_tag_space(p[2 + n]) || p[2 + n] == '>' ||
		    p[2 + n] == '/'))
			return p;
	return end;
}
