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
 * Returns 0, or -1 on syntax error / overlong input (out is then "").
 */
int	md_addr_normalize(const char *path, char *out, size_t outlen);

/*
 * Classifies a normalized address.  On MD_ADDR_PROJECT, arg receives the
 * project name (lower case); on REPLY/UNSUB, the key (lower case).
 */
enum md_addr_kind md_addr_classify(const struct md_addr_format *fmt,
	    const char *addr, char *arg, size_t arglen);

/* 1 if name is a valid project name. */
int	md_project_name_valid(const char *name);
/* 1 if key is MD_KEY_LEN characters of the base32 alphabet. */
int	md_key_valid(const char *key);

/* Builds support+<project>@domain (kind PROJECT), +r-<key>, +u-<key>. */
int	md_addr_build(const struct md_addr_format *fmt, enum md_addr_kind kind,
	    const char *arg, char *out, size_t outlen);

/* Lower-cases the domain part only (aliases are stored in this form). */
void	md_addr_canon_alias(char *addr);

#endif
