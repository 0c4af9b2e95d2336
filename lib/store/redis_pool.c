/*
 * redis_pool.c - a fixed set of md_redis connections shared by threads.
 *
 * libmilter runs one thread per SMTP session and a redisContext is not
 * thread safe, so the milter borrows a connection per callback.  The
 * connections connect lazily (on their first command) and reconnect on
 * their own; the pool only hands them out.  Waiting is bounded: a caller
 * that gets NULL answers the client with a temporary failure instead of
 * stalling the SMTP session.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "redis.h"

struct md_redis_pool {
	pthread_mutex_t	  mu;
	pthread_cond_t	  cv;	/* signalled when a connection comes back */
	struct md_redis	**all;	/* size entries, for md_redis_pool_free */
	struct md_redis	**idle;	/* stack of nidle free connections */
	int		  size;
	int		  nidle;
};

struct md_redis_pool *
md_redis_pool_new(const struct md_config *cfg, int size)
{
	struct md_redis_pool *p;
	pthread_condattr_t ca;
	int i;

	if (cfg == NULL || size < 1 || (p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	p->all = calloc((size_t)size, sizeof *p->all);
	p->idle = calloc((size_t)size, sizeof *p->idle);
	if (p->all == NULL || p->idle == NULL)
		goto fail;
	for (i = 0; i < size; i++) {
		if ((p->all[i] = md_redis_new(cfg)) == NULL) {
			while (i-- > 0)
				md_redis_free(p->all[i]);
			goto fail;
		}
		p->idle[i] = p->all[i];
	}
	p->size = p->nidle = size;
	/* Deadlines on the monotonic clock: a clock step must not stretch a wait. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&p->mu, NULL);
	return p;
fail:
	free(p->all);
	free(p->idle);
	free(p);
	return NULL;
}

struct md_redis *
md_redis_pool_acquire(struct md_redis_pool *p, int wait_ms)
{
	struct timespec deadline;
	struct md_redis *r = NULL;
	int rc = 0;

	if (p == NULL)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	if (wait_ms > 0) {
		deadline.tv_sec += wait_ms / 1000;
		deadline.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&p->mu);
	while (p->nidle == 0 && wait_ms > 0 && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&p->cv, &p->mu, &deadline);
	if (p->nidle > 0)
		r = p->idle[--p->nidle];
	pthread_mutex_unlock(&p->mu);
	return r;
}

void
md_redis_pool_release(struct md_redis_pool *p, struct md_redis *r)
{
	if (p == NULL || r == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	if (p->nidle < p->size)
		p->idle[p->nidle++] = r;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Every connection must have been released. */
void
md_redis_pool_free(struct md_redis_pool *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < p->size; i++)
		md_redis_free(p->all[i]);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p->all);
	free(p->idle);
	free(p);
}
