/*
 * html_tag.h - the tag syntax shared by the two passes over HTML mail:
 * the renderer (html2text.c) and the reply trimmer (html_trim.c).
 *
 * html_trim.c finds offsets in the HTML and hands slices of it to
 * md_html_to_text, so both must agree on where a tag, a comment or a raw
 * element ends; one scanner keeps them from drifting apart.
 */
#ifndef MD_HTML_TAG_H
#define MD_HTML_TAG_H

#include <stddef.h>

/* Whitespace between a tag's name and its attributes. */
int md_html_tag_space(char c);

/*
 * p at '<': reads "<name" or "</name" into name (lower case, cut at
 * size - 1) and sets *closing.  Returns where the attributes start, or
 * NULL when the '<' starts no tag ("a < b").
 */
const char *md_html_tag_name(const char *p, const char *end, char *name,
    size_t size, int *closing);

/* Called once per attribute with its raw (undecoded) value; "" if none. */
typedef void md_html_attr_fn(void *ctx, const char *name, size_t nlen,
    const char *val, size_t vlen);

/*
 * The attributes of a tag, up to and past its '>' (quoted values may hold
 * '>').  Attributes without a value are not passed to fn.
 */
const char *md_html_attributes(const char *p, const char *end,
    md_html_attr_fn *fn, void *ctx);

/*
 * Does the '<' at p start a comment or something browsers read as one:
 * "<!", "<?", or "</" before no letter ("</ div>", "</>")?  At the end of
 * the input "</" is text.
 */
int md_html_is_decl(const char *p, const char *end);

/* p at such a '<': past "<!-- ... -->", "<!DOCTYPE ...>", "<?...>" ... */
const char *md_html_skip_decl(const char *p, const char *end);

/* Raw text elements (script, style, ...): to the "</name" that ends them. */
const char *md_html_skip_raw(const char *p, const char *end, const char *name);

#endif
