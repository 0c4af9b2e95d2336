/*
 * store.h - where the tracker keeps things: PostgreSQL, plus the Redis
 * view the milter reads at RCPT time.
 *
 * PostgreSQL is the tracker of record (lib/store/tracker.h and the other store
 * modules write it).  The view in Redis (lib/store/view.h) is derived: projects
 * and their milter settings, aliases, valid reply/unsubscribe keys, block
 * and allow lists.  Every writer changes both in the order that never makes
 * a valid address answer 550: what becomes valid goes into the view before
 * the transaction commits, what stops being valid leaves it after; a crash
 * in between leaves an extra entry, which the worker tolerates and `maildesk
 * view rebuild` removes (doc/design.md, "Crash windows").
 *
 * One md_store per thread.  Nothing here logs.
 */
#ifndef MD_STORE_H
#define MD_STORE_H

#include <stddef.h>

#include "conf.h"
#include "db.h"
#include "redis.h"

struct md_store {
	const struct md_config	*cfg;
	struct md_db		*db;	/* the tracker of record */
	struct md_redis		*redis;	/* the view, the inbox stream */
};

/*
 * Makes both connections' handles and connects to PostgreSQL; with
 * check_schema, fails unless the schema is the one this program was built
 * for (err says what to do).  Redis connects lazily.  0 or -1 with err.
 */
int	md_store_open(struct md_store *st, const struct md_config *cfg,
	    int check_schema, char *err, size_t errlen);
void	md_store_close(struct md_store *st);

#endif
