/*
 * conf.c - table-driven loader for maildesk.conf.
 *
 * Syntax: one "key = value" per line; '#' starts a comment when it is the
 * first non-blank character of a line; blank lines are ignored; values may
 * be wrapped in double quotes to keep leading/trailing blanks.  Every error
 * is reported as "file:line: key: reason" so an admin can go straight to it.
 * Rules between keys, which need the whole file, are in conf_check.c.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>

#include "conf.h"
#include "log.h"
#include "metrics_http.h"
#include "redact.h"
#include "sentinel_addr.h"

enum cfg_type { T_STR, T_INT, T_BOOL, T_SIZE, T_DOUBLE, T_RATE, T_FACILITY, T_ENUM };

struct cfg_key {
	const char	*name;
	enum cfg_type	 type;
	size_t		 off;
	long		 min, max;	/* T_INT bounds; T_SIZE: min only */
	const char	*const *enums;	/* T_ENUM: values, index = stored int */
	int		(*check)(const char *, const char **);	/* T_STR, optional */
};

static const char *const e_automated[] = { "accept", "reject", NULL };
static const char *const e_spf_fail[] = { "reject", "score", NULL };
static const char *const e_fallback[] = { "ignore", "tempfail", NULL };
static const char *const e_quarantine[] = { "accept", "reject", NULL };

#define K(n, t, mn, mx) { #n, t, offsetof(struct md_config, n), mn, mx, NULL, NULL }
#define E(n, tab) { #n, T_ENUM, offsetof(struct md_config, n), 0, 0, tab, NULL }
#define S(n, fn) { #n, T_STR, offsetof(struct md_config, n), 0, 0, NULL, fn }

static int check_relay(const char *, const char **);
static int check_metrics_listen(const char *, const char **);

