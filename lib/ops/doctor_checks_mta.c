/*
 * doctor_checks_mta.c - is the MTA wired to the milter as
 * contrib/postfix/main.cf.snippet says (Sendmail: doctor_checks_sendmail.c),
 * and does the milter answer on its socket?
 *
 * Postfix's settings are read with `postconf -x -h` (-c for a private
 * instance): main.cf has continuation lines, $name expansion and built-in
 * defaults that postconf resolves exactly as smtpd will.  Sendmail has no
 * such tool, so its .mc or .cf file is read directly.
 */
#include "config.h"

#include <sys/wait.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "clock.h"
#include "doctor.h"
#include "milter_probe.h"

#define MAX_MILTERS	16
#define POSTCONF_MAX	65536	/* bytes of output read: a few lines are expected */

/* ---- socket names --------------------------------------------------------------- */

/*
 * "host port" or "unix path" from one of the three spellings: ours and
 * Sendmail's (inet:PORT@HOST, inet6:PORT@HOST, unix:/p, local:/p, /p) or
 * Postfix's (inet:HOST:PORT, unix:/p, /p).  localhost counts as 127.0.0.1
 * and a missing or wildcard host as "*".
 */
static int
canon(const char *s, int postfix, char *out, size_t len)
{
	char host[256] = "*", port[16];
	const char *p, *sep;
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	if (strncmp(s, "unix:", 5) == 0 || strncmp(s, "local:", 6) == 0 || s[0] == '/') {
		p = s[0] == '/' ? s : strchr(s, ':') + 1;
		snprintf(out, len, "unix %s", p);
		return 0;
	}
	if (strncmp(s, "inet:", 5) == 0)
		s += 5;
	else if (strncmp(s, "inet6:", 6) == 0)
		s += 6;
	else if (!postfix)
		return -1;
	if (postfix) {
		if ((sep = strrchr(s, ':')) == NULL)
			return -1;
		snprintf(port, sizeof port, "%s", sep + 1);
		if (sep > s)
			snprintf(host, sizeof host, "%.*s", (int)(sep - s), s);
	} else {
		sep = strchr(s, '@');
		n = sep != NULL ? (size_t)(sep - s) : strlen(s);
		snprintf(port, sizeof port, "%.*s", (int)n, s);
		if (sep != NULL && sep[1] != '\0')
			snprintf(host, sizeof host, "%s", sep + 1);
	}
	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
	}
	if (strcasecmp(host, "localhost") == 0)
		snprintf(host, sizeof host, "127.0.0.1");
	if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0)
		snprintf(host, sizeof host, "*");
	if (*port == '\0' || strspn(port, "0123456789") != strlen(port))
		return -1;
	snprintf(out, len, "%s %s", host, port);
	return 0;
}

/* Our socket (or Sendmail's S=, same syntax) against another name of it. */
static int
same_socket(const char *theirs, int postfix, const char *ours, const char *queue_dir)
{
	char a[512], b[512], chrooted[512];
	const char *pa, *pb;

	if (canon(theirs, postfix, a, sizeof a) < 0 || canon(ours, 0, b, sizeof b) < 0)
		return 0;
	if (strcmp(a, b) == 0)
		return 1;
	if (strncmp(a, "unix ", 5) == 0 && strncmp(b, "unix ", 5) == 0) {
		/* A chrooted smtpd names the socket relative to queue_directory. */
		snprintf(chrooted, sizeof chrooted, "unix %s%s", queue_dir ? queue_dir : "", a + 5);
		return queue_dir != NULL && strcmp(chrooted, b) == 0;
	}
	/* Our milter on every address is reached on any of them. */
	pa = strchr(a, ' ');
	pb = strchr(b, ' ');
	return pa != NULL && pb != NULL && strcmp(pa, pb) == 0 &&
	    (strncmp(b, "* ", 2) == 0);
}

int
md_pf_milter_matches(const char *pf, const char *milter_socket, const char *queue_dir)
{
	return same_socket(pf, 1, milter_socket, queue_dir);
}

int
md_sm_milter_matches(const char *sendmail_socket, const char *milter_socket)
{
	return same_socket(sendmail_socket, 0, milter_socket, NULL);
}

/* Our socket written the way main.cf wants it, for the advice. */
static void
postfix_spelling(const char *ours, char *out, size_t len)
{
	char c[512], *sp;

	if (canon(ours, 0, c, sizeof c) < 0 || (sp = strchr(c, ' ')) == NULL) {
		snprintf(out, len, "%s", ours);
		return;
	}
	*sp = '\0';
	if (strcmp(c, "unix") == 0)
		snprintf(out, len, "unix:%s", sp + 1);
	else
		snprintf(out, len, "inet:%s:%s", strcmp(c, "*") == 0 ? "127.0.0.1" : c, sp + 1);
}

/* ---- smtpd_milters ----------------------------------------------------------------- */

/* Copies the next name or name=value (blank and comma separated) into out. */
static const char *
next_word(const char *p, const char *end, char *out, size_t len)
{
	size_t n;

	while (p < end && (isspace((unsigned char)*p) || *p == ','))
		p++;
	for (n = 0; p + n < end && !isspace((unsigned char)p[n]) && p[n] != ','; n++)
		;
	snprintf(out, len, "%.*s", (int)n, p);
	return p + n;
}

int
md_pf_milters_parse(const char *value, struct md_pf_milter *out, int max)
{
	const char *p = value, *close, *q;
	char word[256];
	int n = 0;

	for (;;) {
		while (*p != '\0' && (isspace((unsigned char)*p) || *p == ','))
			p++;
		if (*p == '\0')
			return n;
		if (n == max)
			return n;
		memset(&out[n], 0, sizeof out[n]);
		if (*p == '{') {
			if ((close = strchr(p, '}')) == NULL)
				return -1;
			/* { address, name=value, ... } */
			q = next_word(p + 1, close, out[n].address, sizeof out[n].address);
			while (q < close) {
				q = next_word(q, close, word, sizeof word);
				if (strncmp(word, "default_action=", 15) == 0)
					snprintf(out[n].default_action, sizeof out[n].default_action,
					    "%.31s", word + 15);
			}
			p = close + 1;
		} else
			p = next_word(p, p + strlen(p), out[n].address, sizeof out[n].address);
		n++;
	}
}

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
	postfix_spelling(cfg->milter_socket, ours, sizeof ours);
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
