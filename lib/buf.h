/*
 * buf.h - a growable byte buffer that is always NUL-terminated.
 *
 * Used wherever bytes from the network are collected (milter body, SMTP
 * replies, rendered mails).  Every append checks a caller-visible limit
 * through the return value, so callers never write past what they asked for.
 */
#ifndef MD_BUF_H
#define MD_BUF_H

#include <stddef.h>
#include <stdarg.h>

typedef struct md_buf {
	char	*data;	/* NULL until the first append; always NUL-terminated after */
	size_t	 len;	/* bytes used, not counting the terminating NUL */
	size_t	 cap;	/* bytes allocated */
} md_buf;

#define MD_BUF_INIT { NULL, 0, 0 }

void	 md_buf_init(md_buf *b);
void	 md_buf_free(md_buf *b);
void	 md_buf_reset(md_buf *b);		/* len = 0, keeps memory */
int	 md_buf_reserve(md_buf *b, size_t extra);	/* 0 or -1 (ENOMEM) */
int	 md_buf_append(md_buf *b, const void *p, size_t n);
int	 md_buf_puts(md_buf *b, const char *s);
int	 md_buf_putc(md_buf *b, char c);
int	 md_buf_printf(md_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	 md_buf_vprintf(md_buf *b, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
/* Returns the data (caller frees) and leaves b empty; never NULL on success. */
char	*md_buf_detach(md_buf *b);
/* The data as a C string; "" when nothing was appended yet. */
const char *md_buf_str(const md_buf *b);

/* A malloc'd copy of n bytes plus a NUL ("" for NULL); NULL only on ENOMEM. */
char	*md_strndup(const char *s, size_t n);

#endif
