/* tracker_mail.c - who gets which mail about an issue, and how it threads. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tracker_int.h"

void
md_trk_issue_free(struct md_trk_issue *b)
{
	free(b->title);
	free(b->description);
	free(b->message_id);
	free(b->customer_email);
	free(b->customer_name);
	free(b->state);
	memset(b, 0, sizeof *b);
}

int
md_trk_issue_load(struct md_store *st, const char *project, long iid,
    int lock, struct md_trk_issue *b, char *err, size_t errlen)
{
	(void)st; (void)project; (void)iid; (void)lock;
	memset(b, 0, sizeof *b);
	snprintf(err, errlen, "not implemented yet");
	return -1;
}

int
md_trk_is_desk(const struct md_config *cfg, const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at != NULL && strcasecmp(at + 1, cfg->desk_domain) == 0;
}

int
md_trk_mails(struct md_store *st, const struct md_trk_issue *b,
    enum md_template_kind tk, const char *ok, const char *note_text,
    const char *prefix, const struct md_trk_rcpts *who, int *n, char *err,
    size_t errlen)
{
	(void)st; (void)b; (void)tk; (void)ok; (void)note_text; (void)prefix; (void)who;
	*n = 0;
	snprintf(err, errlen, "not implemented yet");
	return -1;
}

int
md_trk_automail(struct md_store *st, const char *email, int cap, long now,
    int *over, char *err, size_t errlen)
{
	(void)st; (void)email; (void)cap; (void)now;
	*over = 0;
	snprintf(err, errlen, "not implemented yet");
	return -1;
}
