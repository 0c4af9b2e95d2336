/*
 * output.c - aligned tables and key/value lines for the CLI.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

struct out_table {
	int	  ncols;
	size_t	  nrows;	/* including the header row */
	size_t	  cap;
	char	**cells;	/* nrows * ncols, sanitized copies */
};

/* Copy with control characters replaced, so output cannot steer a terminal. */
static char *
sanitize(const char *s)
{
	char *out, *p;

	if ((out = strdup(s != NULL ? s : "-")) == NULL)
		return NULL;
	for (p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return out;
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static int
add_row(struct out_table *t, va_list ap)
{
	char **cells;
	size_t base;
	int i;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		cells = realloc(t->cells, t->cap * (size_t)t->ncols * sizeof *cells);
		if (cells == NULL)
			return -1;
		t->cells = cells;
	}
	base = t->nrows * (size_t)t->ncols;
	for (i = 0; i < t->ncols; i++) {
		if ((t->cells[base + (size_t)i] = sanitize(va_arg(ap, const char *))) == NULL) {
			while (i-- > 0)
				free(t->cells[base + (size_t)i]);
			return -1;
		}
	}
	t->nrows++;
	return 0;
}

struct out_table *
out_table_new(int ncols, ...)
{
	struct out_table *t;
	va_list ap;
	int rc;

	if (ncols < 1 || (t = calloc(1, sizeof *t)) == NULL)
		return NULL;
	t->ncols = ncols;
	va_start(ap, ncols);
	rc = add_row(t, ap);
	va_end(ap);
	if (rc < 0) {
		out_table_free(t);
		return NULL;
	}
	return t;
}

int
out_table_add(struct out_table *t, ...)
{
	va_list ap;
	int rc;

	va_start(ap, t);
	rc = add_row(t, ap);
	va_end(ap);
	return rc;
}

void
out_table_print(const struct out_table *t, FILE *fp)
{
	size_t *w, r, i, n = (size_t)t->ncols, cw;
	const char *cell;

	if ((w = calloc(n, sizeof *w)) == NULL)
		return;
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < n; i++)
			if ((cw = width(t->cells[r * n + i])) > w[i])
				w[i] = cw;
	for (r = 0; r < t->nrows; r++) {
		for (i = 0; i < n; i++) {
			cell = t->cells[r * n + i];
			fputs(cell, fp);
			if (i + 1 < n)
				fprintf(fp, "%*s", (int)(w[i] - width(cell) + 2), "");
		}
		fputc('\n', fp);
	}
	free(w);
}

void
out_table_free(struct out_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void
out_kv(FILE *fp, int keywidth, const char *key, const char *value)
{
	char *v = sanitize(value);

	fprintf(fp, "%-*s  %s\n", keywidth, key, v != NULL ? v : "-");
	free(v);
}

int
out_json_print(const struct md_json *j, FILE *fp)
{
	if (md_json_error(j) < 0)
		return -1;
	fputs(md_buf_str(j->b), fp);
	fputc('\n', fp);
	return 0;
}

int
cli_print_json(const struct md_json *j)
{
	if (out_json_print(j, stdout) < 0)
		return cli_error("could not build the JSON output");
	return CLI_EXIT_OK;
}
