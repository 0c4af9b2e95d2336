/*
 * doctor_report.h - the results of `maildesk doctor` (see doctor.h) and
 * what the command line adds to the configuration.
 *
 * Every check fills one struct md_check (a name such as "redis.persistence",
 * ok / warn / FAIL, one sentence saying what was found, one saying what to
 * do); nothing here prints.  The check families (doctor_checks.h) and the
 * runner (doctor.c) both build on this file, so it includes neither.
 */
#ifndef MD_DOCTOR_REPORT_H
#define MD_DOCTOR_REPORT_H

#include <stddef.h>

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

/* Appends one result; advice may be NULL.  Returns the status. */
enum md_check_status md_doctor_add(struct md_doctor *d, const char *name,
	    enum md_check_status status, const char *advice, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
void	md_doctor_free(struct md_doctor *d);
const char *md_check_status_name(enum md_check_status s);	/* "ok", "warn", "FAIL" */

#endif
