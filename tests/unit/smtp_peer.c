/*
 * smtp_peer.c - a scripted SMTP server thread for the smtp and outbox tests.
 *
 * Just enough of RFC 5321 for libcurl: greeting, EHLO/HELO, MAIL, RCPT,
 * DATA (with dot-unstuffing), RSET, NOOP, QUIT.  Each read waits at most a
 * few seconds so a confused client can never hang the test.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "smtp_peer.h"

#define IO_WAIT_MS	5000

struct smtp_peer {
	pthread_t	 thr;
	pthread_mutex_t	 lock;
	int		 fd;
	int		 port;
	volatile int	 stop;
	enum peer_mode	 mode;
	int		 sessions;
	int		 delivered;
	md_buf		 data, from, rcpt;
	/* the session being served */
	int		 cfd;
	char		 in[8192];
	size_t		 inlen;
};

/* Reads one line (CRLF stripped) into line; 0, or -1 on EOF/timeout/stop. */
static int
get_line(struct smtp_peer *p, char *line, size_t linelen)
{
	struct pollfd pfd;
	char *nl;
	ssize_t n;
	size_t l;
	int waited = 0;

	while ((nl = memchr(p->in, '\n', p->inlen)) == NULL) {
		pfd.fd = p->cfd;
		pfd.events = POLLIN;
		if (p->stop || waited >= IO_WAIT_MS ||
		    p->inlen == sizeof p->in)
			return -1;
		if (poll(&pfd, 1, 100) <= 0) {
			waited += 100;
			continue;
		}
		n = read(p->cfd, p->in + p->inlen, sizeof p->in - p->inlen);
		if (n <= 0)
			return -1;
		p->inlen += (size_t)n;
	}
	l = (size_t)(nl - p->in);
	if (l > 0 && p->in[l - 1] == '\r')
		l--;
	if (l >= linelen)
		l = linelen - 1;
	memcpy(line, p->in, l);
	line[l] = '\0';
	p->inlen -= (size_t)(nl + 1 - p->in);
	memmove(p->in, nl + 1, p->inlen);
	return 0;
}

static void
say(struct smtp_peer *p, const char *s)
{
	size_t n = strlen(s);

	if (write(p->cfd, s, n) != (ssize_t)n)
		return;
}

/* DATA until the "." line; returns 0 or -1. */
static int
get_data(struct smtp_peer *p, md_buf *b)
{
	char line[2048];

	while (get_line(p, line, sizeof line) == 0) {
		if (strcmp(line, ".") == 0)
			return 0;
		md_buf_puts(b, line[0] == '.' ? line + 1 : line);
		md_buf_puts(b, "\r\n");
	}
	return -1;
}

static void
session(struct smtp_peer *p, enum peer_mode mode)
{
	char line[2048];
	md_buf data = MD_BUF_INIT;
	int mails = 0;

	p->inlen = 0;
	if (mode == PEER_CLOSE)
		return;
	if (mode == PEER_SILENT) {
		while (get_line(p, line, sizeof line) == 0)
			;
		return;
	}
	say(p, "220 peer.test ESMTP\r\n");
	while (get_line(p, line, sizeof line) == 0) {
		if (strncasecmp(line, "EHLO", 4) == 0)
			say(p, "250-peer.test\r\n250-8BITMIME\r\n250 SIZE 10240000\r\n");
		else if (strncasecmp(line, "HELO", 4) == 0)
			say(p, "250 peer.test\r\n");
		else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
			if (mode == PEER_ONE_PER_SESSION && mails++ > 0)
				break;
			pthread_mutex_lock(&p->lock);
			if (mode != PEER_ONE_PER_SESSION)	/* a kept connection sees mode changes */
				mode = p->mode;
			md_buf_reset(&p->from);	/* without ESMTP parameters */
			md_buf_append(&p->from, line + 10, strcspn(line + 10, " "));
			pthread_mutex_unlock(&p->lock);
			if (mode == PEER_MAIL_530)
				say(p, "530 5.7.0 Must issue a STARTTLS command first\r\n");
			else
				say(p, "250 2.1.0 Ok\r\n");
		} else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
			pthread_mutex_lock(&p->lock);
			md_buf_reset(&p->rcpt);
			md_buf_puts(&p->rcpt, line + 8);
			pthread_mutex_unlock(&p->lock);
			if (mode == PEER_RCPT_450)
				say(p, "450 4.2.0 <rcpt>: Recipient address rejected: try later\r\n");
			else if (mode == PEER_RCPT_550)
				say(p, "550-5.1.1 <rcpt>: Recipient address rejected:\r\n"
				    "550 5.1.1 User unknown in local recipient table\r\n");
			else
				say(p, "250 2.1.5 Ok\r\n");
		} else if (strcasecmp(line, "DATA") == 0) {
			say(p, "354 End data with <CR><LF>.<CR><LF>\r\n");
			md_buf_reset(&data);
			if (get_data(p, &data) < 0)
				break;
			if (mode == PEER_DATA_554) {
				say(p, "554 5.7.1 Message rejected: content policy\r\n");
				continue;
			}
			if (mode == PEER_DATA_HANGUP) {
				pthread_mutex_lock(&p->lock);
				p->delivered++;	/* it has the message */
				pthread_mutex_unlock(&p->lock);
				break;
			}
			if (mode == PEER_DATA_451) {
				say(p, "451 4.3.0 Error: queue file write error\r\n");
				continue;
			}
			pthread_mutex_lock(&p->lock);
			md_buf_reset(&p->data);
			md_buf_append(&p->data, md_buf_str(&data), data.len);
			p->delivered++;
			pthread_mutex_unlock(&p->lock);
			say(p, "250 2.0.0 Ok: queued as PEER1\r\n");
		} else if (strcasecmp(line, "QUIT") == 0) {
			say(p, "221 2.0.0 Bye\r\n");
			break;
		} else if (strcasecmp(line, "RSET") == 0 ||
		    strcasecmp(line, "NOOP") == 0)
			say(p, "250 2.0.0 Ok\r\n");
		else
			say(p, "502 5.5.2 Error: command not recognized\r\n");
	}
	md_buf_free(&data);
}

