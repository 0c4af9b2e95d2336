/* tracker_ingest.c - one inbox record becomes an issue, a note or an archive entry. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracker.h"
#include "tracker_int.h"

int
md_trk_has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, tok, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
		p = strchr(p, ',');
	}
	return 0;
}

void
md_trk_sender(const struct md_record *rec, char *out, size_t outlen)
{
	const char *a = md_record_get(rec, MD_F_FROM_ADDR);
	size_t i;

	if (*a == '\0')
		a = md_record_get(rec, MD_F_MAIL_FROM);
	/* Cut, an address would name another mailbox (even another domain). */
	snprintf(out, outlen, "%s", strlen(a) < outlen ? a : "");
	for (i = 0; out[i] != '\0'; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

int
md_trk_keys_add(struct md_trk_keys *k, const char *project, long iid,
    const char *email, const char *rkey, const char *ukey)
{
	(void)k; (void)project; (void)iid; (void)email; (void)rkey; (void)ukey;
	return -1;
}

char *
md_trk_msg_key(const struct md_record *rec)
{
	(void)rec;
	return NULL;
}

int
md_trk_store_atts(struct md_store *st, const struct md_config *cfg,
    const struct md_record *rec, long issue_id, long note_id, int *n,
    char *err, size_t errlen)
{
	(void)st; (void)cfg; (void)rec; (void)issue_id; (void)note_id;
	*n = 0;
	snprintf(err, errlen, "not implemented yet");
	return -1;
}

int
md_tracker_ingest(struct md_store *st, const struct md_config *cfg,
    const char *entry_id, const struct md_record *rec, struct md_ingest *out,
    char *err, size_t errlen)
{
	(void)st; (void)cfg; (void)entry_id; (void)rec;
	memset(out, 0, sizeof *out);
	snprintf(err, errlen, "not implemented yet");
	return -1;
}

void
md_tracker_ingest_batch(struct md_store *st, const struct md_config *cfg,
    struct md_ingest_item *items, size_t n)
{
	size_t i;

	(void)st; (void)cfg;
	for (i = 0; i < n; i++) {
		memset(&items[i].out, 0, sizeof items[i].out);
		items[i].rc = -1;
		snprintf(items[i].err, sizeof items[i].err, "not implemented yet");
	}
}
