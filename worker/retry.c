/*
 * retry.c - the worker's half of "maildesk queue retry" (lib/store/
 * queue_retry.c has the protocol): between inbox reads the main thread
 * looks for requests and moves what they ask for back to the inbox, where
 * the next read files it like any record.  Called only after an inbox step
 * that worked, so Redis and PostgreSQL are up and a moved record is filed
 * soon after; the look costs one XRANGE, at most every 200 ms.
 */
#include "config.h"

#include <stdlib.h>

#include "clock.h"
#include "log.h"
#include "queue.h"
#include "retry.h"

#define REQUESTS_PER_LOOK	10

static void
log_outcome(const struct md_retry_request *q, const struct md_retry_outcome *o)
{
	switch (o->state) {
	case MD_RETRY_DONE:
		if (*q->dead_id != '\0')
			md_log(LOG_NOTICE, "queue retry %s: dead record %s back in the "
			    "inbox as %s", q->id, q->dead_id, o->new_id);
		else
			md_log(LOG_NOTICE, "queue retry %s: %ld dead record%s up to %s "
			    "back in the inbox", q->id, o->count, o->count == 1 ? "" : "s",
			    q->upto);
		break;
	case MD_RETRY_NOSUCH:
		md_log(LOG_NOTICE, "queue retry %s: %s is not a dead record (any "
		    "more)", q->id, q->dead_id);
		break;
	case MD_RETRY_BAD:
		md_log(LOG_WARNING, "queue retry %s: malformed request (id \"%s\", "
		    "upto \"%s\"), dropped", q->id, q->dead_id, q->upto);
		break;
	default:
		break;	/* another worker served it */
	}
}

void
wk_retry_step(struct wk_retry *t, struct wk_inbox *w)
{
	struct md_retry_request *q;
	struct md_retry_outcome o;
	char err[512];
	size_t n, k;
	int failed = 0;

	if (!w->st_open || w->r == NULL || md_now_ms() - t->last < WK_RETRY_EVERY_MS)
		return;
	t->last = md_now_ms();
	if (md_queue_retry_requests(w->r, REQUESTS_PER_LOOK, &q, &n, err, sizeof err) < 0) {
		md_log(t->failing ? LOG_DEBUG : LOG_ERR, "queue retry requests: %s", err);
		t->failing = 1;
		return;
	}
	for (k = 0; k < n && !failed; k++) {
		if (md_queue_retry_serve(w->r, &q[k], &o, err, sizeof err) < 0) {
			md_log(t->failing ? LOG_DEBUG : LOG_ERR, "queue retry %s: %s "
			    "(the request stays)", q[k].id, err);
			failed = 1;
		} else {
			log_outcome(&q[k], &o);
		}
	}
	t->failing = failed;
	free(q);
}
