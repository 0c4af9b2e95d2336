/*
 * retry.c - the worker's half of "maildesk queue retry" (lib/store/
 * queue_retry.c has the protocol): between inbox reads the main thread
 * looks for requests and moves what they ask for back to the inbox, where
 * the next read files it like any record.  Called only after an inbox step
 * that worked, so Redis and PostgreSQL are up and a moved record is filed
 * soon after; the look costs one XRANGE, at most every 200 ms.  An --all
 * request moves at most one round of records per look, so that a long dead
 * stream does not keep the loop from the inbox, claims, retention and a
 * stop; a request Redis refuses again and again is given up, not left at
 * the head of the requests to hold up the ones behind it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "queue.h"
#include "retry.h"

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

/* The refusal count of request req, or NULL. */
static struct wk_retry_refused *
refusals_of(struct wk_retry *t, const char *req)
{
	size_t k;

	for (k = 0; k < WK_RETRY_REQUESTS; k++)
		if (strcmp(t->refused[k].req, req) == 0)
			return &t->refused[k];
	return NULL;
}

static void
forget_refusals(struct wk_retry *t, const char *req)
{
	struct wk_retry_refused *f = refusals_of(t, req);

	if (f != NULL)
		memset(f, 0, sizeof *f);
}

/*
 * Redis refused q's script (why): counted, and the WK_RETRY_REFUSALS-th
 * time q is given up.  A free entry, else the least refused one (a request
 * another worker ended, most likely), keeps the count.
 */
static void
refused_again(struct wk_retry *t, struct md_redis *r, const struct md_retry_request *q,
    const char *why)
{
	struct wk_retry_refused *f = refusals_of(t, q->id);
	char err[512];
	size_t k;

	if (f == NULL) {
		f = &t->refused[0];
		for (k = 1; k < WK_RETRY_REQUESTS && *f->req != '\0'; k++)
			if (*t->refused[k].req == '\0' || t->refused[k].times < f->times)
				f = &t->refused[k];
		memset(f, 0, sizeof *f);
		snprintf(f->req, sizeof f->req, "%s", q->id);
	}
	if (++f->times < WK_RETRY_REFUSALS) {
		md_log(f->times == 1 ? LOG_WARNING : LOG_DEBUG, "queue retry %s: %s "
		    "(tried again next time)", q->id, why);
		return;
	}
	if (md_queue_retry_fail(r, q->id, why, err, sizeof err) < 0) {
		md_log(LOG_DEBUG, "queue retry %s: giving it up: %s", q->id, err);
		return;	/* counted on: given up at the next look */
	}
	md_log(LOG_ERR, "queue retry %s: refused %d times (%s); request (id \"%s\", "
	    "upto \"%s\") given up and dropped", q->id, f->times, why, q->dead_id,
	    q->upto);
	memset(f, 0, sizeof *f);
}

void
wk_retry_step(struct wk_retry *t, struct wk_inbox *w)
{
	struct md_retry_request *q;
	struct md_retry_outcome o;
	char err[512];
	size_t n, k;
	int failed = 0, all_round = 0, rc;

	if (!w->st_open || w->r == NULL || md_now_ms() - t->last < WK_RETRY_EVERY_MS)
		return;
	t->last = md_now_ms();
	if (md_queue_retry_requests(w->r, WK_RETRY_REQUESTS, &q, &n, err, sizeof err) < 0) {
		md_log(t->failing ? LOG_DEBUG : LOG_ERR, "queue retry requests: %s", err);
		t->failing = 1;
		return;
	}
	for (k = 0; k < n && !failed; k++) {
		/* One round of --all per step: the rest at the next look. */
		if (*q[k].dead_id == '\0') {
			if (all_round)
				continue;
			all_round = 1;
		}
		rc = md_queue_retry_serve(w->r, &q[k], &o, err, sizeof err);
		if (rc == MD_QUEUE_REFUSED) {
			refused_again(t, w->r, &q[k], err);
			continue;	/* the next request is not to blame */
		}
		if (rc < 0) {
			/* Redis unreachable or not serving: so are the others. */
			md_log(t->failing ? LOG_DEBUG : LOG_ERR, "queue retry %s: %s "
			    "(the request stays)", q[k].id, err);
			failed = 1;
			continue;
		}
		forget_refusals(t, q[k].id);
		if (rc == 1)
			md_log(LOG_DEBUG, "queue retry %s: %ld dead records up to %s "
			    "back in the inbox so far", q[k].id, o.count, q[k].upto);
		else
			log_outcome(&q[k], &o);
	}
	t->failing = failed;
	free(q);
}
