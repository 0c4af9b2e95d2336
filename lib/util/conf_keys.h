/*
 * conf_keys.h - what maildesk.conf can say: struct md_config, one member
 * per key, its comment the key's meaning.  conf_keys.c holds the table that
 * names each key with its type and bounds, and the defaults.
 *
 * Part of conf.h (include that): kept apart so that the files which only
 * read a loaded configuration (conf_check.c, conf_credentials.c) need not
 * see the loader, and the loader can call them without a loop.
 */
#ifndef MD_CONF_KEYS_H
#define MD_CONF_KEYS_H

#include <stddef.h>

#define MD_MAX_RULES		64

/* "N per S seconds"; count 0 disables the limit. */
struct md_rate {
	long	count;
	long	seconds;
};

/* A "rule.<name> = weight" line; names are checked by score.c at validation. */
struct md_rule_weight {
	char	name[48];
	double	weight;
	int	line;
};

enum md_automated_policy { MD_AUTO_ACCEPT, MD_AUTO_REJECT };
enum md_spf_fail_policy { MD_SPF_FAIL_REJECT, MD_SPF_FAIL_SCORE };
enum md_fallback { MD_FALLBACK_IGNORE, MD_FALLBACK_TEMPFAIL };
enum md_dmarc_quarantine { MD_QUARANTINE_ACCEPT, MD_QUARANTINE_REJECT };

struct md_config {
	char	*path;			/* file this was loaded from (or NULL: defaults) */

	/* logging */
	int	 syslog_facility;	/* LOG_MAIL by default */
	int	 log_debug;

	/* redis */
	char	*redis_host;
	int	 redis_port;
	char	*redis_socket;		/* unix socket path; wins over host/port when set */
	char	*redis_username;	/* Redis 6 ACL user; empty = legacy AUTH */
	char	*redis_password;
	int	 redis_db;
	char	*redis_prefix;		/* "maildesk:" */
	/* the tracker of record: a libpq conninfo string (never logged) */
	char	*database;
	/*
	 * Per-program credentials ("" = use the shared ones above): each program
	 * logs in as its own Redis ACL user / PostgreSQL role, so the SMTP-facing
	 * milter cannot write what the worker or the web UI own.  Applied by
	 * md_config_use_role(); contrib/redis-users.acl, postgresql-roles.sql.
	 */
	char	*milter_redis_username;
	char	*milter_redis_password;
	char	*worker_redis_username;
	char	*worker_redis_password;
	char	*web_redis_username;
	char	*web_redis_password;
	char	*cli_redis_username;
	char	*cli_redis_password;
	char	*worker_database;
	char	*web_database;
	char	*cli_database;
	int	 redis_connect_timeout_ms;
	int	 redis_command_timeout_ms;
	int	 redis_pool_size;	/* milter: connections shared by all threads */
	int	 redis_min_replicas;	/* milter: replicas that must have a record before 250 */
	int	 redis_replica_timeout_ms;	/* how long WAIT waits for them */
	/* Redis Sentinel: when redis_sentinels is set it names the primary */
	char	*redis_sentinels;	/* "host:port, host:port ..." ("" = redis_host) */
	char	*redis_master_name;	/* the name the sentinels monitor it under */
	char	*redis_sentinel_username;	/* the sentinels' own ACL user */
	char	*redis_sentinel_password;

	/* addresses */
	char	*desk_domain;		/* desk.example */
	char	*desk_local;		/* support */
	char	*desk_separator;	/* "+" (one character) */
	char	*reply_prefix;		/* "r-" */
	char	*unsub_prefix;		/* "u-" */
	int	 alias_refresh;		/* seconds between alias table reloads */

	/* milter */
	char	*milter_socket;		/* inet:8891@127.0.0.1 or unix:/path */
	char	*milter_pid_file;
	size_t	 max_message_size;	/* bytes; 552 5.3.4 past it */
	long	 inbox_max_backlog;	/* XLEN limit; 451 4.3.0 past it */
	int	 discard_desk_only;	/* all recipients are desk ones: discard (1) or delrcpt (0) */
	enum md_automated_policy automated_policy;

	/* SPF */
	int	 spf_enable;
	enum md_spf_fail_policy spf_fail_policy;
	char	*trusted_networks;	/* comma/space separated CIDRs that skip SPF and score */
	int	 spf_timeout_ms;
	char	*spf_receiver;		/* hostname in Received-SPF; default: desk_domain */

	/* sender identity: DKIM and DMARC (doc/sender-identity.md) */
	int	 dmarc_reject;		/* refuse DMARC fail of a p=reject From: domain */
	enum md_dmarc_quarantine dmarc_quarantine;	/* ... of a p=quarantine one */
	int	 desk_from_auth;	/* refuse an unauthenticated From: in desk_domain */
	int	 dkim_verify;		/* verify DKIM signatures of desk mail */
	int	 sender_auth_check;	/* 0: no DKIM/DMARC at all, records say skipped */
	int	 auth_timeout_ms;	/* DNS budget for DKIM keys + DMARC record */

	/* spam score */
	double	 spam_mark;
	double	 spam_reject;
	char	*spamd_address;		/* inet:783@127.0.0.1, unix:/path, or empty = off */
	int	 spamd_timeout_ms;
	enum md_fallback spamd_fallback;
	size_t	 spamd_max_size;
	struct md_rule_weight rules[MD_MAX_RULES];
	int	 nrules;

	/* rate limits */
	struct md_rate rate_ip;
	struct md_rate rate_sender;
	struct md_rate rate_project;

	/* worker and outbound mail */
	char	*worker_pid_file;
	int	 worker_max_failures;
	int	 worker_claim_idle_ms;
	int	 worker_block_ms;
	char	*relay;			/* smtp://127.0.0.1:25 */
	int	 relay_timeout_ms;
	int	 retry_base_s;
	int	 retry_max_s;
	char	*from_name;		/* display name of outbound mail */
	char	*base_url;		/* https://desk.example (issue and unsubscribe links) */
	size_t	 attachment_max_size;
	int	 max_auto_mails_per_hour;
	int	 max_participants;

	/* web */
	char	*web_listen;		/* 127.0.0.1:8080 */
	char	*web_pid_file;
	int	 session_ttl;		/* seconds */
	char	*web_static_dir;
	char	*web_trusted_proxies;	/* CIDRs whose X-Real-IP names the client */

	/* metrics: host:port of each daemon's GET /metrics listener, "" = none */
	char	*milter_metrics_listen;
	char	*worker_metrics_listen;

	int	 key_lines[96];		/* line each table key was set on (conf_keys.c) */
};

/* Fills cfg with built-in defaults (every string non-NULL). */
void	md_config_defaults(struct md_config *cfg);
void	md_config_free(struct md_config *cfg);
/* Line on which key was last set in the file, 0 if it kept its default. */
int	md_config_line(const struct md_config *cfg, const char *key);

#endif
