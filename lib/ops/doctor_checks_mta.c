/*
 * doctor_checks_mta.c - is the MTA wired to the milter as
 * contrib/postfix/main.cf.snippet says (Sendmail: doctor_checks_sendmail.c),
 * and does the milter answer on its socket?
 *
 * Postfix's settings are read with `postconf -x -h` (-c for a private
 * instance): main.cf has continuation lines, $name expansion and built-in
 * defaults that postconf resolves exactly as smtpd will.  Sendmail has no
 * such tool, so its .mc or .cf file is read directly.  The socket names
 * are compared in doctor_milter_addr.c.
 */
#include "config.h"

#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "doctor_checks.h"
#include "doctor_milter_addr.h"
#include "milter_probe.h"

#define MAX_MILTERS	16
#define POSTCONF_MAX	65536	/* bytes of output read: a few lines are expected */

/* ---- running postconf ---------------------------------------------------------------- */

/*
 * Runs postconf with args, reads its standard output into out (NUL
 * terminated); 0, or -1 with err holding its complaint.  Bounded in time
 * and size.
 */
static int
run_postconf(char *const *args, int timeout_ms, char *out, size_t len, char *err,
    size_t errlen)
{
	int outp[2], errp[2], status = 0, rc = -1;
	long long deadline = md_now_ms() + timeout_ms;
	struct pollfd pfd;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	if (pipe2(outp, O_CLOEXEC) < 0)
		goto fail;
	if (pipe2(errp, O_CLOEXEC) < 0) {
		close(outp[0]);
		close(outp[1]);
		goto fail;
	}
	if ((pid = fork()) < 0) {
		close(outp[0]); close(outp[1]); close(errp[0]); close(errp[1]);
		goto fail;
	}
	if (pid == 0) {
		dup2(outp[1], 1);
		dup2(errp[1], 2);
		execvp("postconf", args);
		execv("/usr/sbin/postconf", args);	/* not in root's PATH everywhere */
		_exit(127);
	}
	close(outp[1]);
	close(errp[1]);
	pfd.fd = outp[0];
	pfd.events = POLLIN;
	while (got + 1 < len) {
		long long left = deadline - md_now_ms();

		if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
			kill(pid, SIGKILL);
			snprintf(err, errlen, "postconf gave no answer within %d ms", timeout_ms);
			break;
		}
		if ((r = read(outp[0], out + got, len - 1 - got)) < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	out[got] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && *err == '\0')
		rc = 0;
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(err, errlen, "postconf not found (is Postfix installed?)");
	else if (*err == '\0') {
		/* Its own words: "postconf: fatal: open /x/main.cf: No such file". */
		r = read(errp[0], err, errlen - 1);
		err[r > 0 ? r : 0] = '\0';
		err[strcspn(err, "\n")] = '\0';
		if (*err == '\0')
			snprintf(err, errlen, "postconf failed");
	}
	close(outp[0]);
	close(errp[0]);
	return rc;
fail:
	snprintf(err, errlen, "cannot run postconf: %s", strerror(errno));
	return -1;
}

/* Splits postconf's output into its n lines (in place). */
static int
split_lines(char *s, char **lines, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		lines[i] = s;
		if ((s = strchr(s, '\n')) == NULL)
			return i == n - 1 ? 0 : -1;
		*s++ = '\0';
	}
	return 0;
}

static int
zero_delay(const char *v)
{
	return strspn(v, "0") > 0 && (v[strspn(v, "0")] == '\0' || strcmp(v + strspn(v, "0"), "s") == 0);
}

/*
 * A service of master.cf may set its own smtpd_milters (-o), which main.cf
 * does not show: each such override must name us too.  Said only when
 * there is one.  Returns how many overrides name us.
 */
