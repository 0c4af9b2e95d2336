/*
 * unsub.c - RFC 8058 one-click unsubscribe: /unsubscribe/<key>.
 *
 * GET only shows a page with a button: link scanners and mail previews
 * fetch URLs with GET, and they must not unsubscribe anybody.  POST (the
 * button, or a mail client's "List-Unsubscribe=One-Click" request) does
 * it.  There is no session and no CSRF token here on purpose: the mail
 * client that sends the one-click POST has neither, and none is needed,
 * because the 128-bit key in the URL is itself the secret that
 * authorises exactly this one action for one address on one issue; a
 * forged cross-site POST would have to know the key already.  The body
 * is not looked at (RFC 8058 allows urlencoded and multipart forms).
 *
 * Unsubscribing is idempotent: the first POST marks the subscriber and
 * adds a system note, later ones only show the confirmation again.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "address.h"
#include "log.h"
#include "projects.h"
#include "record.h"
#include "tracker.h"
#include "web.h"

struct unsub {
	char	project[MD_PROJECT_MAX + 1];
	long	iid;
	char	email[MD_ADDR_MAX + 1];
};

/*
 * The key's subscriber, from the milter's view (the key was valid for the
 * mail that carried this link): -1 error, 0 unknown key, 1 known (u filled).
 */
static int
unsub_lookup(struct req *rq, const char *key, struct unsub *u)
{
	md_buf k = MD_BUF_INIT;
	redisReply *rep, **e;
	int rc = 0;

	if (md_key(rq->st->redis, &k, "ukey:%s", key) == NULL)
		return -1;
	rep = md_redis_cmd(rq->st->redis, "HMGET %s project iid email", md_buf_str(&k));
	md_buf_free(&k);
	if (md_reply_is_error(rep) || rep->type != REDIS_REPLY_ARRAY || rep->elements != 3) {
		if (rep != NULL)
			freeReplyObject(rep);
		return -1;
	}
	e = rep->element;
	if (e[0]->type == REDIS_REPLY_STRING && e[2]->type == REDIS_REPLY_STRING &&
	    md_project_name_valid(e[0]->str)) {
		snprintf(u->project, sizeof u->project, "%s", e[0]->str);
		u->iid = (long)md_reply_int(e[1], 0);
		snprintf(u->email, sizeof u->email, "%s", e[2]->str);
		rc = 1;
	}
	freeReplyObject(rep);
	return rc;
}

/*
 * Unsubscribes through the tracker, exactly as a mail to the unsubscribe
 * address does: one atomic step marks the subscriber and adds the system
 * note, and does nothing the second time.  0 or -1 with err.
 */
static int
unsub_apply(struct req *rq, const char *key, char *err, size_t errlen)
{
	struct md_record rec;
	struct md_ingest res;
	int rc = -1;

	md_record_init(&rec);
	if (md_record_set(&rec, MD_F_V, MD_RECORD_VERSION) == 0 &&
	    md_record_set(&rec, MD_F_KIND, "unsubscribe") == 0 &&
	    md_record_set(&rec, MD_F_KEY, key) == 0)
		rc = md_tracker_ingest(rq->st, &rq->w->cfg, NULL, &rec, &res, err,
		    errlen);
	else
		snprintf(err, errlen, "out of memory");
	md_record_free(&rec);
	return rc;
}

static void
html_escape(md_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': md_buf_puts(b, "&lt;"); break;
		case '>': md_buf_puts(b, "&gt;"); break;
		case '&': md_buf_puts(b, "&amp;"); break;
		case '"': md_buf_puts(b, "&quot;"); break;
		case '\'': md_buf_puts(b, "&#39;"); break;
		default: md_buf_putc(b, *s);
		}
	}
}

/* A complete page: title, one paragraph, and optionally the button. */
static web_result
page(struct req *rq, unsigned status, const char *title, const struct unsub *u,
    const char *text, int button)
{
	md_buf b = MD_BUF_INIT;
	web_result rc;

	md_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<meta name=\"robots\" content=\"noindex\">"
	    "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">"
	    "<link rel=\"stylesheet\" href=\"/static/app.css\"><title>");
	html_escape(&b, title);
	md_buf_puts(&b, "</title></head><body class=\"unsub\"><main><h1>");
	html_escape(&b, title);
	md_buf_puts(&b, "</h1><p>");
	if (u != NULL) {
		md_buf_puts(&b, "<strong>");
		html_escape(&b, u->email);
		md_buf_puts(&b, "</strong> &mdash; ");
		html_escape(&b, u->project);	/* names are [a-z0-9._-]; escaped all the same */
		md_buf_printf(&b, "#%ld: ", u->iid);
	}
	html_escape(&b, text);
	md_buf_puts(&b, "</p>");
	/* An empty action posts back to this very URL. */
	if (button)
		md_buf_puts(&b, "<form method=\"post\"><input type=\"hidden\" "
		    "name=\"List-Unsubscribe\" value=\"One-Click\">"
		    "<button type=\"submit\" id=\"unsubscribe\">Unsubscribe</button></form>");
	md_buf_puts(&b, "</main></body></html>\n");
	/* The appends' errors are sticky (buf.h): one check for the page. */
	if (md_buf_failed(&b))
		rc = web_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	else
		rc = web_html(rq, status, &b);
	md_buf_free(&b);
	return rc;
}

web_result
web_unsubscribe(struct req *rq, char **args, int nargs)
{
	char key[MD_KEY_LEN + 1], err[256];
	struct unsub u;
	size_t i;
	int post = strcmp(rq->method, "POST") == 0, rc;

	if (nargs != 1 || strlen(args[0]) != MD_KEY_LEN)
		return page(rq, MHD_HTTP_NOT_FOUND, "Unknown link", NULL,
		    "This unsubscribe link is not valid.", 0);
	for (i = 0; i <= MD_KEY_LEN; i++)
		key[i] = (char)tolower((unsigned char)args[0][i]);
	if (!md_key_valid(key))
		return page(rq, MHD_HTTP_NOT_FOUND, "Unknown link", NULL,
		    "This unsubscribe link is not valid.", 0);
	memset(&u, 0, sizeof u);
	if ((rc = unsub_lookup(rq, key, &u)) < 0 ||
	    (rc == 1 && post && unsub_apply(rq, key, err, sizeof err) < 0)) {
		if (rc >= 0)
			md_log(LOG_WARNING, "unsubscribe %s#%ld: %s", u.project, u.iid, err);
		return page(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "Try again later", NULL,
		    "The service is unavailable right now. Please try again later.", 0);
	}
	if (rc == 0)
		return page(rq, MHD_HTTP_NOT_FOUND, "Unknown link", NULL,
		    "This unsubscribe link is not valid (any more).", 0);
	if (post) {
		md_log(LOG_INFO, "%s#%ld: %s unsubscribed by one-click link", u.project,
		    u.iid, u.email);
		return page(rq, MHD_HTTP_OK, "Unsubscribed", &u,
		    "you will receive no more mail about this request.", 0);
	}
	return page(rq, MHD_HTTP_OK, "Unsubscribe?", &u,
	    "stop receiving mail about this request?", 1);
}