static const struct cfg_key keys[] = {
	K(syslog_facility, T_FACILITY, 0, 0),
	K(log_debug, T_BOOL, 0, 0),

	K(redis_host, T_STR, 0, 0),
	K(redis_port, T_INT, 1, 65535),
	K(redis_socket, T_STR, 0, 0),
	K(redis_username, T_STR, 0, 0),
	K(redis_password, T_STR, 0, 0),
	K(redis_db, T_INT, 0, 1024),
	K(redis_prefix, T_STR, 0, 0),
	K(redis_connect_timeout_ms, T_INT, 10, 60000),
	K(redis_command_timeout_ms, T_INT, 10, 60000),
	K(redis_pool_size, T_INT, 1, 256),
	K(redis_min_replicas, T_INT, 0, 64),
	K(redis_replica_timeout_ms, T_INT, 10, 60000),
	S(redis_sentinels, md_sentinel_check),
	K(redis_master_name, T_STR, 0, 0),
	K(redis_sentinel_username, T_STR, 0, 0),
	K(redis_sentinel_password, T_STR, 0, 0),

	K(database, T_STR, 0, 0),

	K(milter_redis_username, T_STR, 0, 0),
	K(milter_redis_password, T_STR, 0, 0),
	K(worker_redis_username, T_STR, 0, 0),
	K(worker_redis_password, T_STR, 0, 0),
	K(web_redis_username, T_STR, 0, 0),
	K(web_redis_password, T_STR, 0, 0),
	K(cli_redis_username, T_STR, 0, 0),
	K(cli_redis_password, T_STR, 0, 0),
	K(worker_database, T_STR, 0, 0),
	K(web_database, T_STR, 0, 0),
	K(cli_database, T_STR, 0, 0),

	K(desk_domain, T_STR, 0, 0),
	K(desk_local, T_STR, 0, 0),
	K(desk_separator, T_STR, 0, 0),
	K(reply_prefix, T_STR, 0, 0),
	K(unsub_prefix, T_STR, 0, 0),
	K(alias_refresh, T_INT, 0, 86400),

	K(milter_socket, T_STR, 0, 0),
	K(milter_pid_file, T_STR, 0, 0),
	/* Far below any real header block: 0 would refuse every desk mail with 552. */
	K(max_message_size, T_SIZE, 64 * 1024, 0),
	K(inbox_max_backlog, T_INT, 1, LONG_MAX),
	K(discard_desk_only, T_BOOL, 0, 0),
	E(automated_policy, e_automated),

	K(spf_enable, T_BOOL, 0, 0),
	E(spf_fail_policy, e_spf_fail),
	K(trusted_networks, T_STR, 0, 0),
	K(spf_timeout_ms, T_INT, 100, 20000),	/* plus one query stays under Postfix's 30 s */
	K(spf_receiver, T_STR, 0, 0),

	K(dmarc_reject, T_BOOL, 0, 0),
	E(dmarc_quarantine, e_quarantine),
	K(desk_from_auth, T_BOOL, 0, 0),
	K(dkim_verify, T_BOOL, 0, 0),
	K(sender_auth_check, T_BOOL, 0, 0),
	K(auth_timeout_ms, T_INT, 100, 60000),

	K(spam_mark, T_DOUBLE, 0, 0),
	K(spam_reject, T_DOUBLE, 0, 0),
	K(spamd_address, T_STR, 0, 0),
	K(spamd_timeout_ms, T_INT, 100, 120000),
	E(spamd_fallback, e_fallback),
	K(spamd_max_size, T_SIZE, 0, 0),

	K(rate_ip, T_RATE, 0, 0),
	K(rate_sender, T_RATE, 0, 0),
	K(rate_project, T_RATE, 0, 0),

	K(worker_pid_file, T_STR, 0, 0),
	K(worker_max_failures, T_INT, 1, 1000),
	K(worker_claim_idle_ms, T_INT, 100, 86400000),
	K(worker_block_ms, T_INT, 10, 60000),
	S(relay, check_relay),
	K(relay_timeout_ms, T_INT, 100, 600000),
	K(retry_base_s, T_INT, 1, 86400),
	K(retry_max_s, T_INT, 1, 7 * 86400),
	K(from_name, T_STR, 0, 0),
	K(base_url, T_STR, 0, 0),
	K(attachment_max_size, T_SIZE, 0, 0),
	K(max_auto_mails_per_hour, T_INT, 0, 100000),
	K(max_participants, T_INT, 0, 100),

	K(web_listen, T_STR, 0, 0),
	K(web_pid_file, T_STR, 0, 0),
	K(session_ttl, T_INT, 60, 30 * 86400),
	K(web_static_dir, T_STR, 0, 0),
	K(web_trusted_proxies, T_STR, 0, 0),

	/* Prometheus /metrics listeners of the milter and the worker; "" = none */
	S(milter_metrics_listen, check_metrics_listen),
	S(worker_metrics_listen, check_metrics_listen),
};
#define NKEYS (sizeof keys / sizeof keys[0])

_Static_assert(NKEYS <= sizeof(((struct md_config *)0)->key_lines) / sizeof(int),
    "key_lines too small for the key table");

static char **
str_at(struct md_config *cfg, const struct cfg_key *k)
{
	return (char **)((char *)cfg + k->off);
}

static void
set_str(char **dst, const char *v)
{
	char *n = strdup(v);

	if (n == NULL) {
		md_log(LOG_CRIT, "out of memory loading configuration");
		abort();
	}
	free(*dst);
	*dst = n;
}