static int
check_master_cf(struct md_doctor *d, const struct md_config *cfg,
    const struct md_doctor_opts *opts, const char *queue_dir)
{
	char *args[6], *out, *line, *eq, err[512] = "";
	struct md_pf_milter m[MAX_MILTERS];
	int a = 0, n, i, named, ours = 0;

	args[a++] = (char *)"postconf";
	if (opts->postfix_dir != NULL) {
		args[a++] = (char *)"-c";
		args[a++] = (char *)opts->postfix_dir;
	}
	args[a++] = (char *)"-P";
	args[a] = NULL;
	if ((out = malloc(POSTCONF_MAX)) == NULL)
		return 0;
	if (run_postconf(args, opts->timeout_ms, out, POSTCONF_MAX, err, sizeof err) < 0) {
		free(out);
		return 0;	/* a Postfix before 2.11: main.cf is all we can read */
	}
	/* "smtp/inet/smtpd_milters = value", one line per override */
	for (line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		if ((eq = strstr(line, "/smtpd_milters = ")) == NULL)
			continue;
		*eq = '\0';
		n = md_pf_milters_parse(eq + 17, m, MAX_MILTERS);
		for (i = 0, named = 0; i < n; i++)
			named |= md_pf_milter_matches(m[i].address, cfg->milter_socket, queue_dir);
		ours += named;
		if (named)
			md_doctor_add(d, "mta.master_cf", MD_CHECK_OK, NULL,
			    "master.cf service %s sets its own smtpd_milters, with maildesk-milter",
			    line);
		else
			md_doctor_add(d, "mta.master_cf", MD_CHECK_WARN,
			    "name maildesk-milter in that -o smtpd_milters too, or drop it",
			    "master.cf service %s sets smtpd_milters = %s without maildesk-milter: "
			    "desk mail arriving there is not filed", line, *(eq + 17) ? eq + 17 : "(empty)");
	}
	free(out);
	return ours;
}

