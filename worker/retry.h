/*
 * retry.h - maildesk-worker serves "maildesk queue retry": the CLI may not
 * write the inbox, so it leaves a request in <prefix>retry and the worker
 * moves the dead records back (lib/store/queue_retry.c).
 */
#ifndef MD_WORKER_RETRY_H
#define MD_WORKER_RETRY_H

#include "inbox.h"

struct wk_retry {
	long long	last;	/* CLOCK_MONOTONIC ms of the last look */
	int		failing;	/* logged once per spell of errors */
};

/*
 * Every WK_RETRY_EVERY_MS at most, on the inbox consumer's connection:
 * serves the waiting requests, oldest first.  Errors are logged; a request
 * that failed stays and is served at the next look.
 */
#define WK_RETRY_EVERY_MS	200
void	wk_retry_step(struct wk_retry *t, struct wk_inbox *w);

#endif
