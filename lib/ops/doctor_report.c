/*
 * doctor_report.c - the list of `maildesk doctor`'s results (doctor_report.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor_report.h"

const char *
md_check_status_name(enum md_check_status s)
{
	switch (s) {
	case MD_CHECK_OK: return "ok";
	case MD_CHECK_WARN: return "warn";
	default: return "FAIL";
	}
}

enum md_check_status
md_doctor_add(struct md_doctor *d, const char *name, enum md_check_status status,
    const char *advice, const char *fmt, ...)
{
	struct md_check *c, *grown;
	size_t cap;
	va_list ap;

	if (d->n == d->cap) {
		cap = d->cap ? d->cap * 2 : 32;
		if ((grown = realloc(d->checks, cap * sizeof *grown)) == NULL) {
			d->oom = 1;
			return status;
		}
		d->checks = grown;
		d->cap = cap;
	}
	c = &d->checks[d->n++];
	snprintf(c->name, sizeof c->name, "%s", name);
	c->status = status;
	va_start(ap, fmt);
	vsnprintf(c->message, sizeof c->message, fmt, ap);
	va_end(ap);
	snprintf(c->advice, sizeof c->advice, "%s", advice ? advice : "");
	return status;
}

void
md_doctor_free(struct md_doctor *d)
{
	free(d->checks);
	memset(d, 0, sizeof *d);
}
