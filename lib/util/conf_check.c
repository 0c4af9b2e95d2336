/*
 * conf_check.c - the cross-key rules of maildesk.conf, run by
 * md_config_load() once every line is in (conf.c checks one line at a time).
 * It reads a loaded struct md_config and never the loader, which calls it.
 *
 * Like every config error these name "file:line: key": the key is the one
 * the file set, so that the line shown is one the admin actually wrote.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "conf_check.h"

/* "file:line: key: why" for a value only the whole file shows to be wrong. */
static int
key_error(const struct md_config *cfg, const char *key, const char *why,
    char *err, size_t errlen)
{
	snprintf(err, errlen, "%s:%d: %s: %s", cfg->path ? cfg->path : "(defaults)",
	    md_config_line(cfg, key), key, why);
	return -1;
}

/*
 * lo must be <rel> hi: reported at whichever of the two the file set last
 * (that line broke the rule), with the other one's value to compare with.
 */
static int
pair_error(const struct md_config *cfg, const char *lo, long vlo, const char *rel,
    const char *hi, long vhi, const char *inv, char *err, size_t errlen)
{
	const char *file = cfg->path ? cfg->path : "(defaults)";
	int llo = md_config_line(cfg, lo), lhi = md_config_line(cfg, hi);

	if (llo > lhi)
		snprintf(err, errlen, "%s:%d: %s: must be %s %s (%ld)", file, llo, lo,
		    rel, hi, vhi);
	else
		snprintf(err, errlen, "%s:%d: %s: must be %s %s (%ld)", file, lhi, hi,
		    inv, lo, vlo);
	return -1;
}

/*
 * Each program's Redis user must come with a password: without one
 * redis.c sends no AUTH at all, and the program would run as Redis's
 * default user, with every right the ACL file meant to take away.
 */
static int
check_redis_users(const struct md_config *cfg, char *err, size_t errlen)
{
	const struct { const char *user, *pass; const char *ukey; } r[] = {
		{ cfg->milter_redis_username, cfg->milter_redis_password,
		    "milter_redis_username" },
		{ cfg->worker_redis_username, cfg->worker_redis_password,
		    "worker_redis_username" },
		{ cfg->web_redis_username, cfg->web_redis_password, "web_redis_username" },
		{ cfg->cli_redis_username, cfg->cli_redis_password, "cli_redis_username" },
	};
	size_t i;

	for (i = 0; i < sizeof r / sizeof r[0]; i++) {
		int own = r[i].user != NULL && *r[i].user != '\0';
		const char *user = own ? r[i].user : cfg->redis_username;
		const char *pass = r[i].pass != NULL && *r[i].pass != '\0' ?
		    r[i].pass : cfg->redis_password;

		if (user != NULL && *user != '\0' && (pass == NULL || *pass == '\0'))
			return key_error(cfg, own ? r[i].ukey : "redis_username",
			    "a Redis user needs a password (without one no AUTH is "
			    "sent and the program runs as the default user)", err, errlen);
	}
	return 0;
}

int
md_config_validate(const struct md_config *cfg, char *err, size_t errlen)
{
	const char *file = cfg->path ? cfg->path : "(defaults)";

	if (cfg->spam_mark > cfg->spam_reject) {
		/* Point at whichever of the two was written last: that line broke the rule. */
		int lm = md_config_line(cfg, "spam_mark"), lr = md_config_line(cfg, "spam_reject");

		snprintf(err, errlen, "%s:%d: %s: spam_mark must not exceed spam_reject (%.2f > %.2f)",
		    file, lm > lr ? lm : lr, lm > lr ? "spam_mark" : "spam_reject",
		    cfg->spam_mark, cfg->spam_reject);
		return -1;
	}
	if (strlen(cfg->desk_separator) != 1)
		return key_error(cfg, "desk_separator", "must be exactly one character",
		    err, errlen);
	if (*cfg->desk_domain == '\0' || strchr(cfg->desk_domain, '@') != NULL)
		return key_error(cfg, "desk_domain", "must be a domain, without '@'",
		    err, errlen);
	if (*cfg->desk_local == '\0' || strchr(cfg->desk_local, '@') != NULL)
		return key_error(cfg, "desk_local", "must be a local part, without '@'",
		    err, errlen);
	if (cfg->redis_min_replicas > 0 &&
	    cfg->redis_replica_timeout_ms >= cfg->redis_command_timeout_ms) {
		/* WAIT blocks that long: the socket timeout must outlast it. */
		if (md_config_line(cfg, "redis_replica_timeout_ms") > 0)
			snprintf(err, errlen, "%s:%d: redis_replica_timeout_ms: must be "
			    "below redis_command_timeout_ms", file,
			    md_config_line(cfg, "redis_replica_timeout_ms"));
		else
			snprintf(err, errlen, "%s:%d: redis_command_timeout_ms: must be "
			    "above redis_replica_timeout_ms (%d)", file,
			    md_config_line(cfg, "redis_command_timeout_ms"),
			    cfg->redis_replica_timeout_ms);
		return -1;
	}
	/* hiredis kills the connection when a BLOCK outlives the socket timeout. */
	if (cfg->worker_block_ms >= cfg->redis_command_timeout_ms)
		return pair_error(cfg, "worker_block_ms", cfg->worker_block_ms, "below",
		    "redis_command_timeout_ms", cfg->redis_command_timeout_ms, "above",
		    err, errlen);
	/* The backoff doubles from base and is capped at max: base past max is a typo. */
	if (cfg->retry_base_s > cfg->retry_max_s)
		return pair_error(cfg, "retry_base_s", cfg->retry_base_s, "at most",
		    "retry_max_s", cfg->retry_max_s, "at least", err, errlen);
	if (*cfg->redis_sentinels != '\0' && *cfg->redis_master_name == '\0')
		return key_error(cfg, "redis_sentinels", "needs redis_master_name (the "
		    "name the sentinels monitor the primary under)", err, errlen);
	if (check_redis_users(cfg, err, errlen) < 0)
		return -1;
	return 0;
}
