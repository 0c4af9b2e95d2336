/*
 * db_values.c - values into and out of a statement of db.c: the parameter
 * list (struct md_sqlp) a statement takes, and the cells of its result.
 *
 * Split from db.c, which keeps the connection and runs the statements:
 * nothing here touches a connection, so these are plain conversions
 * (numbers to the text form libpq sends, NULL cells to "" and 0) that
 * every caller of db.h uses the same way.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

/* ---- parameters ---------------------------------------------------------- */

void
md_sqlp_init(struct md_sqlp *p)
{
	memset(p, 0, sizeof *p);
}

void
md_sqlp_free(struct md_sqlp *p)
{
	int i;

	for (i = 0; i < p->n; i++)
		free(p->owned[i]);
	memset(p, 0, sizeof *p);
}

static int
slot(struct md_sqlp *p)
{
	if (p->n >= MD_SQLP_MAX) {
		p->err = 1;
		return -1;
	}
	return p->n++;
}

void
md_sqlp_str(struct md_sqlp *p, const char *s)
{
	int i = slot(p);

	if (i >= 0)
		p->v[i] = s;
}

void
md_sqlp_strn(struct md_sqlp *p, const char *s, size_t n)
{
	int i = slot(p);
	char *c;

	if (i < 0)
		return;
	/* A NUL would end the text early; the tracker never stores one. */
	if ((c = malloc(n + 1)) == NULL) {
		p->err = 1;
		return;
	}
	memcpy(c, s, n);
	c[n] = '\0';
	p->owned[i] = c;
	p->v[i] = c;
}

void
md_sqlp_bin(struct md_sqlp *p, const void *data, size_t n)
{
	int i = slot(p);

	if (i < 0)
		return;
	if (n > 0x7fffffff) {
		p->err = 1;
		return;
	}
	p->v[i] = data != NULL ? data : "";
	p->len[i] = (int)n;
	p->fmt[i] = 1;
}

static void
printf_slot(struct md_sqlp *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
printf_slot(struct md_sqlp *p, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	md_sqlp_strn(p, tmp, strlen(tmp));
}

void
md_sqlp_long(struct md_sqlp *p, long long v)
{
	printf_slot(p, "%lld", v);
}

void
md_sqlp_double(struct md_sqlp *p, double v)
{
	printf_slot(p, "%.17g", v);
}

void
md_sqlp_bool(struct md_sqlp *p, int v)
{
	md_sqlp_str(p, v ? "t" : "f");
}

void
md_sqlp_null(struct md_sqlp *p)
{
	md_sqlp_str(p, NULL);
}

/* ---- result cells ------------------------------------------------------- */

const char *
md_db_val(const PGresult *res, int row, int col)
{
	if (res == NULL || row >= PQntuples(res) || col >= PQnfields(res) ||
	    PQgetisnull(res, row, col))
		return "";
	return PQgetvalue(res, row, col);
}

long long
md_db_ll(const PGresult *res, int row, int col)
{
	return strtoll(md_db_val(res, row, col), NULL, 10);
}

char *
md_db_dup(const PGresult *res, int row, int col)
{
	return strdup(md_db_val(res, row, col));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
md_db_strings(PGresult *res, int col, char ***out, size_t *n, char *err,
    size_t errlen)
{
	char **v;
	int i, k = PQntuples(res);

	if ((v = calloc((size_t)k + 1, sizeof *v)) == NULL) {
		PQclear(res);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < k; i++)
		if ((v[i] = md_db_dup(res, i, col)) == NULL) {
			while (i-- > 0)
				free(v[i]);
			free(v);
			PQclear(res);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	PQclear(res);
	qsort(v, (size_t)k, sizeof *v, cmp_str);
	*out = v;
	*n = (size_t)k;
	return 0;
}
