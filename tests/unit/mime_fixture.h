/*
 * mime_fixture.h - what the md_mime_parse tests share: the fixtures of
 * tests/fixtures/mime, parsing with the check that every string that comes
 * out is there, valid UTF-8 and bounded.  Static inline: each program takes
 * what it uses.
 */
#ifndef MD_MIME_FIXTURE_H
#define MD_MIME_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "mime.h"
#include "unit.h"

static inline char *
load(const char *name, size_t *len)
{
	char path[1024];
	FILE *fp;
	char *data;
	long n;

	snprintf(path, sizeof path, "%s/tests/fixtures/mime/%s",
	    md_fixture_dir(), name);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(data);
	ck_assert_uint_eq(fread(data, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return data;
}

static inline void
assert_clean(const char *what, const char *s)
{
	ck_assert_msg(s != NULL, "%s is NULL", what);
	ck_assert_msg(g_utf8_validate(s, -1, NULL), "%s not UTF-8", what);
}

/* Every string of every result: non-NULL, valid UTF-8, bounded. */
static inline void
assert_all_clean(const struct md_mime *m)
{
	size_t i;

	assert_clean("subject", m->subject);
	assert_clean("from", m->from);
	assert_clean("from_addr", m->from_addr);
	assert_clean("from_name", m->from_name);
	assert_clean("reply_to", m->reply_to);
	assert_clean("cc", m->cc);
	assert_clean("message_id", m->message_id);
	assert_clean("in_reply_to", m->in_reply_to);
	assert_clean("references", m->references);
	assert_clean("text", m->text);
	assert_clean("auto_submitted", m->auto_submitted);
	assert_clean("precedence", m->precedence);
	assert_clean("x_autoreply", m->x_autoreply);
	assert_clean("x_autorespond", m->x_autorespond);
	assert_clean("list_id", m->list_id);
	assert_clean("return_path", m->return_path);
	ck_assert_uint_le(strlen(m->subject), MD_MIME_MAX_HEADER);
	ck_assert_uint_le(strlen(m->references), MD_MIME_MAX_HEADER);
	ck_assert_uint_le(strlen(m->text), MD_MIME_MAX_TEXT);
	ck_assert_ptr_null(strchr(m->text, '\r'));
	for (i = 0; i < m->nattachments; i++) {
		assert_clean("filename", m->attachments[i].filename);
		assert_clean("content_type", m->attachments[i].content_type);
		ck_assert_ptr_null(strpbrk(m->attachments[i].filename, "/\\"));
	}
}

static inline void
parse_mem(const char *raw, size_t len, int want_data, size_t max,
    struct md_mime *m)
{
	ck_assert_int_eq(md_mime_parse(raw, len, want_data, max, m), 0);
	assert_all_clean(m);
}

static inline void
parse_file(const char *name, int want_data, size_t max, struct md_mime *m)
{
	size_t len;
	char *raw = load(name, &len);

	parse_mem(raw, len, want_data, max, m);
	free(raw);
}

/* The first attachment of that type (NULL: any) and name (NULL: any). */
static inline const struct md_attachment *
find_attachment(const struct md_mime *m, const char *type, const char *name)
{
	size_t i;

	for (i = 0; i < m->nattachments; i++)
		if ((type == NULL || strcmp(m->attachments[i].content_type,
		    type) == 0) && (name == NULL ||
		    strcmp(m->attachments[i].filename, name) == 0))
			return &m->attachments[i];
	ck_abort_msg("no attachment of type [%s] named [%s]",
	    type ? type : "*", name ? name : "*");
	return NULL;
}

/* The text md_mime_parse makes of raw (a char array) is want. */
#define assert_text(raw, want) do { \
	struct md_mime m_; \
	parse_mem((raw), sizeof (raw) - 1, 0, 0, &m_); \
	ck_assert_str_eq(m_.text, (want)); \
	md_mime_free(&m_); \
} while (0)

#define assert_has(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) != NULL, \
	    "%s: [%s] lacks [%s]", #hay, (hay), (needle))
#define assert_lacks(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) == NULL, \
	    "%s: [%s] has [%s]", #hay, (hay), (needle))

static inline void
setup(void)
{
	md_mime_init();
}

#endif
