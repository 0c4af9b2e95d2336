/*
 * buf.h - a growable byte buffer that is always NUL-terminated.
 *
 * Used wherever bytes from the network are collected (milter body, SMTP
 * replies, rendered mails).
 *
 * Errors are sticky, as in hiredis' reader and Postfix's VSTRING: the
 * first append that fails (out of memory) marks the buffer, every later
 * append does nothing and fails too, and md_buf_detach() returns NULL.
 * A caller that builds a text in many appends checks md_buf_failed() once
 * at the end instead of after each; the return values stay for the
 * callers that stop at the first failure.
 */
#ifndef MD_BUF_H
#define MD_BUF_H

#include <stddef.h>
#include <stdarg.h>

typedef struct md_buf {
	char	*data;	/* NULL until the first append; always NUL-terminated after */
	size_t	 len;	/* bytes used, not counting the terminating NUL */
	size_t	 cap;	/* bytes allocated */
	int	 failed;	/* an append failed: the contents are incomplete */
} md_buf;

#define MD_BUF_INIT { NULL, 0, 0, 0 }

void	 md_buf_init(md_buf *b);
void	 md_buf_free(md_buf *b);
void	 md_buf_reset(md_buf *b);		/* len = 0, keeps memory, clears the error */
/* 1 when an append failed since the last init/reset: the text is incomplete. */
int	 md_buf_failed(const md_buf *b);
int	 md_buf_reserve(md_buf *b, size_t extra);	/* 0 or -1 (ENOMEM) */
int	 md_buf_append(md_buf *b, const void *p, size_t n);
int	 md_buf_puts(md_buf *b, const char *s);
int	 md_buf_putc(md_buf *b, char c);
int	 md_buf_printf(md_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	 md_buf_vprintf(md_buf *b, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
/* Returns the data (caller frees) and leaves b empty; NULL when an append failed. */
char	*md_buf_detach(md_buf *b);
/* The data as a C string; "" when nothing was appended yet. */
const char *md_buf_str(const md_buf *b);

/* A malloc'd copy of n bytes plus a NUL ("" for NULL); NULL only on ENOMEM. */
char	*md_strndup(const char *s, size_t n);

#endif
