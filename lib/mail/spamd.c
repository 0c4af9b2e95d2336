/*
 * spamd.c - SPAMC/1.5 over TCP or a unix socket, with one time budget.
 *
 * The socket is non-blocking from the start; connect, send and receive all
 * poll() against the same deadline, so a hung spamd costs at most
 * timeout_ms.  The reply is read until spamd closes the connection (it
 * always does after one request) or the 64 KiB cap is reached.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "clock.h"
#include "sock.h"
#include "spamd.h"

#define REPLY_MAX	65536

struct target {
	int	unix_path;		/* 1: path holds a socket path */
	char	path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char	host[256];
	char	port[8];
};

static int
parse_port(const char *p, size_t n, struct target *t)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	snprintf(t->port, sizeof t->port, "%ld", v);
	return 0;
}

static int
set_host(const char *h, size_t n, struct target *t)
{
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		h++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof t->host)
		return -1;
	memcpy(t->host, h, n);
	t->host[n] = '\0';
	return 0;
}

static int
parse_target(const char *spec, struct target *t)
{
	const char *sep;

	memset(t, 0, sizeof *t);
	if (spec == NULL || *spec == '\0')
		return -1;
	if (strncmp(spec, "unix:", 5) == 0 || spec[0] == '/') {
		spec += spec[0] == '/' ? 0 : 5;
		if (*spec != '/' || strlen(spec) >= sizeof t->path)
			return -1;
		strcpy(t->path, spec);
		t->unix_path = 1;
		return 0;
	}
	if (strncmp(spec, "inet:", 5) == 0) {
		spec += 5;
		if ((sep = strchr(spec, '@')) == NULL)
			return -1;
		if (parse_port(spec, (size_t)(sep - spec), t) < 0)
			return -1;
		return set_host(sep + 1, strlen(sep + 1), t);
	}
	if ((sep = strrchr(spec, ':')) == NULL)
		return -1;
	if (parse_port(sep + 1, strlen(sep + 1), t) < 0)
		return -1;
	return set_host(spec, (size_t)(sep - spec), t);
}

int
md_spamd_address_check(const char *spec, char *err, size_t errlen)
{
	struct target t;

	if (parse_target(spec, &t) == 0)
		return 0;
	snprintf(err, errlen, "spamd_address: expected inet:PORT@HOST, HOST:PORT or unix:/path");
	return -1;
}

static int
open_conn(const char *spec, long long deadline, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct sockaddr_un sun;
	struct target t;
	int fd = -1, rc;

	if (parse_target(spec, &t) < 0) {
		snprintf(err, errlen, "spamd: bad address \"%s\"", spec ? spec : "");
		return -1;
	}
	if (t.unix_path) {
		memset(&sun, 0, sizeof sun);
		sun.sun_family = AF_UNIX;
		strcpy(sun.sun_path, t.path);
		if ((fd = md_sock_dial((struct sockaddr *)&sun, sizeof sun, deadline)) < 0)
			snprintf(err, errlen, "spamd: connect %s: %s", t.path, strerror(errno));
		return fd;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(t.host, t.port, &hints, &res)) != 0) {
		snprintf(err, errlen, "spamd: %s: %s", t.host, gai_strerror(rc));
		return -1;
	}
	errno = EADDRNOTAVAIL;
	for (ai = res; ai != NULL && fd < 0 && md_now_ms() < deadline; ai = ai->ai_next)
		fd = md_sock_dial(ai->ai_addr, ai->ai_addrlen, deadline);
	if (fd < 0)
		snprintf(err, errlen, "spamd: connect %s:%s: %s", t.host, t.port,
		    errno == ETIMEDOUT ? "timeout" : strerror(errno));
	freeaddrinfo(res);
	return fd;
}

