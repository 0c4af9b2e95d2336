/*
 * output.h - human output of the CLI: aligned tables and key/value blocks.
 *
 * Cells are sanitized (control characters shown as '?') so a hostile
 * subject line cannot drive the terminal; widths count UTF-8 characters.
 * JSON output uses lib/util/json.h.
 */
#ifndef MD_CLI_OUTPUT_H
#define MD_CLI_OUTPUT_H

#include <stdio.h>

#include "buf.h"
#include "json.h"

struct out_table;

/* ncols headers follow (upper case by convention: "NAME", "STATE"). */
struct out_table *out_table_new(int ncols, ...);
/* ncols cell strings follow (NULL prints as "-"); 0 or -1 on ENOMEM. */
int	out_table_add(struct out_table *t, ...);
/* Columns separated by two spaces; the last one is not padded. */
void	out_table_print(const struct out_table *t, FILE *fp);
void	out_table_free(struct out_table *t);

/* "key" padded to width, then the value (sanitized), then a newline. */
void	out_kv(FILE *fp, int width, const char *key, const char *value);

/* Prints a finished JSON document and a newline; 0, or -1 if it is malformed. */
int	out_json_print(const struct md_json *j, FILE *fp);
/* The same on stdout for a command's result: CLI_EXIT_OK, or the error
 * exit with a message when the document could not be built (ENOMEM). */
int	cli_print_json(const struct md_json *j);

#endif
