/*
 * api_download.c - attachments and original messages, as inert bytes.
 *
 * An attachment is whatever a stranger mailed us: it is always sent as
 * application/octet-stream with Content-Disposition: attachment (and
 * nosniff from reply.c), so the browser saves it instead of rendering it
 * in our origin.  The original message is shown as text/plain, which
 * nosniff and the CSP keep from ever becoming HTML.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tracker.h"
#include "web.h"

/*
 * Content-Disposition for an untrusted file name: an ASCII fallback with
 * everything but [A-Za-z0-9._-] turned into '_', and the RFC 6266/5987
 * filename* with the name percent-encoded byte by byte.
 */
static int
disposition(struct req *rq, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	md_buf ascii = MD_BUF_INIT, enc = MD_BUF_INIT;
	const unsigned char *p;
	size_t n = 0;
	int rc;

	if (name == NULL || *name == '\0')
		name = "attachment";
	for (p = (const unsigned char *)name; *p != '\0' && n < 200; p++, n++) {
		int safe = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_';

		md_buf_putc(&ascii, safe ? (char)*p : '_');
		if (safe) {
			md_buf_putc(&enc, (char)*p);
		} else {
			md_buf_putc(&enc, '%');
			md_buf_putc(&enc, hex[*p >> 4]);
			md_buf_putc(&enc, hex[*p & 15]);
		}
	}
	/* The appends' errors are sticky (buf.h): one check for both. */
	if (md_buf_failed(&ascii) || md_buf_failed(&enc)) {
		md_buf_free(&ascii);
		md_buf_free(&enc);
		return -1;
	}
	rc = web_add_header(rq, MHD_HTTP_HEADER_CONTENT_DISPOSITION,
	    "attachment; filename=\"%s\"; filename*=UTF-8''%s",
	    ascii.data && ascii.data[0] != '.' ? ascii.data : "attachment",
	    md_buf_str(&enc));
	md_buf_free(&ascii);
	md_buf_free(&enc);
	return rc;
}

/* Sends len bytes from data (copied) with type. */
static web_result
send_bytes(struct req *rq, const char *type, const char *data, size_t len)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", type);
	return web_queue(rq, MHD_HTTP_OK, resp);
}

web_result
api_issue_attachment(struct req *rq, char **args, int nargs)
{
	struct md_issue_att att;
	char err[256], *data = NULL;
	web_result rc;
	long iid, n;
	int trk;

	if (web_issue_args(rq, args, nargs, &iid, &rc) < 0)
		return rc;
	if (nargs < 3 || web_parse_long(args[2], 1, 100000, &n) < 0)
		return web_error(rq, MHD_HTTP_NOT_FOUND, "no such attachment");
	memset(&att, 0, sizeof att);
	trk = md_tracker_attachment(rq->st, args[0], iid, n, &att, &data, err,
	    sizeof err);
	if (trk < 0)
		return web_error(rq, web_tracker_status(trk), err);
	if (data == NULL) {
		rc = web_error(rq, MHD_HTTP_GONE,
		    "the attachment was larger than attachment_max_size and not stored");
	} else if (disposition(rq, att.filename) < 0) {
		/* Never served without "attachment": it must not render inline. */
		rc = web_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	} else {
		rc = send_bytes(rq, "application/octet-stream", data, att.size);
	}
	free(data);
	md_issue_att_free(&att);
	return rc;
}

/*
 * GET .../raw: the request as received; ?note=<id>: a customer reply.
 * md_tracker_raw reads just that message (issue pages never load them).
 */
web_result
api_issue_raw(struct req *rq, char **args, int nargs)
{
	const char *note = web_query(rq, "note");
	char err[256], *raw = NULL;
	size_t len = 0;
	web_result rc;
	long iid;
	int trk;

	if (web_issue_args(rq, args, nargs, &iid, &rc) < 0)
		return rc;
	if (note != NULL && (*note == '\0' || strspn(note, "0123456789") != strlen(note) ||
	    strlen(note) > 19))
		return web_error(rq, MHD_HTTP_NOT_FOUND, "no such note");
	trk = md_tracker_raw(rq->st, args[0], iid, note, &raw, &len, err, sizeof err);
	if (trk == MD_TRK_NOTFOUND)
		return web_error(rq, MHD_HTTP_NOT_FOUND, "no original message stored");
	if (trk < 0)
		return web_error(rq, web_tracker_status(trk), err);
	if (raw == NULL || len == 0)
		rc = web_error(rq, MHD_HTTP_NOT_FOUND, "no original message stored");
	else
		rc = send_bytes(rq, "text/plain; charset=utf-8", raw, len);
	free(raw);
	return rc;
}
