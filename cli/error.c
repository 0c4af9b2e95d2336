/*
 * error.c - the CLI's one-line error message.
 *
 * Its own file, below main.c and every command file, so that who.c and
 * the store openers (connect.c) can report without calling back into
 * main.c.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

void
cli_verror(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("maildesk: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int
cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_verror(fmt, ap);
	va_end(ap);
	return CLI_EXIT_FAIL;
}
