/*
 * utf8.h - internal UTF-8 helpers of the library (mime.c, html2text.c,
 * compose.c, the tracker).
 * (md_utf8_sanitize, md_utf8_valid and md_cp1252_to_utf8 are in mime.h.)
 */
#ifndef MD_UTF8_H
#define MD_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Encodes cp (invalid ones as U+FFFD) into out; returns the length (1-4). */
size_t	md_utf8_encode(uint32_t cp, char out[4]);
/* The code point of a windows-1252 byte (unassigned 0x80-0x9f: U+FFFD). */
uint32_t md_cp1252_char(unsigned char c);
/* Appends code point cp (invalid ones as U+FFFD) as UTF-8; 0 or -1. */
int	md_utf8_put_cp(md_buf *b, uint32_t cp);
/*
 * How much of s[0..len) to keep for at most n bytes without ending inside
 * a UTF-8 sequence: len when it fits; n itself for text that is not UTF-8.
 */
size_t	md_utf8_prefix(const char *s, size_t len, size_t n);
size_t	md_utf8_multibyte(const char *s, size_t len);

#endif
