/*
 * form.c - application/x-www-form-urlencoded bodies, decoded in place.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "form.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
form_decode(char *s)
{
	char *w = s;
	int hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '+') {
			*w++ = ' ';
		} else if (*s == '%') {
			if ((hi = hexval(s[1])) < 0 || (lo = hexval(s[2])) < 0)
				return -1;
			if (hi == 0 && lo == 0)
				return -1;	/* NUL would cut the value silently */
			*w++ = (char)(hi * 16 + lo);
			s += 2;
		} else
			*w++ = *s;
	}
	*w = '\0';
	return 0;
}

int
form_parse(struct form *f, const char *data, size_t len)
{
	char *p, *amp, *eq;

	memset(f, 0, sizeof *f);
	if (memchr(data, '\0', len) != NULL)
		return -1;
	if ((f->store = malloc(len + 1)) == NULL)
		return -1;
	memcpy(f->store, data, len);
	f->store[len] = '\0';
	for (p = f->store; *p != '\0'; p = amp + 1) {
		if ((amp = strchr(p, '&')) != NULL)
			*amp = '\0';
		if (*p != '\0') {
			if (f->n == FORM_MAX_FIELDS)
				goto bad;
			if ((eq = strchr(p, '=')) != NULL)
				*eq++ = '\0';
			else
				eq = p + strlen(p);	/* "flag" alone: empty value */
			if (form_decode(p) < 0 || form_decode(eq) < 0)
				goto bad;
			f->name[f->n] = p;
			f->value[f->n] = eq;
			f->n++;
		}
		if (amp == NULL)
			break;
	}
	return 0;
bad:
	form_free(f);
	return -1;
}

const char *
form_get(const struct form *f, const char *name)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return f->value[i];
	return NULL;
}

void
form_free(struct form *f)
{
	free(f->store);
	memset(f, 0, sizeof *f);
}
