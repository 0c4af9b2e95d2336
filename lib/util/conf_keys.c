/*
 * conf_keys.c - the keys of maildesk.conf: the table that names each one
 * with its type, bounds and member of struct md_config, and the defaults.
 *
 * Adding a key: a member in conf_keys.h, a row here, a default in
 * md_config_defaults() when "" or 0 is not one, and its entry in
 * doc/maildesk.conf.5 and contrib/maildesk.conf.example.  Parsing a value
 * by its type is the loader's (conf.c).
 */
#include "config.h"

#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "conf_keys.h"
#include "conf_table.h"
#include "log.h"
#include "metrics_http.h"
#include "sentinel_addr.h"

static const char *const e_automated[] = { "accept", "reject", NULL };
static const char *const e_spf_fail[] = { "reject", "score", NULL };
static const char *const e_fallback[] = { "ignore", "tempfail", NULL };
static const char *const e_quarantine[] = { "accept", "reject", NULL };

#define K(n, t, mn, mx) { #n, t, offsetof(struct md_config, n), mn, mx, NULL, NULL }
#define E(n, tab) { #n, T_ENUM, offsetof(struct md_config, n), 0, 0, tab, NULL }
#define S(n, fn) { #n, T_STR, offsetof(struct md_config, n), 0, 0, NULL, fn }

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

const struct cfg_key md_conf_keys[] = {
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
const size_t md_conf_nkeys = sizeof md_conf_keys / sizeof md_conf_keys[0];
#define NKEYS (sizeof md_conf_keys / sizeof md_conf_keys[0])

_Static_assert(NKEYS <= sizeof(((struct md_config *)0)->key_lines) / sizeof(int),
    "key_lines too small for the key table");

const struct cfg_key *
md_conf_key(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(md_conf_keys[i].name, name) == 0)
			return &md_conf_keys[i];
	return NULL;
}

char **
md_conf_str_at(struct md_config *cfg, const struct cfg_key *k)
{
	return (char **)((char *)cfg + k->off);
}

void
md_conf_set_str(char **dst, const char *v)
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
	const struct cfg_key *k;

	memset(cfg, 0, sizeof *cfg);
	cfg->syslog_facility = LOG_MAIL;

	md_conf_set_str(&cfg->redis_host, "127.0.0.1");
	cfg->redis_port = 6379;
	cfg->redis_connect_timeout_ms = 1000;
	cfg->redis_command_timeout_ms = 2000;
	cfg->redis_pool_size = 8;
	cfg->redis_replica_timeout_ms = 500;
	md_conf_set_str(&cfg->redis_prefix, "maildesk:");
	md_conf_set_str(&cfg->database, "dbname=maildesk");

	md_conf_set_str(&cfg->desk_domain, "desk.example");
	md_conf_set_str(&cfg->desk_local, "support");
	md_conf_set_str(&cfg->desk_separator, "+");
	md_conf_set_str(&cfg->reply_prefix, "r-");
	md_conf_set_str(&cfg->unsub_prefix, "u-");
	cfg->alias_refresh = 10;

	md_conf_set_str(&cfg->milter_socket, "inet:8891@127.0.0.1");
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
	md_conf_set_str(&cfg->relay, "smtp://127.0.0.1:25");
	cfg->relay_timeout_ms = 30000;
	cfg->retry_base_s = 30;
	cfg->retry_max_s = 3600;
	md_conf_set_str(&cfg->from_name, "Support");
	md_conf_set_str(&cfg->base_url, "https://desk.example");
	cfg->attachment_max_size = 10 * 1024 * 1024;
	cfg->max_auto_mails_per_hour = 20;
	cfg->max_participants = 10;

	md_conf_set_str(&cfg->web_listen, "127.0.0.1:8080");
	md_conf_set_str(&cfg->web_trusted_proxies, "");
	cfg->session_ttl = 8 * 3600;

	/* Every string key is non-NULL so callers never test for NULL. */
	for (k = md_conf_keys; k < md_conf_keys + NKEYS; k++)
		if (k->type == T_STR && *md_conf_str_at(cfg, k) == NULL)
			md_conf_set_str(md_conf_str_at(cfg, k), "");
}

void
md_config_free(struct md_config *cfg)
{
	const struct cfg_key *k;

	for (k = md_conf_keys; k < md_conf_keys + NKEYS; k++)
		if (k->type == T_STR) {
			free(*md_conf_str_at(cfg, k));
			*md_conf_str_at(cfg, k) = NULL;
		}
	free(cfg->path);
	cfg->path = NULL;
}

int
md_config_line(const struct md_config *cfg, const char *key)
{
	const struct cfg_key *k = md_conf_key(key);
	size_t i;

	if (k != NULL)
		return cfg->key_lines[k - md_conf_keys];
	for (i = 0; i < (size_t)cfg->nrules; i++)
		if (strncmp(key, "rule.", 5) == 0 && strcmp(cfg->rules[i].name, key + 5) == 0)
			return cfg->rules[i].line;
	return 0;
}
