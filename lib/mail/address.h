/*
 * address.h - desk addresses: which project or key an SMTP recipient names.
 *
 * Formats (defaults; all parts come from maildesk.conf):
 *   support+<project>@desk.example     new request for <project>
 *   support+r-<key>@desk.example       reply to an issue (key: 26 base32 chars)
 *   support+u-<key>@desk.example       unsubscribe
 *   support@desk.example               (no project) -> MD_ADDR_UNKNOWN
 *   anything else                      MD_ADDR_NONE (may still be a project alias,
 *                                      which projects.h resolves)
 *
 * RFC 5321 rules applied: the local part is case-sensitive in principle, but
 * desk local parts are matched case-insensitively (what every MTA admin
 * expects of "Support+Acme@"); the domain is case-insensitive; a quoted local
 * part ("support+acme"@desk.example) is unquoted before matching; source
 * routes (<@a,@b:user@d>) are dropped.
 */
#ifndef MD_ADDRESS_H
#define MD_ADDRESS_H

#include <stddef.h>

#define MD_ADDR_MAX	320	/* 64 local + @ + 255 domain */
#define MD_PROJECT_MAX	64	/* project names: [a-z0-9][a-z0-9._-]{0,63} */
#define MD_KEY_LEN	26	/* 128 bits base32 (RFC 4648 alphabet, lower case, no padding) */

enum md_addr_kind {
	MD_ADDR_NONE = 0,	/* not a desk address (maybe an alias) */
	MD_ADDR_PROJECT,	/* support+<project>@ */
	MD_ADDR_REPLY,		/* support+r-<key>@ */
	MD_ADDR_UNSUB,		/* support+u-<key>@ */
	MD_ADDR_UNKNOWN		/* desk domain and local part, but no valid project/key */
};

struct md_addr_format {
	const char	*local;		/* "support" */
	char		 separator;	/* '+' */
	const char	*domain;	/* "desk.example" */
	const char	*reply_prefix;	/* "r-" */
	const char	*unsub_prefix;	/* "u-" */
};

/*
 * Turns an SMTP path argument ("<Foo@Example.COM>", "foo@example.com",
 * "<\"a b\"@x>", "<@relay:foo@x>") into "local@domain" with the domain lower
 * cased and a quoted local part unquoted.  "<>" yields "" (the null path).
 * One trailing dot of the domain (the DNS root, "user@desk.example.") is
 * dropped: MTAs deliver such an address as the one without the dot.
 * Blanks around and just inside the brackets are ignored; ESMTP parameters
 * after the path are not (libmilter passes them separately).  UTF-8 local
 * parts and domains (SMTPUTF8) are accepted; control characters, C1
 * controls and malformed UTF-8 are not.  Limits: local part 64 octets as
 * sent (quotes included), domain 255, label 63, so the result always fits
 * MD_ADDR_MAX + 1 bytes.  The local part may contain '@' after unquoting:
 * split at the last '@'.
 * Returns 0, or -1 on syntax error / overlong input / out too small (out is
 * then "").
 */
int	md_addr_normalize(const char *path, char *out, size_t outlen);

/*
 * Classifies a normalized address.  On MD_ADDR_PROJECT, arg receives the
 * project name (lower case); on REPLY/UNSUB, the key (lower case); else "".
 * Local part prefix, separator, reply/unsub prefixes and domain match
 * case-insensitively (ASCII).  The reply and unsubscribe prefixes are tried
 * before project names, so "support+r-docs@" is UNKNOWN (a bad key), never
 * project "r-docs": such a project is reachable only through an alias.
 * arg may be NULL; an arg too small for the result (use MD_PROJECT_MAX + 1)
 * yields MD_ADDR_UNKNOWN.
 */
enum md_addr_kind md_addr_classify(const struct md_addr_format *fmt,
	    const char *addr, char *arg, size_t arglen);

/* 1 if name is a valid project name. */
int	md_project_name_valid(const char *name);
/* 1 if key is exactly MD_KEY_LEN characters of a-z and 2-7 (lower case only). */
int	md_key_valid(const char *key);

/*
 * Builds support+<project>@domain (kind PROJECT), +r-<key>, +u-<key>, with
 * the domain lower cased: the inverse of md_addr_classify.  -1 (out "") if
 * the name or key is invalid, a project name starts with the reply or
 * unsub prefix, the local part would exceed 64 octets (names longer than
 * 64 - strlen(local) - 1), the configured domain is not a valid domain, or
 * out is too small.
 */
int	md_addr_build(const struct md_addr_format *fmt, enum md_addr_kind kind,
	    const char *arg, char *out, size_t outlen);

/* Lower-cases an address (ASCII), the form aliases are stored and looked up in. */
void	md_addr_canon_alias(char *addr);

#endif