static void
check_postfix(struct md_doctor *d, const struct md_config *cfg,
    const struct md_doctor_opts *opts)
{
	char *args[12], *v[5], *out, err[512] = "", ours[600], advice[800], where[300];
	const char *action;
	struct md_pf_milter m[MAX_MILTERS], nm[MAX_MILTERS];
	int a = 0, n, nn, i, at = -1, in_master;

	args[a++] = (char *)"postconf";
	if (opts->postfix_dir != NULL) {
		args[a++] = (char *)"-c";
		args[a++] = (char *)opts->postfix_dir;
	}
	args[a++] = (char *)"-x";
	args[a++] = (char *)"-h";
	args[a++] = (char *)"smtpd_milters";
	args[a++] = (char *)"non_smtpd_milters";
	args[a++] = (char *)"milter_default_action";
	args[a++] = (char *)"in_flow_delay";
	args[a++] = (char *)"queue_directory";
	args[a] = NULL;
	snprintf(where, sizeof where, "%s/main.cf",
	    opts->postfix_dir ? opts->postfix_dir : "/etc/postfix");
	if ((out = malloc(POSTCONF_MAX)) == NULL)
		return;
	if (run_postconf(args, opts->timeout_ms, out, POSTCONF_MAX, err, sizeof err) < 0 ||
	    split_lines(out, v, 5) < 0) {
		md_doctor_add(d, "mta.postfix", MD_CHECK_WARN,
		    "with Postfix elsewhere: -C its config directory; with Sendmail: "
		    "--sendmail sendmail.mc", "cannot read %s: %s", where,
		    *err ? err : "postconf said something unexpected");
		free(out);
		return;
	}
	md_pf_milter_spelling(cfg->milter_socket, ours, sizeof ours);
	n = md_pf_milters_parse(v[0], m, MAX_MILTERS);
	for (i = 0; i < n && at < 0; i++)
		if (md_pf_milter_matches(m[i].address, cfg->milter_socket, v[4]))
			at = i;
	in_master = check_master_cf(d, cfg, opts, v[4]);
	if (at < 0) {
		snprintf(advice, sizeof advice, "add { %s, default_action=tempfail } to "
		    "smtpd_milters (contrib/postfix/main.cf.snippet), then postfix reload", ours);
		/* Some sites give only the port-25 service its milters. */
		md_doctor_add(d, "mta.postfix", in_master ? MD_CHECK_WARN : MD_CHECK_FAIL, advice,
		    "%s: smtpd_milters = %s does not name maildesk-milter (%s): %s", where,
		    *v[0] ? v[0] : "(empty)", cfg->milter_socket, in_master ?
		    "only the master.cf services that name it pass mail to it" :
		    "Postfix passes no mail to it");
		free(out);
		return;
	}
	md_doctor_add(d, "mta.postfix", MD_CHECK_OK, NULL,
	    "%s: smtpd_milters names maildesk-milter (%s)", where, m[at].address);
	action = *m[at].default_action ? m[at].default_action : v[2];
	if (strcmp(action, "tempfail") == 0)
		md_doctor_add(d, "mta.default_action", MD_CHECK_OK, NULL,
		    "default_action = tempfail: while the milter is down, senders retry later");
	else
		md_doctor_add(d, "mta.default_action", MD_CHECK_FAIL,
		    "write { ..., default_action=tempfail } or milter_default_action = tempfail",
		    "default_action = %s: while the milter is down, desk mail is %s", action,
		    strcmp(action, "accept") == 0 ? "delivered unjudged and never filed" :
		    strcmp(action, "reject") == 0 ? "bounced" : "not filed");
	if (at == n - 1)
		md_doctor_add(d, "mta.milter_order", MD_CHECK_OK, NULL,
		    "maildesk-milter is the last milter (of %d)", n);
	else
		md_doctor_add(d, "mta.milter_order", MD_CHECK_WARN,
		    "list maildesk-milter last in smtpd_milters",
		    "%s comes after maildesk-milter: a refusal there comes after the "
		    "message was filed and confirmed, and the retry is a duplicate",
		    m[n - 1].address);
	nn = md_pf_milters_parse(v[1], nm, MAX_MILTERS);
	for (i = 0; i < nn; i++)
		if (md_pf_milter_matches(nm[i].address, cfg->milter_socket, v[4]))
			md_doctor_add(d, "mta.non_smtpd", MD_CHECK_WARN,
			    "leave maildesk-milter out of non_smtpd_milters",
			    "non_smtpd_milters names maildesk-milter: maildesk's own outbound "
			    "mail and local submissions are judged as desk mail");
	if (zero_delay(v[3]) || !cfg->discard_desk_only)
		md_doctor_add(d, "mta.in_flow_delay", MD_CHECK_OK, NULL, "in_flow_delay = %s",
		    v[3]);
	else
		md_doctor_add(d, "mta.in_flow_delay", MD_CHECK_OK,
		    "where most mail goes to the desk, set in_flow_delay = 0 "
		    "(doc/performance.md: 19 vs 156 messages/s)",
		    "in_flow_delay = %s: after a burst of desk mail (discarded once filed) "
		    "each message waits that long", v[3]);
	free(out);
}

void
md_doctor_check_mta(struct md_doctor *d, const struct md_config *cfg,
    const struct md_doctor_opts *opts)
{
	struct md_milter_probe_result res;
	char err[512];

	if (opts->sendmail_file != NULL)
		md_doctor_check_sendmail(d, cfg, opts->sendmail_file);
	else
		check_postfix(d, cfg, opts);
	if (md_milter_probe(cfg->milter_socket, opts->timeout_ms, &res, err, sizeof err) < 0)
		md_doctor_add(d, "milter", MD_CHECK_FAIL,
		    "start maildesk-milter (systemctl status maildesk-milter); `maildesk-milter "
		    "-n` checks its configuration",
		    "no milter answers on %s: %s; the MTA applies its default action "
		    "to every message", cfg->milter_socket, err);
	else
		md_doctor_add(d, "milter", MD_CHECK_OK, NULL,
		    "maildesk-milter answers on %s (milter protocol %lu) in %lld ms",
		    cfg->milter_socket, res.version, res.elapsed_ms);
}
