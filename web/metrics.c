/*
 * metrics.c - maildesk-web's GET /metrics and its login counter.
 *
 * The web UI serves its metrics itself instead of a listener of its own
 * (the milter and the worker have one): it is an HTTP server already.
 * The route answers loopback clients only, and only when the request came
 * straight to us: a request through the front proxy (contrib/nginx sets
 * X-Real-IP) comes from the proxy's loopback address but on behalf of
 * anyone on the internet, who gets 404 as for any unknown path.
 */
#include "config.h"

#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>

#include "metrics.h"
#include "web.h"

static pthread_once_t declared = PTHREAD_ONCE_INIT;

static void
declare(void)
{
	md_metrics_declare(md_metrics_global(), "maildesk_web_logins_total",
	    MD_METRIC_COUNTER, "Logins by result: success, failure (wrong name or "
	    "password), throttled (refused by the login throttle: 429).", NULL, 0);
}

void
web_metrics_login(const char *result)
{
	pthread_once(&declared, declare);
	md_metrics_add(md_metrics_global(), "maildesk_web_logins_total", 1,
	    "result", result, (char *)NULL);
}

static int
loopback(const struct sockaddr *sa)
{
	static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	const struct sockaddr_in6 *v6;

	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family != AF_INET6)
		return 0;
	v6 = (const struct sockaddr_in6 *)sa;
	return IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr) ||
	    (memcmp(v6->sin6_addr.s6_addr, v4mapped, 12) == 0 && v6->sin6_addr.s6_addr[12] == 127);
}

web_result
web_metrics(struct req *rq, char **args, int nargs)
{
	const union MHD_ConnectionInfo *ci;
	md_buf b = MD_BUF_INIT;
	web_result rc;

	(void)args;
	(void)nargs;
	pthread_once(&declared, declare);
	ci = MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || !loopback(ci->client_addr) ||
	    MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "X-Real-IP") != NULL ||
	    MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "X-Forwarded-For") != NULL)
		return web_error(rq, MHD_HTTP_NOT_FOUND, "not found");
	if (md_metrics_format(md_metrics_global(), &b) < 0) {
		md_buf_free(&b);
		return web_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	}
	rc = web_reply(rq, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
	    b.data ? b.data : "", b.len);
	md_buf_free(&b);
	return rc;
}