static void *
serve(void *arg)
{
	struct smtp_peer *p = arg;
	struct pollfd pfd;
	enum peer_mode mode;

	while (!p->stop) {
		pfd.fd = p->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((p->cfd = accept(p->fd, NULL, NULL)) < 0)
			continue;
		pthread_mutex_lock(&p->lock);
		mode = p->mode;
		p->sessions++;
		pthread_mutex_unlock(&p->lock);
		session(p, mode);
		close(p->cfd);
	}
	return NULL;
}

struct smtp_peer *
smtp_peer_start(enum peer_mode mode)
{
	struct smtp_peer *p = calloc(1, sizeof *p);
	struct sockaddr_in sin;
	socklen_t slen = sizeof sin;
	int one = 1;

	if (p == NULL)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	p->mode = mode;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((p->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(p->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(p->fd, (struct sockaddr *)&sin, sizeof sin) < 0 ||
	    listen(p->fd, 8) < 0 ||
	    getsockname(p->fd, (struct sockaddr *)&sin, &slen) < 0 ||
	    pthread_create(&p->thr, NULL, serve, p) != 0) {
		if (p->fd >= 0)
			close(p->fd);
		free(p);
		return NULL;
	}
	p->port = ntohs(sin.sin_port);
	return p;
}

void
smtp_peer_stop(struct smtp_peer *p)
{
	if (p == NULL)
		return;
	p->stop = 1;
	pthread_join(p->thr, NULL);
	close(p->fd);
	md_buf_free(&p->data);
	md_buf_free(&p->from);
	md_buf_free(&p->rcpt);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

int
smtp_peer_port(const struct smtp_peer *p)
{
	return p->port;
}

void
smtp_peer_set_mode(struct smtp_peer *p, enum peer_mode mode)
{
	pthread_mutex_lock(&p->lock);
	p->mode = mode;
	pthread_mutex_unlock(&p->lock);
}

static int
counter(struct smtp_peer *p, const int *c)
{
	int v;

	pthread_mutex_lock(&p->lock);
	v = *c;
	pthread_mutex_unlock(&p->lock);
	return v;
}

int
smtp_peer_sessions(struct smtp_peer *p)
{
	return counter(p, &p->sessions);
}

int
smtp_peer_delivered(struct smtp_peer *p)
{
	return counter(p, &p->delivered);
}

static char *
copy(struct smtp_peer *p, const md_buf *b)
{
	char *s;

	pthread_mutex_lock(&p->lock);
	s = strdup(md_buf_str(b));
	pthread_mutex_unlock(&p->lock);
	return s;
}

char *
smtp_peer_last_data(struct smtp_peer *p)
{
	return copy(p, &p->data);
}

char *
smtp_peer_last_from(struct smtp_peer *p)
{
	return copy(p, &p->from);
}

char *
smtp_peer_last_rcpt(struct smtp_peer *p)
{
	return copy(p, &p->rcpt);
}

static int
wait_for(struct smtp_peer *p, const int *c, int n, int ms)
{
	struct timespec ts = { 0, 20 * 1000000L };

	for (; counter(p, c) < n && ms > 0; ms -= 20)
		nanosleep(&ts, NULL);
	return counter(p, c);
}

int
smtp_peer_wait_delivered(struct smtp_peer *p, int n, int ms)
{
	return wait_for(p, &p->delivered, n, ms);
}

int
smtp_peer_wait_sessions(struct smtp_peer *p, int n, int ms)
{
	return wait_for(p, &p->sessions, n, ms);
}
