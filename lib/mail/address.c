/*
 * address.c - SMTP paths to "local@domain", and desk addresses to their
 * project or key.
 *
 * md_addr_normalize parses what libmilter hands over for MAIL FROM / RCPT
 * TO (RFC 5321 section 4.1.2, with the RFC 6531 UTF-8 extensions) into the
 * one form the rest of maildesk compares: unquoted local part as sent,
 * "@", lower-case domain.  Everything is bounded by the RFC 5321 limits
 * (64 octets of local part, 255 of domain), so the result always fits in
 * MD_ADDR_MAX + 1 bytes.  md_addr_classify and md_addr_build are each
 * other's inverse on desk addresses.
 *
 * All case folding here is ASCII only, on purpose: it must not depend on
 * the locale of whichever program links libmaildesk.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "address.h"

#define LOCAL_MAX	64	/* RFC 5321 4.5.3.1.1, octets on the wire */
#define DOMAIN_MAX	255	/* RFC 5321 4.5.3.1.2 */
#define LABEL_MAX	63	/* RFC 1035 2.3.4 */

/* A span of the input being parsed: [p, end). */
struct span {
	const char	*p;
	const char	*end;
};

static int
lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
is_wsp(int c)
{
	return c == ' ' || c == '\t';
}

/* RFC 5322 atext, ASCII part. */
static int
is_atext(int c)
{
	return is_alnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/*
 * Length of the well-formed UTF-8 sequence at p (bytes before end), or 0
 * when it is malformed, overlong, a surrogate, beyond U+10FFFF or a C1
 * control character (U+0080..U+009F): those have no business in an
 * address and would poison the JSON and headers we write it into.
 */
static size_t
utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned int cp, min;
	size_t n, i;

	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 0;	/* ASCII, continuation byte, or overlong lead */
	if (p[0] < 0xe0) {
		n = 2;
		cp = p[0] & 0x1f;
		min = 0xa0;	/* C1 controls are U+0080..U+009F */
	} else if (p[0] < 0xf0) {
		n = 3;
		cp = p[0] & 0x0f;
		min = 0x800;
	} else {
		n = 4;
		cp = p[0] & 0x07;
		min = 0x10000;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* ASCII case-insensitive comparison of n bytes. */
static int
ci_ncmp(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lc((unsigned char)a[i]) != lc((unsigned char)b[i]))
			return 1;
	return 0;
}

/* Length of prefix if s (slen bytes) starts with it; 0 if not or if empty. */
static size_t
ci_prefix(const char *s, size_t slen, const char *prefix)
{
	size_t n;

	if (prefix == NULL || (n = strlen(prefix)) == 0 || slen < n)
		return 0;
	return ci_ncmp(s, prefix, n) == 0 ? n : 0;
}

/*
 * Drops "<...>" and surrounding blanks.  Returns 1 when the path was
 * bracketed, 0 when bare, -1 when the brackets do not match.
 */
static int
strip_brackets(struct span *s)
{
	while (s->p < s->end && is_wsp((unsigned char)*s->p))
		s->p++;
	while (s->end > s->p && is_wsp((unsigned char)s->end[-1]))
		s->end--;
	if (s->p == s->end || *s->p != '<')
		return 0;
	if (s->end - s->p < 2 || s->end[-1] != '>')
		return -1;
	s->p++;
	s->end--;
	while (s->p < s->end && is_wsp((unsigned char)*s->p))
		s->p++;
	while (s->end > s->p && is_wsp((unsigned char)s->end[-1]))
		s->end--;
	return 1;
}

/*
 * Skips an obsolete source route "@a,@b:" (RFC 5321 4.1.2, to be ignored
 * per appendix C).  Its colon is the first one outside an address literal.
 */
static int
skip_route(struct span *s)
{
	const char *q;
	int in_literal = 0;

	if (s->p == s->end || *s->p != '@')
		return 0;
	for (q = s->p; q < s->end; q++) {
		unsigned char c = (unsigned char)*q;

		if (c == ':' && !in_literal) {
			s->p = q + 1;
			return 0;
		}
		if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"')
			return -1;
		if (c == '[')
			in_literal = 1;
		else if (c == ']')
			in_literal = 0;
	}
	return -1;
}

/* Appends n bytes to the local part being built; -1 if it overflows. */
static int
put(char *buf, size_t *len, const char *src, size_t n)
{
	if (*len + n > LOCAL_MAX)
		return -1;
	memcpy(buf + *len, src, n);
	*len += n;
	return 0;
}

/*
 * Quoted-string local part: qtextSMTP, quoted-pairSMTP (backslash and one
 * printable ASCII character) and, for SMTPUTF8, UTF-8 text.  Unquoted into
 * buf.  On return s->p is just past the closing quote.
 */
static int
parse_quoted(struct span *s, char *buf, size_t *len)
{
	const char *q = s->p + 1;
	size_t n;

	while (q < s->end && *q != '"') {
		unsigned char c = (unsigned char)*q;

		if (c == '\\') {
			if (q + 1 >= s->end || (unsigned char)q[1] < 0x20 ||
			    (unsigned char)q[1] > 0x7e || put(buf, len, q + 1, 1) < 0)
				return -1;
			q += 2;
		} else if (c >= 0x20 && c <= 0x7e) {
			if (put(buf, len, q, 1) < 0)
				return -1;
			q++;
		} else if ((n = utf8_len((const unsigned char *)q,
		    (const unsigned char *)s->end)) > 0) {
			if (put(buf, len, q, n) < 0)
				return -1;
			q += n;
		} else
			return -1;	/* control character or bad UTF-8 */
	}
	if (q >= s->end || *len == 0)
		return -1;	/* unterminated, or "" as local part */
	s->p = q + 1;
	return 0;
}

/*
 * Dot-string local part: atext, dots and UTF-8.  Dots are not checked for
 * placement ("a..b", ".a"): MTAs accept such senders in practice, and a
 * parse failure must not turn a real sender into the null path.
 */
static int
parse_dot_string(struct span *s, char *buf, size_t *len)
{
	const char *q = s->p;
	size_t n;

	while (q < s->end && *q != '@') {
		unsigned char c = (unsigned char)*q;

		if (c == '.' || is_atext(c)) {
			if (put(buf, len, q, 1) < 0)
				return -1;
			q++;
		} else if ((n = utf8_len((const unsigned char *)q,
		    (const unsigned char *)s->end)) > 0) {
			if (put(buf, len, q, n) < 0)
				return -1;
			q += n;
		} else
			return -1;
	}
	if (*len == 0)
		return -1;
	s->p = q;
	return 0;
}

/* Address literal "[...]" (RFC 5321 dcontent), checked but not interpreted. */
static int
check_literal(const char *p, const char *end)
{
	if (end - p < 3 || end[-1] != ']')
		return -1;
	for (p++; p < end - 1; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 33 || c > 126 || c == '[' || c == ']' || c == '\\')
			return -1;
	}
	return 0;
}

