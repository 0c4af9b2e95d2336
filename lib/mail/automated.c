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

/*
 * present: the header is in the message (its value may be empty).  Only an
 * explicit "no" marks a human (RFC 3834 section 5); an empty value, or
 * one that is only a comment, is no such statement and counts as automated.
 * A non-blank v implies the header is there, for callers that fill in the
 * value only.
 */
static const char *
auto_submitted(const char *v, int present)
{
	const char *t;
	size_t n;

	if (v == NULL)
		v = "";
	if ((n = token(v, &t)) == 0)
		return present || *t != '\0' ? "auto-submitted" : NULL;
	if (token_is(t, n, "no"))
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
	if (token_is(t, n, "auto_reply"))
		return "precedence: auto_reply";
	return NULL;
}

/*
 * Return-Path: <> in the message itself: an earlier hop delivered it as a
 * bounce (then it was forwarded, and the envelope sender we see is the
 * forwarder's).  Blanks and a trailing comment are allowed.
 */
static int
null_return_path(const char *v)
{
	if (v == NULL)
		return 0;
	v += strspn(v, " \t\r\n");
	if (*v++ != '<')
		return 0;
	v += strspn(v, " \t\r\n");
	if (*v++ != '>')
		return 0;
	v += strspn(v, " \t\r\n");
	return *v == '\0' || *v == '(';
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

enum sender_kind { S_HUMAN, S_DAEMON, S_BOUNCE, S_NOREPLY };

/* What the local part of addr (with or without <>) says about its owner. */
static enum sender_kind
sender(const char *addr)
{
	static const char *const noreply[] = {
		"noreply", "no-reply", "no_reply", "donotreply", "do-not-reply",
		"do_not_reply", NULL
	};
	const char *at;
	size_t len, i;

	if (addr == NULL)
		return S_HUMAN;
	if (*addr == '<')
		addr++;
	if ((at = strrchr(addr, '@')) == NULL)
		return S_HUMAN;
	len = (size_t)(at - addr);
	if (token_is(addr, len, "mailer-daemon") || token_is(addr, len, "postmaster"))
		return S_DAEMON;
	if (local_is(addr, len, "bounce") || local_is(addr, len, "bounces"))
		return S_BOUNCE;
	for (i = 0; noreply[i] != NULL; i++)
		if (token_is(addr, len, noreply[i]))
			return S_NOREPLY;
	return S_HUMAN;
}

const char *
md_automated_reason(const char *mail_from, const struct md_mime *m)
{
	/* Indexed by enum sender_kind; distinct so the log says which matched. */
	static const char *const envelope_why[] = {
		NULL, "mailer-daemon sender", "bounce sender", "no-reply sender"
	};
	static const char *const from_why[] = {
		NULL, "mailer-daemon From:", "bounce From:", "no-reply From:"
	};
	const char *why;

	if (mail_from == NULL || *mail_from == '\0' || strcmp(mail_from, "<>") == 0)
		return "null sender";
	if (m != NULL) {
		if (m->is_report)
			return "delivery report (multipart/report)";
		if (null_return_path(m->return_path))
			return "null Return-Path";
		if ((why = auto_submitted(m->auto_submitted,
		    m->has_auto_submitted)) != NULL)
			return why;
		if (present(m->x_autoreply))
			return "x-autoreply";
		if (present(m->x_autorespond))
			return "x-autorespond";
		if ((why = precedence(m->precedence)) != NULL)
			return why;
		if (m->list_id != NULL && m->list_id[strspn(m->list_id, " \t")] != '\0')
			return "list mail (List-Id)";
	}
	if ((why = envelope_why[sender(mail_from)]) != NULL)
		return why;
	/*
	 * The confirmation goes to the From: address (tracker_ingest.c
	 * md_trk_sender), so a machine there must stop it as well, whatever
	 * the envelope says.
	 */
	if (m != NULL)
		return from_why[sender(m->from_addr)];
	return NULL;
}
