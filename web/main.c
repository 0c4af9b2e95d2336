/*
 * main.c - maildesk-web: options, configuration, daemon life cycle.
 *
 *   maildesk-web [-c config] [-l addr:port] [-f] [-n] [-d] [-h] [-V]
 *
 * libmicrohttpd runs a fixed pool of threads; each request borrows one
 * store (a PostgreSQL and a Redis connection, store_pool.c) from a pool
 * of the same size for the time its handler runs, so no request ever
 * waits for another's round trip.  The schema is checked at the start.
 * SIGTERM/SIGINT stop the daemon: the main thread waits in sigwait(),
 * then MHD_stop_daemon() lets the running requests finish.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "netlist.h"
#include "web.h"

#ifndef WEB_STATIC_DEFAULT
#define WEB_STATIC_DEFAULT	"/usr/local/share/maildesk/web"
#endif
#define WEB_THREADS		4

static struct web W;

static const char *listen_arg;
static const struct md_daemon_opt web_opts[] = {
	{ 'l', "[-l addr:port]", "-l addr:port  listen address (overrides web_listen)",
	    &listen_arg, NULL },
	{ 0, NULL, NULL, NULL, NULL }
};

/*
 * Resolves "127.0.0.1:8080", "[::1]:8080" or "localhost:8080" (numeric
 * port required) into ss; 0 or -1 with err, which starts with what (where
 * the value came from).
 */
static int
parse_listen(const char *what, const char *spec, struct sockaddr_storage *ss,
    socklen_t *sslen, char *err, size_t errlen)
{
	struct addrinfo hints, *res;
	char host[256];
	const char *port, *colon, *orig = spec;
	size_t hl;
	int rc;

	if (spec[0] == '[') {
		if ((colon = strstr(spec, "]:")) == NULL)
			goto bad;
		hl = (size_t)(colon - spec - 1);
		port = colon + 2;
		spec++;
	} else {
		if ((colon = strrchr(spec, ':')) == NULL)
			goto bad;
		hl = (size_t)(colon - spec);
		port = colon + 1;
	}
	if (hl == 0 || hl >= sizeof host || *port == '\0' ||
	    strspn(port, "0123456789") != strlen(port))
		goto bad;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s: %s", what, orig, gai_strerror(rc));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
bad:
	snprintf(err, errlen, "%s: %s: expected host:port or [v6addr]:port", what, orig);
	return -1;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	md_log(LOG_WARNING, "httpd: %s", msg);
}

/* Names the source of the listen address the way config errors do. */
static void
listen_origin(const char *listen_opt, char *buf, size_t len)
{
	int line = md_config_line(&W.cfg, "web_listen");

	if (listen_opt != NULL)
		snprintf(buf, len, "-l option");
	else if (line > 0)
		snprintf(buf, len, "%s:%d: web_listen", W.cfg.path, line);
	else
		snprintf(buf, len, "web_listen (built-in default)");
}

/*
 * Binds before daemon() so that a busy port or a bad address fails in the
 * foreground, with the exit status the init system sees.
 */
static int
open_listener(const struct sockaddr_storage *ss, socklen_t sslen)
{
	int fd, one = 1;

	if ((fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, (const struct sockaddr *)ss, sslen) < 0 || listen(fd, 128) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static struct MHD_Daemon *
start_daemon(int fd)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

	return MHD_start_daemon(flags, 0, NULL, NULL, web_access, &W,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)W.threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)64,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_NOTIFY_COMPLETED, web_completed, &W,
	    MHD_OPTION_END);
}

/* Blocks the stop signals in every thread and waits for one here. */
static void
wait_for_stop(const sigset_t *set)
{
	int sig = 0;

	while (sigwait(set, &sig) != 0 || (sig != SIGTERM && sig != SIGINT))
		;
	md_log(LOG_INFO, "maildesk-web stopping (signal %d)", sig);
}

int
main(int argc, char **argv)
{
	struct md_daemon prog = { .name = "maildesk-web", .role = "web", .opts = web_opts };
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	const char *where;
	socklen_t sslen;
	sigset_t set;
	char err[512], what[384];
	int fd;

	md_daemon_options(&prog, argc, argv);
	if (md_daemon_config(&prog, &W.cfg, err, sizeof err) < 0) {
		fprintf(stderr, "maildesk-web: %s\n", err);
		return MD_EXIT_FAIL;
	}
	where = listen_arg ? listen_arg : W.cfg.web_listen;
	listen_origin(listen_arg, what, sizeof what);
	if (parse_listen(what, where, &ss, &sslen, err, sizeof err) < 0) {
		fprintf(stderr, "maildesk-web: %s\n", err);
		return MD_EXIT_FAIL;
	}
	if (prog.checkonly)
		return md_daemon_config_ok(&prog);
	md_daemon_log_open(&prog, &W.cfg);
	W.static_dir = *W.cfg.web_static_dir ? W.cfg.web_static_dir : WEB_STATIC_DEFAULT;
	W.secure_cookie = strncasecmp(W.cfg.base_url, "https:", 6) == 0;
	W.threads = WEB_THREADS;
	if (*W.cfg.web_trusted_proxies != '\0' &&
	    (W.proxies = md_netlist_parse(W.cfg.web_trusted_proxies, err, sizeof err)) == NULL) {
		fprintf(stderr, "maildesk-web: web_trusted_proxies: %s\n", err);
		return 1;
	}
	if ((W.pool = web_store_pool_new(&W.cfg, W.threads, err, sizeof err)) == NULL) {
		md_log(LOG_ERR, "%s", err);
		if (!prog.foreground)
			fprintf(stderr, "maildesk-web: %s\n", err);
		return 1;
	}

	if ((fd = open_listener(&ss, sslen)) < 0) {
		md_log(LOG_ERR, "cannot listen on %s: %s", where, strerror(errno));
		return 1;
	}
	if (md_daemon_detach(&prog, W.cfg.web_pid_file, err, sizeof err) < 0) {
		md_log(LOG_ERR, "%s", err);
		return 1;
	}
	/* Threads started from here on inherit the mask: only sigwait() sees these. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if ((d = start_daemon(fd)) == NULL) {
		md_log(LOG_ERR, "cannot start the HTTP server on %s", where);
		md_daemon_finish(&prog);
		return 1;
	}
	md_log(LOG_INFO, "maildesk-web %s listening on %s, static files in %s",
	    PACKAGE_VERSION, where, W.static_dir);

	wait_for_stop(&set);

	MHD_stop_daemon(d);
	md_daemon_finish(&prog);
	web_store_pool_free(W.pool);
	md_config_free(&W.cfg);
	return 0;
}
