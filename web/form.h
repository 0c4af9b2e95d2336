/*
 * form.h - a bounded application/x-www-form-urlencoded parser.
 *
 * The front-end posts forms (URLSearchParams), never JSON, so request
 * bodies need no JSON parser at all.  The parser copies the body once,
 * decodes in place and keeps at most FORM_MAX_FIELDS fields; a field that
 * decodes to a NUL byte or a malformed %-escape rejects the whole body.
 */
#ifndef MD_WEB_FORM_H
#define MD_WEB_FORM_H

#include <stddef.h>

#define FORM_MAX_FIELDS	64

struct form {
	char	*store;			/* decoded copy of the body */
	char	*name[FORM_MAX_FIELDS];
	char	*value[FORM_MAX_FIELDS];
	int	 n;
};

/* Parses len bytes of data into f (f zeroed first); 0 or -1 (malformed/ENOMEM). */
int	form_parse(struct form *f, const char *data, size_t len);
/* The first value named name, or NULL. */
const char *form_get(const struct form *f, const char *name);
void	form_free(struct form *f);
/* Decodes %XX and '+' of s in place; -1 on a bad escape or %00. */
int	form_decode(char *s);

#endif
