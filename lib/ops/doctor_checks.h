/*
 * doctor_checks.h - the families of checks that doctor.c runs in turn, one
 * file each: doctor_checks_redis.c (logins, ACLs, the server's settings,
 * the queues), doctor_checks_net.c (PostgreSQL, DNS, spamd, the relay,
 * base_url), doctor_checks_mta.c (Postfix's main.cf and master.cf, and a
 * milter protocol probe) and doctor_checks_sendmail.c (Sendmail's .mc or
 * .cf).  Each adds its results with md_doctor_add(); every network step
 * is bounded by opts->timeout_ms.
 */
#ifndef MD_DOCTOR_CHECKS_H
#define MD_DOCTOR_CHECKS_H

#include "conf.h"
#include "doctor_report.h"

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

#endif
