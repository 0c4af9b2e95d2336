/*
 * spamd.h - a SPAMC/1.5 client for SpamAssassin's spamd.
 *
 * Debian ships no libspamc, and the protocol is small: send
 * "CHECK SPAMC/1.5" (or SYMBOLS) with a Content-length, read
 * "SPAMD/1.1 0 EX_OK" and "Spam: True ; 1000.0 / 5.0".  Every step (connect,
 * send, receive) waits with poll() against one total budget, the message is
 * cut to max_size bytes, and at most 64 KiB of answer is read.  Nothing is
 * shared between calls: any thread may call these functions at any time.
 *
 * Addresses: "inet:PORT@HOST" (milter style), "HOST:PORT", "[v6]:PORT",
 * "unix:/path" or "/path".
 */
#ifndef MD_SPAMD_H
#define MD_SPAMD_H

#include <stddef.h>

struct md_spamd_result {
	int	ok;		/* 1: spamd answered and the answer parsed */
	int	is_spam;	/* spamd's own verdict (score >= its threshold) */
	double	score;
	double	threshold;
	char	symbols[512];	/* "GTUBE,NO_RECEIVED" with want_symbols, else "" */
};

/* 0 if spec is a usable spamd address, else -1 with "spamd_address: why". */
int	md_spamd_address_check(const char *spec, char *err, size_t errlen);

/*
 * Scans msg[0..len) (first max_size bytes if longer; max_size 0 = no cut).
 * timeout_ms bounds the whole exchange.  Returns 0 with out filled, or -1
 * with err set ("spamd: connect 127.0.0.1:783: Connection refused",
 * "spamd: timeout", "spamd: bad reply: ...") and out->ok = 0: the caller
 * then applies spamd_fallback.
 */
int	md_spamd_check(const char *address, const char *msg, size_t len,
	    size_t max_size, int timeout_ms, int want_symbols,
	    struct md_spamd_result *out, char *err, size_t errlen);

/* PING -> PONG within timeout_ms: 0, or -1 with err. */
/*
 * Parses a complete SPAMD/1.x answer (NUL-terminated) into out; 0, or -1
 * with err filled.  Exposed for the fuzzer and the unit tests.
 */
int	md_spamd_parse_reply(const char *reply, struct md_spamd_result *out,
	    char *err, size_t errlen);
int	md_spamd_ping(const char *address, int timeout_ms, char *err, size_t errlen);

#endif
