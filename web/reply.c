/*
 * reply.c - every response leaves through here, with security headers.
 *
 * The headers are the same for HTML, JSON and files: a strict CSP (no
 * inline script or style, nothing from other origins), no framing, no
 * referrer (URLs carry issue numbers), no MIME sniffing, and no caching
 * of anything that may hold customer data.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "web.h"

static const char *const security_headers[][2] = {
	{ "Content-Security-Policy", "default-src 'self'; script-src 'self'; "
	    "style-src 'self'; img-src 'self'; object-src 'none'; "
	    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'" },
	{ "X-Frame-Options", "DENY" },
	{ "Referrer-Policy", "no-referrer" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
	{ "Cross-Origin-Resource-Policy", "same-origin" },
};

int
web_add_header(struct req *rq, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *v;
	int n;

	if (rq->nhdrs == WEB_MAX_HDRS)
		return -1;
	va_start(ap, fmt);
	n = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	rq->hdr_name[rq->nhdrs] = name;
	rq->hdr_value[rq->nhdrs++] = v;
	return 0;
}

web_result
web_queue(struct req *rq, unsigned status, struct MHD_Response *resp)
{
	web_result rc;
	size_t i;
	int k;

	for (i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
		MHD_add_response_header(resp, security_headers[i][0],
		    security_headers[i][1]);
	for (k = 0; k < rq->nhdrs; k++)
		MHD_add_response_header(resp, rq->hdr_name[k], rq->hdr_value[k]);
	if (MHD_get_response_header(resp, "Cache-Control") == NULL)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	rc = MHD_queue_response(rq->conn, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

web_result
web_reply(struct req *rq, unsigned status, const char *ctype, const void *data,
    size_t len)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	if (ctype != NULL)
		MHD_add_response_header(resp, "Content-Type", ctype);
	return web_queue(rq, status, resp);
}

web_result
web_json(struct req *rq, unsigned status, const md_buf *b)
{
	return web_reply(rq, status, "application/json; charset=utf-8",
	    md_buf_str(b), b->len);
}

web_result
web_html(struct req *rq, unsigned status, const md_buf *b)
{
	return web_reply(rq, status, "text/html; charset=utf-8", md_buf_str(b),
	    b->len);
}

web_result
web_error(struct req *rq, unsigned status, const char *msg)
{
	md_buf b = MD_BUF_INIT;
	web_result rc;

	if (md_buf_puts(&b, "{\"error\":") < 0 || md_json_escape(&b, msg, strlen(msg)) < 0 ||
	    md_buf_puts(&b, "}\n") < 0) {
		md_buf_free(&b);
		return MHD_NO;
	}
	rc = web_json(rq, status, &b);
	md_buf_free(&b);
	return rc;
}

web_result
web_json_done(struct req *rq, const struct md_json *j, const md_buf *b)
{
	if (md_json_error(j) < 0)
		return web_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	return web_json(rq, MHD_HTTP_OK, b);
}

const char *
web_query(struct req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
web_field(struct req *rq, const char *name)
{
	return form_get(&rq->form, name);
}
