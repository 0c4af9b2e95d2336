/*
 * conf_credentials.c - the secrets of maildesk.conf: each program logs in
 * with its own Redis user and PostgreSQL role when the file names one, and
 * a file that holds a secret must not be readable by others.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "conf_credentials.h"
#include "conf_table.h"
#include "redact.h"

/* One role's credential keys; database 0: the role has none. */
struct role_keys {
	const char	*role;
	size_t		 username, password, database;
};

#define ROLE(r, db) { #r, offsetof(struct md_config, r##_redis_username), \
	offsetof(struct md_config, r##_redis_password), db }

static const struct role_keys roles[] = {
	ROLE(milter, 0),
	ROLE(worker, offsetof(struct md_config, worker_database)),
	ROLE(web, offsetof(struct md_config, web_database)),
	ROLE(cli, offsetof(struct md_config, cli_database)),
};

static void
use_str(struct md_config *cfg, char **dst, size_t off)
{
	const char *v = *(char **)((char *)cfg + off);

	if (v != NULL && *v != '\0')
		md_conf_set_str(dst, v);
}

void
md_config_use_role(struct md_config *cfg, const char *role)
{
	size_t i;

	for (i = 0; role != NULL && i < sizeof roles / sizeof roles[0]; i++) {
		if (strcmp(roles[i].role, role) != 0)
			continue;
		use_str(cfg, &cfg->redis_username, roles[i].username);
		use_str(cfg, &cfg->redis_password, roles[i].password);
		if (roles[i].database != 0)
			use_str(cfg, &cfg->database, roles[i].database);
	}
}

/*
 * The secret the file set on its first line holding one (name in key,
 * 0 when none): passwords, and the URL and conninfo keys when their value
 * carries a password.
 */
static int
first_secret(const struct md_config *cfg, const char **key)
{
	static const char *const always[] = { "redis_password", "milter_redis_password",
	    "worker_redis_password", "web_redis_password", "cli_redis_password",
	    "redis_sentinel_password" };
	static const char *const inside[] = { "relay", "database", "worker_database",
	    "web_database", "cli_database" };
	int best = 0, line;
	size_t i, j;

	for (i = 0; i < md_conf_nkeys; i++) {
		const struct cfg_key *k = &md_conf_keys[i];
		const char *v;
		int secret = 0;

		if (k->type != T_STR || (line = cfg->key_lines[i]) <= 0)
			continue;
		v = *(char *const *)((const char *)cfg + k->off);
		for (j = 0; j < sizeof always / sizeof always[0]; j++)
			if (strcmp(k->name, always[j]) == 0)
				secret = v != NULL && *v != '\0';
		for (j = 0; j < sizeof inside / sizeof inside[0]; j++)
			if (strcmp(k->name, inside[j]) == 0)
				secret = md_url_has_secret(v);
		if (secret && (best == 0 || line < best)) {
			best = line;
			*key = k->name;
		}
	}
	return best;
}

int
md_config_secret_warning(const struct md_config *cfg, unsigned int st_mode,
    char *buf, size_t len)
{
	const char *key = NULL;
	int line;

	if ((st_mode & 077) == 0 || (line = first_secret(cfg, &key)) == 0)
		return 0;
	snprintf(buf, len, "%s: mode %03o: the file holds secrets (%s on line %d) and "
	    "is readable by group/others; chmod 600 it", cfg->path ? cfg->path : "(config)",
	    st_mode & 0777, key, line);
	return 1;
}
