/*
 * redact.c - hides passwords in URLs and conninfo strings (redact.h).
 *
 * When in doubt this hides too much rather than too little: the user
 * information of a URL ends at the LAST '@' before a blank, so a password
 * holding a raw '/', '?' or '@' is still hidden whole (a path with an '@'
 * after a ':' loses a little text in the log, which is the cheaper error).
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "redact.h"

#define MASK	"***"

struct out {
	char	*p;
	size_t	 len, cap;	/* cap excludes the NUL */
	bool	 hid;
};

static void
put(struct out *o, const char *s, size_t n)
{
	size_t room = o->cap > o->len ? o->cap - o->len : 0;

	if (n > room)
		n = room;
	if (o->p != NULL && n > 0)
		memcpy(o->p + o->len, s, n);
	o->len += n;
}

/*
 * At s (just past "://"): the length of the user information with its
 * '@' when it carries a password ("user:pw@"), 0 otherwise; *colon gets
 * the offset of the ':' that starts the password.
 */
static size_t
userinfo(const char *s, size_t *colon)
{
	size_t end = strcspn(s, " \t\r\n"), i, at = 0;
	const char *c;
	bool seen = false;

	for (i = 0; i < end; i++)
		if (s[i] == '@') {
			at = i;
			seen = true;
		}
	if (!seen)
		return 0;
	c = memchr(s, ':', at);
	if (c == NULL)
		return 0;
	*colon = (size_t)(c - s);
	return at + 1;
}

/* At s: the length of "password = " (any case, any prefix such as ssl), or 0. */
static size_t
password_key(const char *s)
{
	size_t n = 8;

	if (strncasecmp(s, "password", 8) != 0)
		return 0;
	while (s[n] == ' ' || s[n] == '\t')
		n++;
	if (s[n] != '=')
		return 0;
	for (n++; s[n] == ' ' || s[n] == '\t'; n++)
		;	/* libpq allows blanks after '=' too: keep them */
	return n;
}

/*
 * At s (just past "password= "): the length of the value.  libpq's form
 * may quote it ('a b\'c'); a URL query ends it at '&' or '#'.
 */
static size_t
password_value(const char *s)
{
	size_t n = 0;

	if (s[n] == '\'') {
		for (n++; s[n] != '\0' && s[n] != '\''; n++)
			if (s[n] == '\\' && s[n + 1] != '\0')
				n++;
		return s[n] == '\'' ? n + 1 : n;
	}
	return n + strcspn(s + n, " \t\r\n&#");
}

static void
redact(const char *url, struct out *o)
{
	const char *s = url;
	size_t n, colon;

	while (*s != '\0') {
		if (strncmp(s, "://", 3) == 0 && (n = userinfo(s + 3, &colon)) > 0) {
			put(o, s, 3 + colon + 1);		/* "://user:" */
			put(o, MASK "@", 4);
			s += 3 + n;
			o->hid = true;
		} else if ((n = password_key(s)) > 0) {
			put(o, s, n);
			put(o, MASK, 3);
			s += n;
			s += password_value(s);
			o->hid = true;
		} else {
			put(o, s, 1);
			s++;
		}
	}
}

void
md_url_redact(const char *url, char *out, size_t outlen)
{
	struct out o = { out, 0, outlen > 0 ? outlen - 1 : 0, false };

	if (outlen == 0)
		return;
	redact(url != NULL ? url : "", &o);
	out[o.len < o.cap ? o.len : o.cap] = '\0';
}

int
md_url_has_secret(const char *url)
{
	struct out o = { NULL, 0, 0, false };

	redact(url != NULL ? url : "", &o);
	return o.hid;
}
