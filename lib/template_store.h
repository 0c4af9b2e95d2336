/*
 * template_store.h - per-project templates in Redis.
 *
 * <p>templates:<project> is a HASH with fields <kind> (body) and
 * <kind>_subject, kinds as in template.h.  A missing field means the
 * built-in default, so "reset" is HDEL and the defaults can improve in a
 * new release without touching stored data.
 */
#ifndef MD_TEMPLATE_STORE_H
#define MD_TEMPLATE_STORE_H

#include "buf.h"
#include "redis.h"
#include "template.h"

/* Appends the project's own body and subject of kind k (nothing if unset). 0 / -1. */
int	md_template_load(struct md_redis *r, const char *project, enum md_template_kind k,
	    md_buf *body, md_buf *subj);
/*
 * Stores one field ("thank_you" or "thank_you_subject"); an empty text or
 * one equal to dflt deletes the field instead.  0 / -1.
 */
int	md_template_store(struct md_redis *r, const char *project, const char *field,
	    const char *text, const char *dflt);

#endif