void
md_config_defaults(struct md_config *cfg)
{
	size_t i;

	memset(cfg, 0, sizeof *cfg);
	cfg->syslog_facility = LOG_MAIL;

	set_str(&cfg->redis_host, "127.0.0.1");
	cfg->redis_port = 6379;
	cfg->redis_connect_timeout_ms = 1000;
	cfg->redis_command_timeout_ms = 2000;
	cfg->redis_pool_size = 8;
	cfg->redis_replica_timeout_ms = 500;
	set_str(&cfg->redis_prefix, "maildesk:");
	set_str(&cfg->database, "dbname=maildesk");

	set_str(&cfg->desk_domain, "desk.example");
	set_str(&cfg->desk_local, "support");
	set_str(&cfg->desk_separator, "+");
	set_str(&cfg->reply_prefix, "r-");
	set_str(&cfg->unsub_prefix, "u-");
	cfg->alias_refresh = 10;

	set_str(&cfg->milter_socket, "inet:8891@127.0.0.1");
	cfg->max_message_size = 10 * 1024 * 1024;
	cfg->inbox_max_backlog = 100000;
	cfg->discard_desk_only = 1;
	cfg->automated_policy = MD_AUTO_ACCEPT;

	cfg->spf_enable = 1;
	cfg->spf_fail_policy = MD_SPF_FAIL_REJECT;
	cfg->spf_timeout_ms = 10000;

	cfg->dmarc_reject = 1;
	cfg->dmarc_quarantine = MD_QUARANTINE_ACCEPT;
	cfg->desk_from_auth = 1;
	cfg->dkim_verify = 1;
	cfg->sender_auth_check = 1;
	cfg->auth_timeout_ms = 10000;

	cfg->spam_mark = 5.0;
	cfg->spam_reject = 10.0;
	cfg->spamd_timeout_ms = 15000;
	cfg->spamd_fallback = MD_FALLBACK_IGNORE;
	cfg->spamd_max_size = 512 * 1024;

	cfg->rate_ip = (struct md_rate){ 60, 3600 };
	cfg->rate_sender = (struct md_rate){ 30, 3600 };
	cfg->rate_project = (struct md_rate){ 1000, 3600 };

	cfg->worker_max_failures = 5;
	cfg->worker_claim_idle_ms = 60000;
	cfg->worker_block_ms = 1000;
	set_str(&cfg->relay, "smtp://127.0.0.1:25");
	cfg->relay_timeout_ms = 30000;
	cfg->retry_base_s = 30;
	cfg->retry_max_s = 3600;
	set_str(&cfg->from_name, "Support");
	set_str(&cfg->base_url, "https://desk.example");
	cfg->attachment_max_size = 10 * 1024 * 1024;
	cfg->max_auto_mails_per_hour = 20;
	cfg->max_participants = 10;

	set_str(&cfg->web_listen, "127.0.0.1:8080");
	set_str(&cfg->web_trusted_proxies, "");
	cfg->session_ttl = 8 * 3600;

	/* Every string key is non-NULL so callers never test for NULL. */
	for (i = 0; i < NKEYS; i++)
		if (keys[i].type == T_STR && *str_at(cfg, &keys[i]) == NULL)
			set_str(str_at(cfg, &keys[i]), "");
}

void
md_config_free(struct md_config *cfg)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].type == T_STR) {
			free(*str_at(cfg, &keys[i]));
			*str_at(cfg, &keys[i]) = NULL;
		}
	free(cfg->path);
	cfg->path = NULL;
}

int
md_size_parse(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;
	unsigned long long mult = 1;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end != '\0') {
		switch (tolower((unsigned char)*end)) {
		case 'k': mult = 1024ULL; break;
		case 'm': mult = 1024ULL * 1024; break;
		case 'g': mult = 1024ULL * 1024 * 1024; break;
		default: return -1;
		}
		end++;
		if (*end == 'b' || *end == 'B')
			end++;
		if (*end != '\0')
			return -1;
	}
	if (v > SIZE_MAX / mult)
		return -1;
	*out = (size_t)(v * mult);
	return 0;
}

int
md_rate_parse(const char *s, struct md_rate *out)
{
	char *end;
	long count, secs, mult = 1;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	count = strtol(s, &end, 10);
	if (errno != 0 || count < 0)
		return -1;
	if (*end == '\0' && count == 0) {
		*out = (struct md_rate){ 0, 1 };
		return 0;
	}
	if (*end != '/')
		return -1;
	s = end + 1;
	if (!isdigit((unsigned char)*s))
		return -1;
	secs = strtol(s, &end, 10);
	if (errno != 0 || secs <= 0)
		return -1;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': mult = 60; break;
	case 'h': mult = 3600; break;
	case 'd': mult = 86400; break;
	default: return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (secs > LONG_MAX / mult)
		return -1;
	out->count = count;
	out->seconds = secs * mult;
	return 0;
}

static int
parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) { *out = 1; return 0; }
		if (strcasecmp(v, no[i]) == 0) { *out = 0; return 0; }
	}
	return -1;
}

/*
 * Only the schemes smtp.c lets curl speak (CURLOPT_PROTOCOLS_STR), so that
 * a typo fails -n instead of every delivery.  curl takes the scheme in any case.
 */
