/*
 * mime_input.h - internal to mime.c: the parser's input stream.
 */
#ifndef MD_MIME_INPUT_H
#define MD_MIME_INPUT_H

#include <stddef.h>
#include <gmime/gmime.h>

/*
 * A GMime stream over a sanitized copy of raw: NUL bytes in the top-level
 * headers become spaces and overlong RFC 2047/2231 charset names are
 * broken up (GMime copies them onto the stack unbounded).
 */
GMimeStream *md_mime_input_stream(const char *raw, size_t len);

#endif
