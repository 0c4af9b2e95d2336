/*
 * store_pool.c - one md_store (a PostgreSQL connection and a Redis
 * connection) per request being handled.
 *
 * libmicrohttpd runs a fixed pool of threads and each handles one request
 * at a time, so a pool of as many stores as threads means a request never
 * waits for another's store; the wait in web_store_acquire only matters if
 * that ever stops being true.  A store's connections reconnect by
 * themselves after a server restart (db.c, redis.c).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web.h"

struct web_store_pool {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct md_store	*stores;
	int		*busy;
	int		 size;
};

struct web_store_pool *
web_store_pool_new(const struct md_config *cfg, int size, char *err, size_t errlen)
{
	struct web_store_pool *p;
	int i;

	if ((p = calloc(1, sizeof *p)) == NULL ||
	    (p->stores = calloc((size_t)size, sizeof *p->stores)) == NULL ||
	    (p->busy = calloc((size_t)size, sizeof *p->busy)) == NULL) {
		if (p != NULL)
			free(p->stores);
		free(p);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	for (i = 0; i < size; i++) {
		/* The first one checks the schema: a wrong one stops the start. */
		if (md_store_open(&p->stores[i], cfg, i == 0, err, errlen) < 0) {
			p->size = i;
			web_store_pool_free(p);
			return NULL;
		}
		p->size = i + 1;
	}
	return p;
}

struct md_store *
web_store_acquire(struct web_store_pool *p, int wait_ms)
{
	struct timespec until;
	struct md_store *st = NULL;
	int i;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&p->mu);
	for (;;) {
		for (i = 0; i < p->size && p->busy[i]; i++)
			;
		if (i < p->size) {
			p->busy[i] = 1;
			st = &p->stores[i];
			break;
		}
		if (pthread_cond_timedwait(&p->cv, &p->mu, &until) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&p->mu);
	return st;
}

void
web_store_release(struct web_store_pool *p, struct md_store *st)
{
	int i = (int)(st - p->stores);

	if (i < 0 || i >= p->size)
		return;
	pthread_mutex_lock(&p->mu);
	p->busy[i] = 0;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void
web_store_pool_free(struct web_store_pool *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < p->size; i++)
		md_store_close(&p->stores[i]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->stores);
	free(p->busy);
	free(p);
}
