/*
 * metrics_http.c - GET /metrics on a socket of its own (metrics_http.h).
 *
 * Deliberately not libmicrohttpd: the milter and the worker do not link it,
 * and the whole protocol needed here is one request line.  The thread
 * waits in poll() on the listening socket and a pipe that
 * md_metrics_http_stop() writes to, so stopping never waits for a client.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "clock.h"
#include "metrics_http.h"

struct md_metrics_http {
	int			 fd;
	int			 stop_pipe[2];
	pthread_t		 thread;
	struct md_metrics	*m;
};

int
md_metrics_listen_parse(const char *addr, char *host, size_t hostlen,
    char *port, size_t portlen, char *err, size_t errlen)
{
	const char *colon, *h = addr;
	size_t n;
	long p;
	char *end;

	if (addr == NULL || *addr == '\0') {
		snprintf(err, errlen, "empty address");
		return -1;
	}
	if (*addr == '[') {
		const char *rb = strchr(addr, ']');

		if (rb == NULL || rb[1] != ':') {
			snprintf(err, errlen, "%s: expected [address]:port", addr);
			return -1;
		}
		h = addr + 1;
		n = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		if ((colon = strrchr(addr, ':')) == NULL || strchr(addr, ':') != colon) {
			snprintf(err, errlen, "%s: expected host:port", addr);
			return -1;
		}
		n = (size_t)(colon - addr);
	}
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (n == 0 || n >= hostlen || colon[1] == '\0' || *end != '\0' || errno != 0 ||
	    p < 1 || p > 65535) {
		snprintf(err, errlen, "%s: expected host:port with a port from 1 to 65535",
		    addr);
		return -1;
	}
	memcpy(host, h, n);
	host[n] = '\0';
	snprintf(port, portlen, "%ld", p);
	return 0;
}

static int
status(md_buf *resp, const char *code, const char *text)
{
	return md_buf_printf(resp, "HTTP/1.0 %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", code, strlen(text), text);
}

int
md_metrics_http_answer(struct md_metrics *m, const char *req, size_t len, md_buf *resp)
{
	const char *sp, *path, *path_end, *eol;
	md_buf body = MD_BUF_INIT;
	int head, rc;

	eol = memchr(req, '\n', len);
	sp = memchr(req, ' ', eol ? (size_t)(eol - req) : len);
	if (eol == NULL || sp == NULL)
		return status(resp, "400 Bad Request", "bad request\n");
	path = sp + 1;
	for (path_end = path; path_end < eol && *path_end != ' ' && *path_end != '?' &&
	    *path_end != '\r'; path_end++)
		;
	head = sp - req == 4 && memcmp(req, "HEAD", 4) == 0;
	if (!head && !(sp - req == 3 && memcmp(req, "GET", 3) == 0))
		return status(resp, "405 Method Not Allowed", "only GET /metrics\n");
	if (path_end - path != 8 || memcmp(path, "/metrics", 8) != 0)
		return status(resp, "404 Not Found", "only GET /metrics\n");
	if (md_metrics_format(m, &body) < 0) {
		md_buf_free(&body);
		return -1;
	}
	rc = md_buf_printf(resp, "HTTP/1.0 200 OK\r\n"
	    "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", body.len);
	if (rc == 0 && !head)
		rc = md_buf_append(resp, body.data ? body.data : "", body.len);
	md_buf_free(&body);
	return rc;
}

/* Reads the request head (up to the blank line) within the deadline. */
static size_t
read_request(int fd, char *buf, size_t len, long long deadline)
{
	size_t got = 0;
	ssize_t n;
	struct pollfd p = { fd, POLLIN, 0 };

	while (got + 1 < len) {
		long long left = deadline - md_now_ms();

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		n = read(fd, buf + got, len - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL || strstr(buf, "\n\n") != NULL)
			break;
	}
	buf[got] = '\0';
	return got;
}

static void
write_all(int fd, const char *p, size_t len, long long deadline)
{
	struct pollfd pf = { fd, POLLOUT, 0 };
	ssize_t n;

	while (len > 0) {
		long long left = deadline - md_now_ms();

		if (left <= 0 || poll(&pf, 1, (int)left) <= 0)
			return;
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static void
serve(struct md_metrics_http *h, int fd)
{
	char req[MD_METRICS_HTTP_REQ_MAX + 1];
	long long deadline = md_now_ms() + MD_METRICS_HTTP_TIMEOUT_MS;
	md_buf resp = MD_BUF_INIT;
	size_t n;

	n = read_request(fd, req, sizeof req, deadline);
	if (n > 0 && md_metrics_http_answer(h->m, req, n, &resp) == 0)
		write_all(fd, resp.data, resp.len, deadline);
	md_buf_free(&resp);
}

static void *
listener_main(void *arg)
{
	struct md_metrics_http *h = arg;
	struct pollfd p[2];
	int fd;

	for (;;) {
		p[0].fd = h->fd;
		p[0].events = POLLIN;
		p[1].fd = h->stop_pipe[0];
		p[1].events = POLLIN;
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents != 0)
			break;
		if ((p[0].revents & POLLIN) == 0)
			continue;
		fd = accept4(h->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			/* EMFILE and the like: do not spin on it. */
			if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
				usleep(100 * 1000);
			continue;
		}
		serve(h, fd);
		close(fd);
	}
	return NULL;
}

static int
bind_listen(const char *addr, char *err, size_t errlen)
{
	char host[256], port[16];
	struct addrinfo hints, *res, *ai;
	int fd = -1, on = 1, rc, saved = 0;

	if (md_metrics_listen_parse(addr, host, sizeof host, port, sizeof port,
	    err, errlen) < 0)
		return -1;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", addr, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 16) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(err, errlen, "%s: %s", addr, strerror(saved));
	return fd;
}

struct md_metrics_http *
md_metrics_http_start(const char *addr, struct md_metrics *m, char *err, size_t errlen)
{
	struct md_metrics_http *h;
	sigset_t all, old;
	int rc;

	if (m == NULL) {
		snprintf(err, errlen, "no metrics registry");
		return NULL;
	}
	if ((h = calloc(1, sizeof *h)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->m = m;
	h->stop_pipe[0] = h->stop_pipe[1] = -1;
	if ((h->fd = bind_listen(addr, err, errlen)) < 0) {
		free(h);
		return NULL;
	}
	if (pipe2(h->stop_pipe, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(h->fd);
		free(h);
		return NULL;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&h->thread, NULL, listener_main, h);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the metrics thread: %s", strerror(rc));
		close(h->fd);
		close(h->stop_pipe[0]);
		close(h->stop_pipe[1]);
		free(h);
		return NULL;
	}
	return h;
}

void
md_metrics_http_stop(struct md_metrics_http *h)
{
	ssize_t n;

	if (h == NULL)
		return;
	do
		n = write(h->stop_pipe[1], "x", 1);
	while (n < 0 && errno == EINTR);
	pthread_join(h->thread, NULL);
	close(h->fd);
	close(h->stop_pipe[0]);
	close(h->stop_pipe[1]);
	free(h);
}
