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

int
cli_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("maildesk: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_EXIT_FAIL;
}
