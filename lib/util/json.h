/*
 * json.h - a small streaming JSON writer into an md_buf.
 *
 * Callers emit values in document order; the writer inserts commas and
 * colons and escapes strings (RFC 8259): quote, backslash and control
 * characters are escaped, valid UTF-8 passes through unchanged, and bytes
 * that are not valid UTF-8 become U+FFFD so the output is always valid JSON
 * whatever a mail contained.  Errors (out of memory, nesting past
 * MD_JSON_MAX_DEPTH, a value where a key is due) are sticky: check
 * md_json_error() once at the end.
 */
#ifndef MD_JSON_H
#define MD_JSON_H

#include <stddef.h>

#include "buf.h"

#define MD_JSON_MAX_DEPTH	32

struct md_json {
	md_buf	*b;
	int	 depth;
	int	 err;
	int	 after_key;			/* a value completes "key": */
	int	 count[MD_JSON_MAX_DEPTH + 1];	/* items written at each level */
	char	 kind[MD_JSON_MAX_DEPTH + 1];	/* '{' or '[' */
};

void	md_json_init(struct md_json *j, md_buf *b);
void	md_json_open_object(struct md_json *j);
void	md_json_close_object(struct md_json *j);
void	md_json_open_array(struct md_json *j);
void	md_json_close_array(struct md_json *j);
/* An object member name; the next call writes its value. */
void	md_json_key(struct md_json *j, const char *key);
void	md_json_string(struct md_json *j, const char *s);	/* NULL writes null */
void	md_json_stringn(struct md_json *j, const char *s, size_t len);
void	md_json_int(struct md_json *j, long long v);
void	md_json_double(struct md_json *j, double v);		/* NaN/Inf write null */
void	md_json_bool(struct md_json *j, int v);
void	md_json_null(struct md_json *j);
/* "key": "s" (NULL: null) and "key": v, the pairs every object is made of. */
void	md_json_kstr(struct md_json *j, const char *key, const char *s);
void	md_json_kint(struct md_json *j, const char *key, long long v);
/* "key": v, or "key": null when v < 0 (a per-project setting left at the default). */
void	md_json_key_setting(struct md_json *j, const char *key, double v);
/* 0 if everything written so far is well formed, else -1. */
int	md_json_error(const struct md_json *j);

/* Appends s as a quoted, escaped JSON string (no separators). */
int	md_json_escape(md_buf *b, const char *s, size_t len);

#endif
