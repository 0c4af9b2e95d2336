/*
 * static.c - the front-end files (index.html, app.js, app.css).
 *
 * Only names made of [a-z0-9_-] plus one known extension are served, so
 * no request can climb out of web_static_dir; the type comes from the
 * extension, never from the content.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "web.h"

#define STATIC_MAX_SIZE	(4 * 1024 * 1024)

static const char *const types[][2] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".png", "image/png" },
	{ ".svg", "image/svg+xml" },
	{ ".ico", "image/x-icon" },
};

/* The content type for name, or NULL if the name is not servable. */
static const char *
static_type(const char *name)
{
	const char *dot = strchr(name, '.');
	size_t i;

	if (dot == NULL || dot == name || strspn(name,
	    "abcdefghijklmnopqrstuvwxyz0123456789_-") != (size_t)(dot - name))
		return NULL;
	for (i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i][0]) == 0)
			return types[i][1];
	return NULL;
}

static web_result
serve_file(struct req *rq, const char *name)
{
	struct MHD_Response *resp;
	const char *type;
	struct stat st;
	char path[4096];
	int fd;

	if ((type = static_type(name)) == NULL)
		return web_error(rq, MHD_HTTP_NOT_FOUND, "not found");
	if ((size_t)snprintf(path, sizeof path, "%s/%s", rq->w->static_dir, name) >=
	    sizeof path)
		return web_error(rq, MHD_HTTP_NOT_FOUND, "not found");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno != ENOENT)
			md_log(LOG_WARNING, "%s: %s", path, strerror(errno));
		return web_error(rq, MHD_HTTP_NOT_FOUND, "not found");
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > STATIC_MAX_SIZE) {
		close(fd);
		return web_error(rq, MHD_HTTP_NOT_FOUND, "not found");
	}
	/* The response owns fd from here on. */
	if ((resp = MHD_create_response_from_fd((size_t)st.st_size, fd)) == NULL) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", type);
	/* Revalidate always: a new release must not meet an old app.js. */
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	return web_queue(rq, MHD_HTTP_OK, resp);
}

web_result
web_static(struct req *rq, char **args, int nargs)
{
	return nargs == 1 ? serve_file(rq, args[0]) :
	    web_error(rq, MHD_HTTP_NOT_FOUND, "not found");
}

web_result
web_index(struct req *rq, char **args, int nargs)
{
	(void)args;
	(void)nargs;
	return serve_file(rq, "index.html");
}