/*
 * Domain: dot-separated labels of letters, digits and inner hyphens, each
 * at most 63 octets; UTF-8 labels (SMTPUTF8 U-labels) are accepted as
 * sent.  No empty label, so no leading, trailing or double dot.
 */
static int
check_domain(const char *p, const char *end)
{
	size_t label = 0, n;
	unsigned char prev = '.';

	if (p == end || end - p > DOMAIN_MAX)
		return -1;
	if (*p == '[')
		return check_literal(p, end);
	while (p < end) {
		unsigned char c = (unsigned char)*p;

		if (c == '.') {
			if (label == 0 || prev == '-')
				return -1;
			label = 0;
			n = 1;
		} else if (is_alnum(c) || (c == '-' && label > 0)) {
			n = 1;
			label++;
		} else if ((n = utf8_len((const unsigned char *)p,
		    (const unsigned char *)end)) > 0)
			label += n;
		else
			return -1;
		if (label > LABEL_MAX)
			return -1;
		prev = c;
		p += n;
	}
	return label == 0 || prev == '-' ? -1 : 0;
}

int
md_addr_normalize(const char *path, char *out, size_t outlen)
{
	struct span s;
	char local[LOCAL_MAX];
	size_t llen = 0, dlen, i;
	const char *start;
	int bracketed;

	if (out == NULL || outlen == 0)
		return -1;
	out[0] = '\0';
	if (path == NULL)
		return -1;
	s.p = path;
	s.end = path + strlen(path);
	if ((bracketed = strip_brackets(&s)) < 0)
		return -1;
	if (s.p == s.end)
		return bracketed ? 0 : -1;	/* "<>" is the null path */
	if (skip_route(&s) < 0)
		return -1;
	start = s.p;
	if (s.p < s.end && *s.p == '"') {
		if (parse_quoted(&s, local, &llen) < 0)
			return -1;
	} else if (parse_dot_string(&s, local, &llen) < 0)
		return -1;
	/* The limit applies to the local part as sent, quotes included. */
	if (s.p - start > LOCAL_MAX || s.p >= s.end || *s.p != '@')
		return -1;
	s.p++;
	/*
	 * One trailing dot is the DNS root of a fully qualified name
	 * ("desk.example." is "desk.example").  MTAs accept it and deliver
	 * to the domain without it, so it must not turn a desk address into
	 * one we do not recognise (Sendmail then delivers it locally).
	 */
	if (s.end - s.p > 1 && s.end[-1] == '.' && *s.p != '[')
		s.end--;
	if (check_domain(s.p, s.end) < 0)
		return -1;
	dlen = (size_t)(s.end - s.p);
	if (llen + 1 + dlen >= outlen)
		return -1;
	memcpy(out, local, llen);
	out[llen] = '@';
	for (i = 0; i < dlen; i++)
		out[llen + 1 + i] = (char)lc((unsigned char)s.p[i]);
	out[llen + 1 + dlen] = '\0';
	return 0;
}