static int
check_relay(const char *v, const char **why)
{
	const char *host;

	if (strncasecmp(v, "smtp://", 7) == 0)
		host = v + 7;
	else if (strncasecmp(v, "smtps://", 8) == 0)
		host = v + 8;
	else
		host = NULL;
	if (host == NULL || *host == '\0' || *host == '/' || *host == ':') {
		*why = "expected smtp://host[:port] or smtps://host[:port]";
		return -1;
	}
	return 0;
}

/* host:port, checked at load so that -n finds what the daemon could not bind. */
static int
check_metrics_listen(const char *v, const char **why)
{
	char host[256], port[16], err[300];

	if (*v == '\0')
		return 0;
	if (md_metrics_listen_parse(v, host, sizeof host, port, sizeof port, err,
	    sizeof err) < 0) {
		*why = "expected host:port or [address]:port, e.g. 127.0.0.1:9631";
		return -1;
	}
	return 0;
}

/* Stores a "rule.<name>" weight; names are validated later by the score module. */
static int
set_rule(struct md_config *cfg, const char *name, const char *v, int line,
    const char **why)
{
	char *end;
	double w;
	int i;

	if (*name == '\0' || strlen(name) >= sizeof cfg->rules[0].name) {
		*why = "bad rule name";
		return -1;
	}
	errno = 0;
	w = strtod(v, &end);
	if (errno != 0 || end == v || *end != '\0') {
		*why = "not a number";
		return -1;
	}
	if (!isfinite(w)) {	/* nan would make every total compare false */
		*why = "expected a finite number";
		return -1;
	}
	for (i = 0; i < cfg->nrules; i++)
		if (strcmp(cfg->rules[i].name, name) == 0)
			break;
	if (i == cfg->nrules) {
		if (cfg->nrules == MD_MAX_RULES) {
			*why = "too many rule weights";
			return -1;
		}
		cfg->nrules++;
	}
	snprintf(cfg->rules[i].name, sizeof cfg->rules[i].name, "%s", name);
	cfg->rules[i].weight = w;
	cfg->rules[i].line = line;
	return 0;
}

static int
set_key(struct md_config *cfg, const char *key, const char *v, int line,
    const char **why)
{
	const struct cfg_key *k = NULL;
	void *dst;
	size_t i;
	char *end;

	if (strncmp(key, "rule.", 5) == 0)
		return set_rule(cfg, key + 5, v, line, why);
	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, key) == 0) {
			k = &keys[i];
			break;
		}
	if (k == NULL) {
		*why = "unknown key";
		return -1;
	}
	dst = (char *)cfg + k->off;
	switch (k->type) {
	case T_STR:
		if (k->check != NULL && k->check(v, why) < 0)
			return -1;
		set_str((char **)dst, v);
		break;
	case T_INT: {
		long n;

		errno = 0;
		n = strtol(v, &end, 10);
		if (errno != 0 || end == v || *end != '\0') {
			*why = "not an integer";
			return -1;
		}
		if (n < k->min || n > k->max) {
			*why = "out of range";
			return -1;
		}
		if (k->max > INT_MAX)
			*(long *)dst = n;
		else
			*(int *)dst = (int)n;
		break;
	}
	case T_BOOL:
		if (parse_bool(v, (int *)dst) < 0) {
			*why = "expected yes or no";
			return -1;
		}
		break;
	case T_SIZE: {
		size_t sz;

		if (md_size_parse(v, &sz) < 0) {
			*why = "expected a size such as 10M, 512k or 1048576";
			return -1;
		}
		if (sz < (size_t)k->min) {
			*why = "too small";
			return -1;
		}
		*(size_t *)dst = sz;
		break;
	}
	case T_DOUBLE: {
		double d;

		errno = 0;
		d = strtod(v, &end);
		if (errno != 0 || end == v || *end != '\0') {
			*why = "not a number";
			return -1;
		}
		/* Score thresholds, as a project's own (projects.c): nan compares false. */
		if (!isfinite(d) || d < 0) {
			*why = "expected a finite number >= 0";
			return -1;
		}
		*(double *)dst = d;
		break;
	}
	case T_RATE:
		if (md_rate_parse(v, (struct md_rate *)dst) < 0) {
			*why = "expected COUNT/SECONDS such as 20/3600, 20/1h or 0";
			return -1;
		}
		break;
	case T_FACILITY: {
		int f = md_log_facility(v);

		if (f < 0) {
			*why = "unknown syslog facility";
			return -1;
		}
		*(int *)dst = f;
		break;
	}
	case T_ENUM:
		for (i = 0; k->enums[i] != NULL; i++)
			if (strcasecmp(k->enums[i], v) == 0)
				break;
		if (k->enums[i] == NULL) {
			*why = "value not allowed";
			return -1;
		}
		*(int *)dst = (int)i;
		break;
	}
	cfg->key_lines[k - keys] = line;
	return 0;
}

