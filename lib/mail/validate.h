/*
 * validate.h - what the CLI and the web UI both refuse before they ask the
 * tracker to store it (issue 17): one rule, one place, so the two
 * front-ends cannot drift apart.
 */
#ifndef MD_VALIDATE_H
#define MD_VALIDATE_H

#include <stddef.h>

#include "conf.h"

/* Bytes of one note, whichever front-end it comes from (issue 21). */
#define MD_NOTE_MAX	(1024 * 1024)

/*
 * Why text cannot be a note (it is mailed as UTF-8 to the customer), or
 * NULL: a NUL would cut it short unseen, invalid UTF-8 would reach the
 * customer as mojibake, there must be something to say, and at most
 * MD_NOTE_MAX bytes of it.
 */
const char *md_note_text_problem(const char *text, size_t len);

/*
 * 0 if alias may be a project's alias; -1 with err when it is not an
 * address, or is an address of the desk domain (those are the desk's own:
 * the milter never looks them up as aliases).  out (may be NULL) receives
 * the canonical form (lower case) stored in the aliases table.
 */
int	md_alias_check(const struct md_config *cfg, const char *alias, char *out,
	    size_t outlen, char *err, size_t errlen);

/*
 * Why title cannot be an issue's title, or NULL: 1 to 255 characters of
 * valid UTF-8 without control characters (it goes into mail subjects).
 */
const char *md_title_problem(const char *title);

/* 1 if p is a priority: low, normal, high or urgent. */
int	md_priority_valid(const char *p);

/*
 * A duration such as "8h", "30m", "2d", "90s" or plain seconds ("3600"),
 * at most a year: 0 and *secs set, -1 when it is not one.  "" or "off"
 * sets 0 (none).
 */
int	md_duration_parse(const char *s, long *secs);

#endif
