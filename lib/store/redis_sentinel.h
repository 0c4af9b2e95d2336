/*
 * redis_sentinel.h - finding the Redis primary through Redis Sentinel.
 *
 * hiredis 0.14 has no Sentinel client, but Sentinel speaks the Redis
 * protocol: SENTINEL get-master-addr-by-name is a plain command.  These
 * helpers ask the configured sentinels in turn (each with a short
 * timeout, so a dead sentinel costs little) and check with ROLE that the
 * address they name really is a master: right after a failover a
 * sentinel may still name the old primary, or a restarted old primary
 * may not have been turned into a replica yet.  lib/store/redis.c uses them
 * when redis_sentinels is set; nothing here logs.
 */
#ifndef MD_REDIS_SENTINEL_H
#define MD_REDIS_SENTINEL_H

#include <stddef.h>
#include <hiredis.h>

#include "sentinel_addr.h"

struct md_sentinel_query {
	const struct md_sentinel_addr	*sentinels;
	int				 n;
	const char			*master_name;
	const char			*username;	/* NULL or "": legacy AUTH */
	const char			*password;	/* NULL or "": no AUTH */
	int				 timeout_ms;	/* connect and reply, per sentinel */
};

/*
 * Asks the sentinels for the master's address, starting with sentinel
 * *first (the one that answered last time) and trying every other one in
 * turn; *first becomes the one that answered.  0 with host and port, or -1
 * with err naming the last sentinel's failure.
 */
int	md_sentinel_get_master(const struct md_sentinel_query *q, int *first,
	    char *host, size_t hostlen, int *port, char *err, size_t errlen);

/*
 * ROLE on an open connection: 1 when it is a master, 0 when not (its role,
 * "slave" or "sentinel", in role), -1 with err when ROLE failed (a user
 * without +role gets NOPERM: see contrib/redis-users.acl).
 */
int	md_redis_role_is_master(redisContext *c, char *role, size_t rolelen,
	    char *err, size_t errlen);

#endif
