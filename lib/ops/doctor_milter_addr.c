/*
 * doctor_milter_addr.c - the milter's socket in the MTAs' spellings
 * (doctor_milter_addr.h): below both doctor_checks_mta.c and
 * doctor_checks_sendmail.c, which compare what Postfix or Sendmail is
 * told with our milter_socket.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "doctor_milter_addr.h"

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

void
md_pf_milter_spelling(const char *ours, char *out, size_t len)
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
