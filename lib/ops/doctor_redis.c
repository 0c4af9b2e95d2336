/*
 * doctor_redis.c - what the Redis checks share (doctor_redis.h): a login as
 * a given user, each program's user, and running a probe whose keys carry
 * redis_prefix.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "doctor_redis.h"

/* The configuration as one login sees it (strings borrowed from cfg). */
struct md_redis *
md_doctor_redis_login(const struct md_config *cfg, const char *user, const char *password)
{
	struct md_config as = *cfg;

	as.redis_username = (char *)(user ? user : "");
	as.redis_password = (char *)(password ? password : "");
	return md_redis_new(&as);
}

static const char *
pick(const char *own, const char *shared)
{
	return own != NULL && *own != '\0' ? own : shared;
}

void
md_doctor_redis_role_login(const struct md_config *cfg, const char *role,
    const char **user, const char **password)
{
	if (strcmp(role, "milter") == 0) {
		*user = pick(cfg->milter_redis_username, cfg->redis_username);
		*password = pick(cfg->milter_redis_password, cfg->redis_password);
	} else if (strcmp(role, "worker") == 0) {
		*user = pick(cfg->worker_redis_username, cfg->redis_username);
		*password = pick(cfg->worker_redis_password, cfg->redis_password);
	} else if (strcmp(role, "web") == 0) {
		*user = pick(cfg->web_redis_username, cfg->redis_username);
		*password = pick(cfg->web_redis_password, cfg->redis_password);
	} else {
		*user = pick(cfg->cli_redis_username, cfg->redis_username);
		*password = pick(cfg->cli_redis_password, cfg->redis_password);
	}
}

redisReply *
md_doctor_redis_words(struct md_redis *r, const char *const *pre, const char *const *words)
{
	md_buf keys[12];
	const char *argv[12];
	redisReply *rep = NULL;
	int argc = 0, nkeys = 0, ok = 1;

	for (; pre != NULL && *pre != NULL && argc < 12; pre++)
		argv[argc++] = *pre;
	for (; *words != NULL && argc < 12; words++) {
		if (**words != '@') {
			argv[argc++] = *words;
			continue;
		}
		md_buf_init(&keys[nkeys]);
		if ((argv[argc++] = md_key(r, &keys[nkeys], "%s", *words + 1)) == NULL)
			ok = 0;
		nkeys++;
	}
	if (ok)
		rep = md_redis_cmdv(r, argc, argv, NULL);
	while (nkeys-- > 0)
		md_buf_free(&keys[nkeys]);
	return rep;
}

void
md_doctor_list_add(char *list, size_t len, const char *what)
{
	size_t used = strlen(list);

	snprintf(list + used, len - used, "%s%s", used ? ", " : "", what);
}
