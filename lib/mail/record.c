/*
 * record.c - the inbox record: named, binary-safe fields.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "record.h"

static const char *const field_names[MD_F_COUNT] = {
	[MD_F_V] = "v", [MD_F_ID] = "id", [MD_F_QUEUE_ID] = "queue_id",
	[MD_F_RECEIVED] = "received", [MD_F_CLIENT_IP] = "client_ip",
	[MD_F_HELO] = "helo", [MD_F_MAIL_FROM] = "mail_from",
	[MD_F_RCPT] = "rcpt", [MD_F_KIND] = "kind", [MD_F_PROJECT] = "project",
	[MD_F_KEY] = "key", [MD_F_SPF] = "spf",
	[MD_F_RECEIVED_SPF] = "received_spf", [MD_F_DKIM] = "dkim",
	[MD_F_DMARC] = "dmarc", [MD_F_SENDER_AUTH] = "sender_auth", [MD_F_SCORE] = "score",
	[MD_F_RULES] = "rules", [MD_F_AUTO_REASON] = "auto_reason",
	[MD_F_MESSAGE_ID] = "message_id", [MD_F_IN_REPLY_TO] = "in_reply_to",
	[MD_F_REFERENCES] = "references", [MD_F_FROM] = "from",
	[MD_F_FROM_ADDR] = "from_addr", [MD_F_FROM_NAME] = "from_name",
	[MD_F_REPLY_TO] = "reply_to", [MD_F_CC] = "cc",
	[MD_F_SUBJECT] = "subject", [MD_F_TEXT] = "text",
	[MD_F_ATTACHMENTS] = "attachments", [MD_F_FLAGS] = "flags",
	[MD_F_RAW] = "raw",
};

const char *
md_record_field_name(enum md_field f)
{
	return (unsigned)f < MD_F_COUNT ? field_names[f] : "";
}

int
md_record_field_by_name(const char *name, size_t len)
{
	int i;

	for (i = 0; i < MD_F_COUNT; i++)
		if (strlen(field_names[i]) == len && memcmp(field_names[i], name, len) == 0)
			return i;
	return -1;
}

void
md_record_init(struct md_record *r)
{
	memset(r, 0, sizeof *r);
}

void
md_record_free(struct md_record *r)
{
	int i;

	for (i = 0; i < MD_F_COUNT; i++)
		free(r->val[i]);
	md_record_init(r);
}

int
md_record_setn(struct md_record *r, enum md_field f, const char *p, size_t n)
{
	char *v;

	if ((unsigned)f >= MD_F_COUNT)
		return -1;
	v = malloc(n + 1);
	if (v == NULL)
		return -1;
	if (n > 0)
		memcpy(v, p, n);
	v[n] = '\0';
	free(r->val[f]);
	r->val[f] = v;
	r->len[f] = n;
	return 0;
}

int
md_record_set(struct md_record *r, enum md_field f, const char *s)
{
	return md_record_setn(r, f, s ? s : "", s ? strlen(s) : 0);
}

int
md_record_setf(struct md_record *r, enum md_field f, const char *fmt, ...)
{
	md_buf b = MD_BUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = md_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc == 0)
		rc = md_record_setn(r, f, md_buf_str(&b), b.len);
	md_buf_free(&b);
	return rc;
}

const char *
md_record_get(const struct md_record *r, enum md_field f)
{
	return ((unsigned)f < MD_F_COUNT && r->val[f]) ? r->val[f] : "";
}

size_t
md_record_len(const struct md_record *r, enum md_field f)
{
	return ((unsigned)f < MD_F_COUNT && r->val[f]) ? r->len[f] : 0;
}

int
md_record_to_argv(const struct md_record *r, const char **argv, size_t *lens, int max)
{
	int i, n = 0;

	for (i = 0; i < MD_F_COUNT && n + 2 <= max; i++) {
		argv[n] = field_names[i];
		lens[n++] = strlen(field_names[i]);
		argv[n] = md_record_get(r, (enum md_field)i);
		lens[n++] = md_record_len(r, (enum md_field)i);
	}
	return n;
}

int
md_record_from_pairs(struct md_record *r, size_t n, const char *const *items,
    const size_t *lens)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2) {
		int f = md_record_field_by_name(items[i], lens[i]);

		if (f < 0)
			continue;	/* newer writer: unknown fields are ignored */
		if (md_record_setn(r, (enum md_field)f, items[i + 1], lens[i + 1]) < 0)
			return -1;
	}
	return 0;
}
