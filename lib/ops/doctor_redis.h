/*
 * doctor_redis.h - the Redis family of `maildesk doctor`, inside lib/ops.
 *
 * doctor_checks_redis.c runs it: Sentinel first when redis_sentinels is set
 * (doctor_redis_sentinel.c), then whether Redis answers, each program's
 * login and rights (doctor_redis_acl.c), the server's settings
 * (doctor_redis_server.c) and the queues.  doctor_redis.c holds what those
 * files share: logging in as someone, and running a probe.
 */
#ifndef MD_DOCTOR_REDIS_H
#define MD_DOCTOR_REDIS_H

#include <stddef.h>

#include "conf.h"
#include "doctor_report.h"
#include "redis.h"

/* ---- doctor_redis.c ---------------------------------------------------------------- */

/* A connection (not yet made) as user with password; NULL on ENOMEM. */
struct md_redis *md_doctor_redis_login(const struct md_config *cfg, const char *user,
	    const char *password);
/*
 * The Redis user and password of the program role ("milter", "worker",
 * "web", "cli"): its own keys, else the shared redis_username/password.
 */
void	md_doctor_redis_role_login(const struct md_config *cfg, const char *role,
	    const char **user, const char **password);
/*
 * Runs the words of pre (NULL-terminated, may be NULL) followed by those
 * of words, where a word starting with '@' is a key: redis_prefix and the
 * rest.  NULL on a lost connection (or out of memory).
 */
redisReply *md_doctor_redis_words(struct md_redis *r, const char *const *pre,
	    const char *const *words);
/* Appends ", what" (or "what" to an empty list), truncating at len. */
void	md_doctor_list_add(char *list, size_t len, const char *what);

/* ---- the parts: one file each -------------------------------------------------------- */

/*
 * doctor_redis_sentinel.c: asks every sentinel of redis_sentinels for the
 * master; 0 with the address most of them named (one "redis.sentinel"
 * result), -1 after a FAIL when none answered.
 */
int	md_doctor_redis_sentinel(struct md_doctor *d, const struct md_config *cfg,
	    const struct md_doctor_opts *opts, char *host, size_t hostlen, int *port);
/* doctor_redis_acl.c: each program's login, then what it may do. */
void	md_doctor_redis_logins(struct md_doctor *d, const struct md_config *cfg);
/*
 * doctor_redis_server.c: persistence, memory and replicas, as a login that
 * may run INFO and CONFIG.  via_sentinel: the address came from Sentinel
 * (the advice when it is no master differs).
 */
void	md_doctor_redis_server(struct md_doctor *d, const struct md_config *cfg,
	    const struct md_doctor_opts *opts, int via_sentinel);

#endif
