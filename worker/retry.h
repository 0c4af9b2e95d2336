/*
 * retry.h - maildesk-worker serves "maildesk queue retry": the CLI may not
 * write the inbox, so it leaves a request in <prefix>retry and the worker
 * moves the dead records back (lib/store/queue_retry.c).
 */
#ifndef MD_WORKER_RETRY_H
#define MD_WORKER_RETRY_H

#include "wk_inbox.h"
#include "queue.h"

#define WK_RETRY_REQUESTS	10	/* requests looked at per step */
#define WK_RETRY_REFUSALS	3	/* Redis refuses a request this often: dropped */

/* A request Redis refused (MD_QUEUE_REFUSED), and how often so far. */
struct wk_retry_refused {
	char	req[MD_STREAM_ID_MAX];	/* "" free */
	int	times;
};

struct wk_retry {
	long long	last;	/* CLOCK_MONOTONIC ms of the last look */
	int		failing;	/* logged once per spell of errors */
	struct wk_retry_refused	refused[WK_RETRY_REQUESTS];
};

/*
 * Every WK_RETRY_EVERY_MS at most, on the inbox consumer's connection:
 * serves the waiting requests, oldest first, and at most one round (100
 * records) of an --all request, whose rest waits for the next step.  Errors
 * are logged; a request that failed stays and is served at the next look,
 * except one Redis refused WK_RETRY_REFUSALS times: it is dropped.
 */
#define WK_RETRY_EVERY_MS	200
void	wk_retry_step(struct wk_retry *t, struct wk_inbox *w);

#endif
