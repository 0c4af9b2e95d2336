/*
 * http.c - libmicrohttpd callbacks: collect a bounded request, then route.
 *
 * libmicrohttpd calls the access handler once when the headers are in,
 * then once per chunk of body, then once more with no data.  Limits are
 * enforced as early as possible: an over-long URL or a Content-Length
 * past WEB_MAX_BODY is answered on the first call, before any body is
 * read; a chunked body that grows too big is dropped as it arrives and
 * answered with 413 at the end.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

/* First call: allocate the context, check what the headers already tell. */
static web_result
request_begin(struct web *w, struct MHD_Connection *c, const char *url,
    const char *method, void **con_cls)
{
	struct req *rq;
	const char *cl;
	char *end;
	unsigned long long n;

	if ((rq = calloc(1, sizeof *rq)) == NULL)
		return MHD_NO;
	rq->w = w;
	rq->conn = c;
	rq->method = method;
	rq->url = url;
	*con_cls = rq;
	if (strlen(url) > WEB_MAX_URL) {
		rq->responded = 1;
		return web_error(rq, MHD_HTTP_URI_TOO_LONG, "request URI too long");
	}
	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL) {
		errno = 0;
		n = strtoull(cl, &end, 10);
		if (errno != 0 || end == cl || n > WEB_MAX_BODY) {
			rq->responded = 1;
			return web_error(rq, WEB_HTTP_TOO_LARGE,
			    "request body too large");
		}
	}
	return MHD_YES;
}

web_result
web_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct req *rq = *con_cls;

	(void)version;
	if (rq == NULL)
		return request_begin(cls, c, url, method, con_cls);
	if (*upload_size != 0) {
		if (rq->responded || rq->too_big) {
			/* already answered or over the limit: drop the bytes */
		} else if (rq->body.len + *upload_size > WEB_MAX_BODY) {
			rq->too_big = 1;
			md_buf_free(&rq->body);
		} else if (md_buf_append(&rq->body, upload, *upload_size) < 0) {
			return MHD_NO;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->responded)
		return MHD_YES;
	rq->responded = 1;
	if (rq->too_big)
		return web_error(rq, WEB_HTTP_TOO_LARGE, "request body too large");
	return web_route(rq);
}

void
web_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;
	int i;

	(void)cls;
	(void)c;
	(void)toe;
	if (rq == NULL)
		return;
	if (rq->st != NULL)
		web_store_release(rq->w->pool, rq->st);
	md_buf_free(&rq->body);
	form_free(&rq->form);
	for (i = 0; i < rq->nhdrs; i++)
		free(rq->hdr_value[i]);
	free(rq);
	*con_cls = NULL;
}
