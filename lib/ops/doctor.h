/*
 * doctor.h - `maildesk doctor`: is this installation wired correctly?
 *
 * Every check fills one struct md_check (a name such as "redis.persistence",
 * ok / warn / FAIL, one sentence saying what was found, one saying what to
 * do); nothing here prints.  The checks come in families, one file each:
 * doctor.c (the configuration file), doctor_checks_redis.c (logins, ACLs,
 * the server's settings, the queues), doctor_checks_net.c (PostgreSQL,
 * DNS, spamd, the relay, base_url), doctor_checks_mta.c (Postfix's
 * main.cf and master.cf, and a milter protocol probe) and
 * doctor_checks_sendmail.c (Sendmail's .mc or .cf).  Every
 * network step is bounded by a timeout.
 */
#ifndef MD_DOCTOR_H
#define MD_DOCTOR_H

#include <stddef.h>

#include "conf.h"

enum md_check_status { MD_CHECK_OK = 0, MD_CHECK_WARN, MD_CHECK_FAIL };

struct md_check {
	char			 name[48];
	enum md_check_status	 status;
	char			 message[512];	/* what was found */
	char			 advice[512];	/* what to do; "" when nothing */
};

/* What the command line adds to the configuration file. */
struct md_doctor_opts {
	const char	*postfix_dir;	/* postconf -c DIR; NULL: Postfix's default */
	const char	*sendmail_file;	/* sendmail.mc or sendmail.cf: check it, not Postfix */
	const char	*dns_name;	/* a domain with an SPF record (default gmail.com) */
	const char	*redis_user;	/* a user that may read the server's settings */
	const char	*redis_password;	/* its password ($REDISCLI_AUTH) */
	int		 timeout_ms;	/* per network check (default 5000) */
};

struct md_doctor {
	struct md_check	*checks;
	size_t		 n;
	size_t		 cap;
	int		 oom;		/* a check could not be recorded */
};

/*
 * Runs every check.  config_path: the file to load (NULL: none, built-in
 * defaults).  Returns the number of FAIL results (a check that could not
 * even be recorded for lack of memory counts as one).
 */
int	md_doctor_run(struct md_doctor *d, const char *config_path,
	    const struct md_doctor_opts *opts);
void	md_doctor_free(struct md_doctor *d);
const char *md_check_status_name(enum md_check_status s);	/* "ok", "warn", "FAIL" */

/* ---- for the check families -------------------------------------------------- */

/* Appends one result; advice may be NULL.  Returns the status. */
enum md_check_status md_doctor_add(struct md_doctor *d, const char *name,
	    enum md_check_status status, const char *advice, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

void	md_doctor_check_redis(struct md_doctor *d, const struct md_config *cfg,
	    const struct md_doctor_opts *opts);
void	md_doctor_check_db(struct md_doctor *d, const struct md_config *cfg);
void	md_doctor_check_dns(struct md_doctor *d, const struct md_config *cfg,
	    const struct md_doctor_opts *opts);
void	md_doctor_check_spamd(struct md_doctor *d, const struct md_config *cfg,
	    const struct md_doctor_opts *opts);
void	md_doctor_check_relay(struct md_doctor *d, const struct md_config *cfg,
	    const struct md_doctor_opts *opts);
void	md_doctor_check_base_url(struct md_doctor *d, const struct md_config *cfg,
	    const struct md_doctor_opts *opts);
void	md_doctor_check_mta(struct md_doctor *d, const struct md_config *cfg,
	    const struct md_doctor_opts *opts);
void	md_doctor_check_sendmail(struct md_doctor *d, const struct md_config *cfg,
	    const char *path);

/* ---- pieces exposed for the unit tests ------------------------------------------ */

/* One entry of Postfix's smtpd_milters. */
struct md_pf_milter {
	char	address[256];		/* "inet:127.0.0.1:8891", "unix:/x.sock" */
	char	default_action[32];	/* from "{ ..., default_action=tempfail }", or "" */
};

/*
 * Splits a smtpd_milters value (as postconf -x -h prints it) into its
 * entries: "a, b" or "{ a, default_action=tempfail } b".  Returns how many
 * (at most max), -1 when a brace is not closed.
 */
int	md_pf_milters_parse(const char *value, struct md_pf_milter *out, int max);
/*
 * 1 when Postfix's milter address pf (inet:host:port, unix:path, a bare
 * path) reaches our milter_socket (inet:port@host, inet6:port@host,
 * unix:path).  queue_dir: Postfix's queue_directory, for a chrooted
 * smtpd's socket names relative to it.
 */
int	md_pf_milter_matches(const char *pf, const char *milter_socket,
	    const char *queue_dir);
/* The same for a Sendmail S= equate (written as milter_socket is). */
int	md_sm_milter_matches(const char *sendmail_socket, const char *milter_socket);

#endif
