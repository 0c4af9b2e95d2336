/*
 * metrics_http.h - the metrics listener of maildesk-milter and
 * maildesk-worker: one thread answering GET /metrics with the registry in
 * the Prometheus text format, and nothing else.
 *
 * Bounded by construction: one connection at a time, a request of at most
 * MD_METRICS_HTTP_REQ_MAX bytes read within MD_METRICS_HTTP_TIMEOUT_MS,
 * the answer written within the same time, then the connection is
 * closed.  A scraper that stalls delays the next scrape, never the mail.
 * It listens where the configuration says (milter_metrics_listen,
 * worker_metrics_listen; loopback in every example): the numbers say how
 * much mail a desk gets and is refused, which is nobody else's business.
 */
#ifndef MD_METRICS_HTTP_H
#define MD_METRICS_HTTP_H

#include <stddef.h>

#include "buf.h"
#include "metrics.h"

#define MD_METRICS_HTTP_REQ_MAX		4096
#define MD_METRICS_HTTP_TIMEOUT_MS	2000

struct md_metrics_http;

/*
 * Parses "host:port" ("127.0.0.1:9631", "[::1]:9631", "localhost:9631")
 * into what getaddrinfo wants.  0, or -1 with the reason in err.
 */
int	md_metrics_listen_parse(const char *listen, char *host, size_t hostlen,
	    char *port, size_t portlen, char *err, size_t errlen);

/*
 * The answer to one request (its bytes, at most MD_METRICS_HTTP_REQ_MAX):
 * 200 and the registry for "GET /metrics" (also "HEAD", and with a query
 * string), 404 for other paths, 405 for other methods, 400 for what is not
 * an HTTP request.  Appended to resp as a whole HTTP/1.0 response with
 * Connection: close.  0, or -1 out of memory.
 */
int	md_metrics_http_answer(struct md_metrics *m, const char *req, size_t len,
	    md_buf *resp);

/*
 * Binds listen (see md_metrics_listen_parse) and starts the thread, with
 * every signal blocked in it (they belong to the program's own threads).
 * NULL with the reason in err.  Call after fork/daemon(): threads do not
 * survive a fork.
 */
struct md_metrics_http *md_metrics_http_start(const char *listen, struct md_metrics *m,
	    char *err, size_t errlen);
/* Stops the thread and closes the socket; NULL is fine. */
void	md_metrics_http_stop(struct md_metrics_http *h);

#endif
