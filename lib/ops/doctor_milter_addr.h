/*
 * doctor_milter_addr.h - the milter's socket as the MTAs name it: Postfix's
 * smtpd_milters list and its inet:HOST:PORT spelling, Sendmail's S= equate
 * (written as our milter_socket is: inet:PORT@HOST), compared with ours.
 * Used by doctor_checks_mta.c and doctor_checks_sendmail.c; exposed for
 * the unit tests.
 */
#ifndef MD_DOCTOR_MILTER_ADDR_H
#define MD_DOCTOR_MILTER_ADDR_H

#include <stddef.h>

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
/* Our milter_socket written the way main.cf wants it, for the advice. */
void	md_pf_milter_spelling(const char *milter_socket, char *out, size_t len);

#endif