/* Reads until EOF or the cap; buf gets a NUL.  Returns length or -1. */
static ssize_t
recv_all(int fd, char *buf, size_t cap, long long deadline)
{
	size_t len = 0;
	ssize_t r;

	while (len + 1 < cap) {
		r = recv(fd, buf + len, cap - 1 - len, 0);
		if (r > 0)
			len += (size_t)r;
		else if (r == 0)
			break;
		else if (errno != EAGAIN && errno != EINTR)
			return -1;
		else if (md_sock_wait(fd, POLLIN, deadline) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

/*
 * Sends head and body, then reads the reply into a malloc'd buffer.
 * Returns the buffer (caller frees) or NULL with err set.
 */
static char *
exchange(const char *address, const char *head, const char *body, size_t blen,
    int timeout_ms, char *err, size_t errlen)
{
	long long deadline = md_now_ms() + (timeout_ms > 0 ? timeout_ms : 1);
	char *reply = NULL;
	ssize_t n;
	int fd;

	if ((fd = open_conn(address, deadline, err, errlen)) < 0)
		return NULL;
	if (md_sock_send(fd, head, strlen(head), deadline) < 0 ||
	    md_sock_send(fd, body, blen, deadline) < 0) {
		snprintf(err, errlen, "spamd: send: %s",
		    errno == ETIMEDOUT ? "timeout" : strerror(errno));
		goto out;
	}
	if ((reply = malloc(REPLY_MAX)) == NULL) {
		snprintf(err, errlen, "spamd: out of memory");
		goto out;
	}
	if ((n = recv_all(fd, reply, REPLY_MAX, deadline)) < 0) {
		snprintf(err, errlen, "spamd: receive: %s",
		    errno == ETIMEDOUT ? "timeout" : strerror(errno));
		free(reply);
		reply = NULL;
	}
out:
	close(fd);
	return reply;
}

/* Copies one line of reply (without CR/LF, printable only) for messages. */
static void
quote_line(const char *p, char *out, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n && p[i] != '\0' && p[i] != '\r' && p[i] != '\n' && i < 80; i++)
		out[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '?';
	out[i] = '\0';
}

/* "SPAMD/1.x 0 EX_OK": 0, else -1 with err quoting the line. */
static int
status_ok(const char *reply, char *err, size_t errlen)
{
	char line[96];
	const char *p = reply;

	if (strncmp(p, "SPAMD/", 6) == 0) {
		p += 6 + strspn(p + 6, "0123456789.");
		if (*p == ' ' && p[1] == '0' && p[2] == ' ')
			return 0;
	}
	quote_line(reply, line, sizeof line);
	snprintf(err, errlen, "spamd: bad reply: \"%s\"", line);
	return -1;
}

/* Parses "True ; 1000.0 / 5.0" (after "Spam:"); 0 or -1. */
static int
parse_spam(const char *p, struct md_spamd_result *out)
{
	char *end;

	p += strspn(p, " \t");
	if (strncasecmp(p, "True", 4) == 0 || strncasecmp(p, "Yes", 3) == 0)
		out->is_spam = 1;
	else if (strncasecmp(p, "False", 5) != 0 && strncasecmp(p, "No", 2) != 0)
		return -1;
	if ((p = strchr(p, ';')) == NULL)
		return -1;
	out->score = strtod(p + 1, &end);	/* "-0.0" is fine */
	if (end == p + 1 || !isfinite(out->score))
		return -1;
	p = end + strspn(end, " \t");
	if (*p != '/')
		return -1;
	out->threshold = strtod(p + 1, &end);
	if (end == p + 1 || !isfinite(out->threshold))
		return -1;
	return 0;
}

/* Copies the SYMBOLS body: one line, comma separated names. */
static void
copy_symbols(const char *body, char *out, size_t n)
{
	size_t i = 0;

	body += strspn(body, " \t\r\n");
	for (; *body != '\0' && *body != '\r' && *body != '\n' && i + 1 < n; body++)
		if ((*body >= 'A' && *body <= 'Z') || (*body >= 'a' && *body <= 'z') ||
		    (*body >= '0' && *body <= '9') || *body == '_' || *body == ',')
			out[i++] = *body;
	out[i] = '\0';
}

/* Start of the reply body (after the blank line), or NULL. */
static const char *
find_body(const char *reply)
{
	const char *b;

	if ((b = strstr(reply, "\r\n\r\n")) != NULL)
		return b + 4;
	if ((b = strstr(reply, "\n\n")) != NULL)
		return b + 2;
	return NULL;
}

int
md_spamd_parse_reply(const char *reply, struct md_spamd_result *out, char *err, size_t errlen)
{
	const char *p, *body = find_body(reply);
	char line[96];

	if (status_ok(reply, err, errlen) < 0)
		return -1;
	for (p = strchr(reply, '\n'); p != NULL && *++p != '\0'; p = strchr(p, '\n')) {
		if (body != NULL && p >= body)
			break;
		/* only a complete line counts: a cut "Spam: True ; 10" must not */
		if (strncasecmp(p, "Spam:", 5) == 0 && strchr(p, '\n') != NULL &&
		    parse_spam(p + 5, out) == 0) {
			copy_symbols(body != NULL ? body : "", out->symbols,
			    sizeof out->symbols);
			out->ok = 1;
			return 0;
		}
	}
	quote_line(reply, line, sizeof line);
	snprintf(err, errlen, "spamd: no usable Spam: header after \"%s\"", line);
	return -1;
}

int
md_spamd_check(const char *address, const char *msg, size_t len, size_t max_size,
    int timeout_ms, int want_symbols, struct md_spamd_result *out,
    char *err, size_t errlen)
{
	char head[96], *reply;
	int rc;

	memset(out, 0, sizeof *out);
	if (msg == NULL)
		len = 0;
	if (max_size > 0 && len > max_size)
		len = max_size;		/* spamd sees the head of a big message */
	snprintf(head, sizeof head, "%s SPAMC/1.5\r\nContent-length: %zu\r\n\r\n",
	    want_symbols ? "SYMBOLS" : "CHECK", len);
	if ((reply = exchange(address, head, msg != NULL ? msg : "", len, timeout_ms,
	    err, errlen)) == NULL)
		return -1;
	rc = md_spamd_parse_reply(reply, out, err, errlen);
	free(reply);
	return rc;
}

int
md_spamd_ping(const char *address, int timeout_ms, char *err, size_t errlen)
{
	char *reply;
	int rc = -1;

	if ((reply = exchange(address, "PING SPAMC/1.5\r\n\r\n", "", 0, timeout_ms,
	    err, errlen)) == NULL)
		return -1;
	if (strncmp(reply, "SPAMD/", 6) == 0 && strstr(reply, " PONG") != NULL)
		rc = 0;
	else if (status_ok(reply, err, errlen) == 0)
		snprintf(err, errlen, "spamd: no PONG");
	free(reply);
	return rc;
}
