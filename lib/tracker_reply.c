/* tracker_reply.c - customers answering: replies, threading. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tracker_int.h"

int
md_trk_may_thread(const struct md_record *rec)
{
	(void)rec;
	return 0;
}

int
md_trk_find_thread(struct md_trk_rec *r, long *iid)
{
	(void)iid;
	snprintf(r->err, r->errlen, "not implemented yet");
	return -1;
}

int
md_trk_answer(struct md_trk_rec *r, const char *project, long iid,
    const char *key_email)
{
	(void)project; (void)iid; (void)key_email;
	snprintf(r->err, r->errlen, "not implemented yet");
	return -1;
}

int
md_trk_key_issue(struct md_store *st, const char *key, int unsub,
    char *project, long *iid, long *issue_id, char *email, char *err,
    size_t errlen)
{
	(void)st; (void)key; (void)unsub; (void)project; (void)iid; (void)issue_id;
	(void)email;
	snprintf(err, errlen, "not implemented yet");
	return -1;
}
