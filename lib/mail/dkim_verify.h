/*
 * dkim_verify.h - DKIM (RFC 6376) verification of a stored message with
 * Debian's libopendkim.
 *
 * One struct md_dkim (a DKIM_LIB) is made at start-up and shared by all
 * milter threads; each md_dkim_verify() has its own DKIM handle.  Keys
 * are fetched through a struct md_txt_resolver (dns_txt.h), so the time
 * a verification may spend in DNS is bounded by the caller's deadline and
 * the unit tests can publish keys from a table.
 *
 * Cost bounds: the message is what the milter already holds (at most
 * max_message_size); a message without a DKIM-Signature header never
 * reaches libopendkim; at most MD_DKIM_HEADERS_MAX header fields of at most
 * MD_DKIM_FIELD_MAX bytes each are read (more: dkim=fail, "headers too
 * large"); at most MD_DKIM_MAX_SIGS signatures are verified, those whose
 * d= is aligned with the From: domain first; the others are ignored.
 */
#ifndef MD_DKIM_VERIFY_H
#define MD_DKIM_VERIFY_H

#include <stddef.h>

#include "dns_txt.h"

#define MD_DKIM_MAX_SIGS	4
#define MD_DKIM_HEADERS_MAX	1000
#define MD_DKIM_FIELD_MAX	(64 * 1024)

enum md_dkim_res {
	MD_DKIM_NONE = 0,	/* no signature */
	MD_DKIM_PASS,
	MD_DKIM_FAIL,		/* bad signature, no key, broken header, ... */
	MD_DKIM_TEMPERROR	/* the key could not be fetched now */
};
const char *md_dkim_res_name(enum md_dkim_res r);

struct md_dkim_sig {
	char		 domain[256];	/* d=, lower case */
	enum md_dkim_res res;
	char		 why[64];	/* libopendkim's error for a failure */
};

struct md_dkim_result {
	enum md_dkim_res res;		/* pass if any passed, else temperror, fail, none */
	size_t		 nsigs;
	struct md_dkim_sig sigs[MD_DKIM_MAX_SIGS];
};

struct md_dkim;

/* dns NULL = the real resolver.  NULL when libopendkim cannot start. */
struct md_dkim *md_dkim_new(const struct md_txt_resolver *dns);
void	md_dkim_free(struct md_dkim *d);

/*
 * Verifies raw (header fields "Name: value" each ending in CRLF, a blank
 * line, the body: what the milter collects).  from_org: organisational
 * domain of the From: address ("" if none), preferred when signatures have
 * to be dropped.  deadline_ms: md_now_ms() based, 0 = none.  Always fills
 * out; returns 0, or -1 when out of memory (out then says temperror).
 */
int	md_dkim_verify(struct md_dkim *d, const char *raw, size_t rawlen, const char *from_org,
	    long long deadline_ms, struct md_dkim_result *out);

/*
 * Header field iterator over raw: from *pos, the next field (name, colon,
 * value, continuation lines; without its final line end) in field and
 * flen, its name in name and nlen.  Returns 1 for a field, 0 at the blank line
 * or end (then *pos is the body's start).  A line without a colon ends the
 * header as well.
 */
int	md_header_next(const char *raw, size_t rawlen, size_t *pos, const char **name,
	    size_t *nlen, const char **field, size_t *flen);

/* From: header fields in raw (a message with two is suspicious). */
int	md_header_count(const char *raw, size_t rawlen, const char *name);

#endif
