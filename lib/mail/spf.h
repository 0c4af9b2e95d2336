/*
 * spf.h - SPF (RFC 7208) checks of the SMTP client with libspf2.
 *
 * Threads: one struct md_spf (one SPF_server_t) is created at start-up and
 * shared by every milter thread; each md_spf_check() builds its own
 * SPF_request_t/SPF_response_t, which is libspf2's intended model.  The
 * server is read-only after md_spf_new(); the DNS cache takes its own lock;
 * the resolver keeps one res_state per thread.  Results go into a caller
 * supplied struct with fixed buffers, so nothing has to be freed.
 *
 * Resolver: md_spf_new(..., NULL) does not use libspf2's own resolver layer,
 * whose per-thread res_state is private (its retrans/retry cannot be set).
 * Instead lib/mail/spf_resolv.c provides a layer with its own per-thread
 * res_state (retrans 1 s, retry <= 2, EDNS0) under libspf2's cache, and a
 * per-check deadline of spf_timeout_ms: once it has passed, every further
 * lookup answers TRY_AGAIN at once, so the check ends as temperror.  A check
 * therefore takes at most spf_timeout_ms plus one query (about 2 s with one
 * nameserver, about 6 s with three), well under Postfix's 30 s
 * milter_command_timeout with the default of 10 s.  DNS errors are cached
 * for 0 s, negative answers for 5 minutes, positive ones for their TTL.
 *
 * libspf2 aborts the process after calling SPF_error_handler (assertions,
 * out of memory).  md_spf_new() installs handlers that log through md_log;
 * inside md_spf_check() the error handler longjmp()s back and the check
 * returns temperror ("internal SPF error") instead of killing the milter.
 * Memory of that one request is leaked; that beats losing every session.
 */
#ifndef MD_SPF_H
#define MD_SPF_H

#include <stddef.h>
#include <sys/socket.h>

enum md_spf_res {
	MD_SPF_NONE = 0,
	MD_SPF_NEUTRAL,
	MD_SPF_PASS,
	MD_SPF_FAIL,
	MD_SPF_SOFTFAIL,
	MD_SPF_TEMPERROR,
	MD_SPF_PERMERROR
};

#define MD_SPF_HDR_MAX	1024
#define MD_SPF_EXP_MAX	512

struct md_spf_result {
	enum md_spf_res	result;
	/* Received-SPF header value (no "Received-SPF: " prefix), never empty. */
	char	received_spf[MD_SPF_HDR_MAX];
	/*
	 * Text for the 5xx reply on fail ("" otherwise): every '%' doubled,
	 * no CR/LF, so it can go to smfi_setreply as is.
	 */
	char	explanation[MD_SPF_EXP_MAX];
	/* Which identity was checked: "mailfrom" or "helo". */
	const char *identity;
};

struct md_spf;

/*
 * receiver: host name in Received-SPF (cfg->spf_receiver).  dns: an
 * SPF_dns_server_t * to use instead of the real resolver (tests pass an
 * SPF_dns_zone); it stays owned by the caller.  NULL on failure.
 * Call before threads start: it sets libspf2's global log handlers.
 */
struct md_spf *md_spf_new(const char *receiver, void *dns);
void	 md_spf_free(struct md_spf *s);
/* Total DNS budget per check (cfg->spf_timeout_ms); default 10000. */
void	 md_spf_set_timeout(struct md_spf *s, int timeout_ms);
/*
 * Test hook: send queries to ip:port instead of resolv.conf's nameservers
 * (only for the built-in resolver; call before the first check).  0 or -1.
 */
int	 md_spf_set_nameserver(struct md_spf *s, const char *ip, int port);

/*
 * Checks client (AF_INET, AF_INET6 incl. v4-mapped, or NULL = unknown ->
 * none) against mail_from ("" = null sender: the HELO identity is checked
 * as postmaster@helo; surrounding <> are ignored).  helo may be NULL.
 * Always fills out.  Returns 0, or -1 on bad arguments / no memory (out
 * then says temperror).  Thread safe.
 */
int	 md_spf_check(struct md_spf *s, const struct sockaddr *client,
	    const char *helo, const char *mail_from, struct md_spf_result *out);

/* "pass", "fail", "softfail", "neutral", "none", "temperror", "permerror". */
const char *md_spf_result_name(enum md_spf_res r);
/* Inverse of md_spf_result_name (case-insensitive); -1 if unknown. */
int	 md_spf_result_parse(const char *name);

/* Internal: the resolver layer of spf_resolv.c (an SPF_dns_server_t *). */
void	*md_spf_resolv_new(void);
int	 md_spf_resolv_set_nameserver(void *layer, const char *ip, int port);
/* Per-thread deadline for the resolver layer; 0 = none. */
void	 md_spf_resolv_deadline(int timeout_ms);

#endif