int
md_config_set(struct md_config *cfg, const char *key, const char *value,
    char *err, size_t errlen)
{
	const char *why = NULL;

	if (set_key(cfg, key, value, 0, &why) < 0) {
		snprintf(err, errlen, "%s: %s", key, why);
		return -1;
	}
	return 0;
}

int
md_config_line(const struct md_config *cfg, const char *key)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, key) == 0)
			return cfg->key_lines[i];
	for (i = 0; i < (size_t)cfg->nrules; i++)
		if (strncmp(key, "rule.", 5) == 0 && strcmp(cfg->rules[i].name, key + 5) == 0)
			return cfg->rules[i].line;
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* An over-long line is cut off mid-value: name its key so it can be found. */
static void
too_long(const char *path, int lineno, char *line, char *err, size_t errlen)
{
	char *key = trim(line);
	int n = (int)strcspn(key, "=");

	while (n > 0 && isspace((unsigned char)key[n - 1]))
		n--;
	snprintf(err, errlen, "%s:%d: %.*s: line too long", path, lineno,
	    n > 64 ? 64 : n, key);
}

/* One line of the file: a comment, a blank or "key = value". */
static int
parse_line(struct md_config *cfg, char *line, int lineno, char *err, size_t errlen)
{
	char *key, *val, *eq;
	const char *why = NULL;
	size_t n;

	key = trim(line);
	if (*key == '\0' || *key == '#')
		return 0;
	eq = strchr(key, '=');
	if (eq == NULL) {
		snprintf(err, errlen, "%s:%d: %.64s: expected key = value", cfg->path,
		    lineno, key);
		return -1;
	}
	*eq = '\0';
	key = trim(key);
	val = trim(eq + 1);
	n = strlen(val);
	if (n >= 2 && val[0] == '"' && val[n - 1] == '"') {
		val[n - 1] = '\0';
		val++;
	}
	if (set_key(cfg, key, val, lineno, &why) < 0) {
		snprintf(err, errlen, "%s:%d: %.64s: %s", cfg->path, lineno, key, why);
		return -1;
	}
	return 0;
}

/* One role's credential keys; NULL database: the role has none. */
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
		set_str(dst, v);
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

	for (i = 0; i < NKEYS; i++) {
		const struct cfg_key *k = &keys[i];
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

int
md_config_load(struct md_config *cfg, const char *path, char *err, size_t errlen)
{
	FILE *fp;
	char line[4096];
	int lineno = 0, rc = 0;
	struct stat st;

	set_str(&cfg->path, path);
	fp = fopen(path, "r");
	if (fp == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	/* The mode of the file actually read, not of a name swapped since. */
	if (fstat(fileno(fp), &st) < 0)
		st.st_mode = 0;
	while (rc == 0 && fgets(line, sizeof line, fp) != NULL) {
		size_t n = strlen(line);

		lineno++;
		if (n == sizeof line - 1 && line[n - 1] != '\n') {
			too_long(path, lineno, line, err, errlen);
			rc = -1;
		} else
			rc = parse_line(cfg, line, lineno, err, errlen);
	}
	/* fgets() says NULL for EOF and EIO alike: half a file is not a config. */
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		rc = -1;
	}
	fclose(fp);
	if (rc < 0 || md_config_validate(cfg, err, errlen) < 0)
		return -1;
	/*
	 * A warning, not an error: refusing to start over a mode would turn a
	 * packaging slip into an outage.  The one thing lib/ logs on its own,
	 * because every program must say it and none can miss it.
	 */
	if (md_config_secret_warning(cfg, (unsigned int)st.st_mode, line, sizeof line))
		md_log(LOG_WARNING, "%s", line);
	return 0;
}
