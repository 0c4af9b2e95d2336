/*
 * milter_probe.c - SMFIC_OPTNEG against a milter socket (see milter_probe.h).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "milter_probe.h"
#include "sock.h"

#define SMFIC_OPTNEG		'O'
#define SMFIC_QUIT		'Q'
#define PROBE_VERSION		6u		/* what Postfix 3 and Sendmail 8.14+ offer */
#define PROBE_ACTIONS		0x000001ffu	/* every SMFIF_* of version 6 */
#define PROBE_PROTOCOL		0x001fffffu	/* every SMFIP_* of version 6 */
/* An OPTNEG answer is 13 bytes plus, from version 6, the macro lists. */
#define PROBE_MAX_PACKET	65536u

/* Where to connect: a path, or a host and a port. */
struct probe_addr {
	char	path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char	host[256];
	char	port[8];
	int	family;		/* AF_UNIX, AF_INET or AF_INET6 */
};

/*
 * libmilter's socket syntax (smfi_setconn): {unix|local}:/path, inet:PORT[@HOST],
 * inet6:PORT[@HOST], or a bare path.  A missing host means every address,
 * which we reach on the loopback.
 */
static int
parse_spec(const char *spec, struct probe_addr *a)
{
	const char *at, *port;
	size_t n;

	memset(a, 0, sizeof *a);
	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0 ||
	    spec[0] == '/') {
		spec = spec[0] == '/' ? spec : strchr(spec, ':') + 1;
		if (*spec == '\0' || strlen(spec) >= sizeof a->path)
			return -1;
		strcpy(a->path, spec);
		a->family = AF_UNIX;
		return 0;
	}
	if (strncmp(spec, "inet:", 5) == 0) {
		a->family = AF_INET;
		port = spec + 5;
	} else if (strncmp(spec, "inet6:", 6) == 0) {
		a->family = AF_INET6;
		port = spec + 6;
	} else
		return -1;
	at = strchr(port, '@');
	n = at != NULL ? (size_t)(at - port) : strlen(port);
	if (n == 0 || n >= sizeof a->port || strspn(port, "0123456789") != n)
		return -1;
	memcpy(a->port, port, n);
	if (at == NULL || at[1] == '\0' || strcmp(at + 1, "*") == 0)
		snprintf(a->host, sizeof a->host, "%s", a->family == AF_INET6 ? "::1" : "127.0.0.1");
	else if (snprintf(a->host, sizeof a->host, "%s", at + 1) >= (int)sizeof a->host)
		return -1;
	/* libmilter writes IPv6 hosts in brackets too. */
	n = strlen(a->host);
	if (n >= 2 && a->host[0] == '[' && a->host[n - 1] == ']') {
		memmove(a->host, a->host + 1, n - 2);
		a->host[n - 2] = '\0';
	}
	return 0;
}

static int
open_socket(const struct probe_addr *a, long long deadline, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct sockaddr_un sun;
	int fd = -1, rc;

	if (a->family == AF_UNIX) {
		memset(&sun, 0, sizeof sun);
		sun.sun_family = AF_UNIX;
		memcpy(sun.sun_path, a->path, strlen(a->path));
		if ((fd = md_sock_dial((struct sockaddr *)&sun, sizeof sun, deadline)) < 0)
			snprintf(err, errlen, "connect %s: %s", a->path, strerror(errno));
		return fd;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = a->family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(a->host, a->port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", a->host, gai_strerror(rc));
		return -1;
	}
	errno = EADDRNOTAVAIL;
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next)
		fd = md_sock_dial(ai->ai_addr, ai->ai_addrlen, deadline);
	if (fd < 0)
		snprintf(err, errlen, "connect %s:%s: %s", a->host, a->port, strerror(errno));
	freeaddrinfo(res);
	return fd;
}

/* Reads exactly n bytes before deadline: 0, or -1 with errno (0 = EOF). */
static int
get(int fd, unsigned char *p, size_t n, long long deadline)
{
	ssize_t r;

	while (n > 0) {
		if ((r = recv(fd, p, n, 0)) > 0) {
			p += r;
			n -= (size_t)r;
		} else if (r == 0) {
			errno = 0;
			return -1;
		} else if (errno != EAGAIN && errno != EINTR)
			return -1;
		else if (md_sock_wait(fd, POLLIN, deadline) != 1) {
			errno = ETIMEDOUT;
			return -1;
		}
	}
	return 0;
}

static void
put32(unsigned char *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

static unsigned long
get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

static void
io_error(const char *step, int timeout_ms, char *err, size_t errlen)
{
	if (errno == ETIMEDOUT)
		snprintf(err, errlen, "no answer within %d ms (%s)", timeout_ms, step);
	else if (errno == 0)
		snprintf(err, errlen, "connection closed by the milter (%s)", step);
	else
		snprintf(err, errlen, "%s: %s", step, strerror(errno));
}

int
md_milter_probe(const char *spec, int timeout_ms, struct md_milter_probe_result *out,
    char *err, size_t errlen)
{
	static const unsigned char quit[5] = { 0, 0, 0, 1, SMFIC_QUIT };
	unsigned char req[17], head[5], *body = NULL;
	long long start = md_now_ms(), deadline;
	struct probe_addr a;
	unsigned long len;
	int fd, rc = -1;

	memset(out, 0, sizeof *out);
	if (timeout_ms <= 0)
		timeout_ms = 5000;
	deadline = start + timeout_ms;
	if (spec == NULL || parse_spec(spec, &a) < 0) {
		snprintf(err, errlen, "cannot read the socket address \"%s\"", spec ? spec : "");
		return -1;
	}
	if ((fd = open_socket(&a, deadline, err, errlen)) < 0)
		return -1;
	put32(req, 13);		/* the command byte and three words */
	req[4] = SMFIC_OPTNEG;
	put32(req + 5, PROBE_VERSION);
	put32(req + 9, PROBE_ACTIONS);
	put32(req + 13, PROBE_PROTOCOL);
	if (md_sock_send(fd, req, sizeof req, deadline) < 0) {
		io_error("sending option negotiation", timeout_ms, err, errlen);
		goto out;
	}
	if (get(fd, head, sizeof head, deadline) < 0) {
		io_error("reading the answer", timeout_ms, err, errlen);
		goto out;
	}
	len = get32(head);
	if (head[4] != SMFIC_OPTNEG) {
		snprintf(err, errlen, "answered '%c' (0x%02x), not option negotiation",
		    head[4] >= 0x20 && head[4] < 0x7f ? head[4] : '?', head[4]);
		goto out;
	}
	/* Bounded: the length is the peer's word, not ours. */
	if (len < 13 || len > PROBE_MAX_PACKET) {
		snprintf(err, errlen, "option negotiation answer of %lu bytes", len);
		goto out;
	}
	if ((body = malloc(len - 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (get(fd, body, len - 1, deadline) < 0) {
		io_error("reading the answer", timeout_ms, err, errlen);
		goto out;
	}
	out->version = get32(body);
	out->actions = get32(body + 4);
	out->protocol = get32(body + 8);
	out->elapsed_ms = md_now_ms() - start;
	/* A polite goodbye, so the milter does not log an aborted session. */
	(void)md_sock_send(fd, quit, sizeof quit, deadline);
	rc = 0;
out:
	free(body);
	close(fd);
	return rc;
}
