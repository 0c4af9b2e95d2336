/*
 * automated.c - recognise bounces, auto-replies and list mail (see automated.h).
 */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "automated.h"

/* First token of a header value: skips blanks, stops at ';', blank or end. */
static size_t
token(const char *v, const char **start)
{
	v += strspn(v, " \t\r\n");
	*start = v;
	return strcspn(v, "; \t\r\n(");
}

static int
token_is(const char *tok, size_t len, const char *word)
{
	return len == strlen(word) && strncasecmp(tok, word, len) == 0;
}

static const char *
auto_submitted(const char *v)
{
	const char *t;
	size_t n;

	if (v == NULL || (n = token(v, &t)) == 0 || token_is(t, n, "no"))
		return NULL;
	if (token_is(t, n, "auto-replied"))
		return "auto-submitted: auto-replied";
	if (token_is(t, n, "auto-generated"))
		return "auto-submitted: auto-generated";
	if (token_is(t, n, "auto-notified"))
		return "auto-submitted: auto-notified";
	return "auto-submitted";
}

static const char *
precedence(const char *v)
{
	const char *t;
	size_t n;

	if (v == NULL || (n = token(v, &t)) == 0)
		return NULL;
	if (token_is(t, n, "bulk"))
		return "precedence: bulk";
	if (token_is(t, n, "junk"))
		return "precedence: junk";
	if (token_is(t, n, "list"))
		return "precedence: list";
	return NULL;
}

static int
present(const char *v)
{
	const char *t;
	size_t n;

	if (v == NULL || (n = token(v, &t)) == 0)
		return 0;
	return !token_is(t, n, "no") && !token_is(t, n, "false");
}

/* Local part matches word exactly, or word followed by '-', '+' or '='. */
static int
local_is(const char *local, size_t len, const char *word)
{
	size_t wl = strlen(word);

	if (len < wl || strncasecmp(local, word, wl) != 0)
		return 0;
	return len == wl || local[wl] == '-' || local[wl] == '+' || local[wl] == '=';
}

static const char *
sender(const char *from)
{
	static const char *const noreply[] = {
		"noreply", "no-reply", "no_reply", "donotreply", "do-not-reply",
		"do_not_reply", NULL
	};
	const char *at;
	size_t len, i;

	if (*from == '<')
		from++;
	if ((at = strrchr(from, '@')) == NULL)
		return NULL;
	len = (size_t)(at - from);
	if (token_is(from, len, "mailer-daemon") || token_is(from, len, "postmaster"))
		return "mailer-daemon sender";
	if (local_is(from, len, "bounce") || local_is(from, len, "bounces"))
		return "bounce sender";
	for (i = 0; noreply[i] != NULL; i++)
		if (token_is(from, len, noreply[i]))
			return "no-reply sender";
	return NULL;
}

const char *
md_automated_reason(const char *mail_from, const struct md_mime *m)
{
	const char *why;

	if (mail_from == NULL || *mail_from == '\0' || strcmp(mail_from, "<>") == 0)
		return "null sender";
	if (m != NULL) {
		if (m->is_report)
			return "delivery report (multipart/report)";
		if ((why = auto_submitted(m->auto_submitted)) != NULL)
			return why;
		if (present(m->x_autoreply))
			return "x-autoreply";
		if ((why = precedence(m->precedence)) != NULL)
			return why;
		if (m->list_id != NULL && m->list_id[strspn(m->list_id, " \t")] != '\0')
			return "list mail (List-Id)";
	}
	return sender(mail_from);
}
