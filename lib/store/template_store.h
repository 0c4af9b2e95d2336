/*
 * template_store.h - per-project templates, in the templates table of the
 * tracker of record: one row per (project, kind) with body and subject,
 * kinds as in template.h.  An empty body or subject (or no row) means the
 * built-in default, so "reset" empties it and the defaults can improve in
 * a new release without touching stored data.
 */
#ifndef MD_TEMPLATE_STORE_H
#define MD_TEMPLATE_STORE_H

#include "buf.h"
#include "template.h"

struct md_store;

/* Appends the project's own body and subject of kind k (nothing if unset). 0 / -1. */
int	md_template_load(struct md_store *st, const char *project,
	    enum md_template_kind k, md_buf *body, md_buf *subj, char *err, size_t errlen);
/*
 * Stores one field ("thank_you" or "thank_you_subject"); an empty text or
 * one equal to dflt resets it to the default instead.  0 / -1 with err
 * (no such project, unknown kind, database error).
 */
int	md_template_store(struct md_store *st, const char *project, const char *field,
	    const char *text, const char *dflt, char *err, size_t errlen);

#endif