/* Project name check on a span that need not be NUL-terminated. */
static int
name_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > MD_PROJECT_MAX || !(is_alnum((unsigned char)s[0]) &&
	    lc((unsigned char)s[0]) == (unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int
md_project_name_valid(const char *name)
{
	return name != NULL && name_valid(name, strlen(name));
}

int
md_key_valid(const char *key)
{
	size_t i;

	if (key == NULL)
		return 0;
	for (i = 0; i < MD_KEY_LEN; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') ||
		    (key[i] >= '2' && key[i] <= '7')))
			return 0;
	return key[MD_KEY_LEN] == '\0';
}

/*
 * Copies n bytes of s lower-cased into arg and checks the result as a key
 * (want_key) or project name.  arg may be NULL when only the kind matters.
 */
static int
take_arg(const char *s, size_t n, int want_key, char *arg, size_t arglen)
{
	char tmp[MD_PROJECT_MAX + 1];
	size_t i;
	int ok;

	if (n > MD_PROJECT_MAX)
		return 0;
	for (i = 0; i < n; i++)
		tmp[i] = (char)lc((unsigned char)s[i]);
	tmp[n] = '\0';
	ok = want_key ? md_key_valid(tmp) : md_project_name_valid(tmp);
	if (!ok || arg == NULL)
		return ok;
	if (n >= arglen)
		return 0;
	memcpy(arg, tmp, n + 1);
	return 1;
}

/*
 * The suffix after "<local><separator>" decides.  The reply and unsubscribe
 * prefixes are tried first, so a suffix starting with one of them is never
 * a project name: "support+r-docs" is a malformed reply key (UNKNOWN), not
 * project "r-docs".  Such projects can only be reached through an alias,
 * and md_addr_build refuses to write their plus address.
 */
static enum md_addr_kind
classify_suffix(const struct md_addr_format *fmt, const char *s, size_t n,
    char *arg, size_t arglen)
{
	size_t k;

	if ((k = ci_prefix(s, n, fmt->reply_prefix)) > 0)
		return take_arg(s + k, n - k, 1, arg, arglen) ?
		    MD_ADDR_REPLY : MD_ADDR_UNKNOWN;
	if ((k = ci_prefix(s, n, fmt->unsub_prefix)) > 0)
		return take_arg(s + k, n - k, 1, arg, arglen) ?
		    MD_ADDR_UNSUB : MD_ADDR_UNKNOWN;
	return take_arg(s, n, 0, arg, arglen) ? MD_ADDR_PROJECT : MD_ADDR_UNKNOWN;
}

enum md_addr_kind
md_addr_classify(const struct md_addr_format *fmt, const char *addr,
    char *arg, size_t arglen)
{
	const char *at;
	size_t llen, dlen, n;

	if (arg != NULL && arglen > 0)
		arg[0] = '\0';
	if (fmt == NULL || fmt->local == NULL || fmt->domain == NULL ||
	    addr == NULL || (at = strrchr(addr, '@')) == NULL)
		return MD_ADDR_NONE;
	dlen = strlen(fmt->domain);
	if (strlen(at + 1) != dlen || ci_ncmp(at + 1, fmt->domain, dlen) != 0)
		return MD_ADDR_NONE;
	llen = (size_t)(at - addr);
	if ((n = ci_prefix(addr, llen, fmt->local)) == 0)
		return MD_ADDR_NONE;
	if (n == llen)
		return MD_ADDR_UNKNOWN;		/* support@desk.example */
	if (fmt->separator == '\0' ||
	    lc((unsigned char)addr[n]) != lc((unsigned char)fmt->separator))
		return MD_ADDR_NONE;		/* supporter@: maybe an alias */
	if (arg != NULL && arglen == 0)
		arg = NULL;
	return classify_suffix(fmt, addr + n + 1, llen - n - 1, arg, arglen);
}

int
md_addr_build(const struct md_addr_format *fmt, enum md_addr_kind kind,
    const char *arg, char *out, size_t outlen)
{
	const char *prefix = "";
	size_t llen, dlen;
	int n;

	if (out == NULL || outlen == 0)
		return -1;
	out[0] = '\0';
	if (fmt == NULL || fmt->local == NULL || fmt->local[0] == '\0' ||
	    fmt->domain == NULL || fmt->separator == '\0' || arg == NULL)
		return -1;
	switch (kind) {
	case MD_ADDR_PROJECT:
		/* Names the classifier would read as a key: see classify_suffix. */
		if (!md_project_name_valid(arg) ||
		    ci_prefix(arg, strlen(arg), fmt->reply_prefix) > 0 ||
		    ci_prefix(arg, strlen(arg), fmt->unsub_prefix) > 0)
			return -1;
		break;
	case MD_ADDR_REPLY:
		prefix = fmt->reply_prefix;
		break;
	case MD_ADDR_UNSUB:
		prefix = fmt->unsub_prefix;
		break;
	default:
		return -1;
	}
	if (kind != MD_ADDR_PROJECT &&
	    (prefix == NULL || prefix[0] == '\0' || !md_key_valid(arg)))
		return -1;
	/* Never write what md_addr_normalize would refuse to read back. */
	llen = strlen(fmt->local) + 1 + strlen(prefix) + strlen(arg);
	dlen = strlen(fmt->domain);
	if (llen > LOCAL_MAX || check_domain(fmt->domain, fmt->domain + dlen) < 0)
		return -1;
	n = snprintf(out, outlen, "%s%c%s%s@%s", fmt->local, fmt->separator,
	    prefix, arg, fmt->domain);
	if (n < 0 || (size_t)n >= outlen) {
		out[0] = '\0';
		return -1;
	}
	md_addr_canon_alias(out);
	return 0;
}

void
md_addr_canon_alias(char *addr)
{
	char *p;

	if (addr == NULL || strrchr(addr, '@') == NULL)
		return;
	/* All of it: the local part is matched without regard to case too. */
	for (p = addr; *p != '\0'; p++)
		*p = (char)lc((unsigned char)*p);
}
