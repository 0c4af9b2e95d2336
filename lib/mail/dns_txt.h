/*
 * dns_txt.h - TXT lookups for DKIM keys and DMARC records, with a budget.
 *
 * The caller hands md_dns_txt() a deadline (CLOCK_MONOTONIC ms from
 * md_now_ms(), 0 = none): each query tries for one second, twice when the
 * budget allows, and once the deadline has passed every lookup answers
 * MD_DNS_TEMP at once.  The resolver state (resolv.conf) is per thread.
 *
 * Lookups go through a function pointer (struct md_txt_resolver) so the
 * unit tests and the fuzzer can hand in a table instead of DNS.
 */
#ifndef MD_DNS_TXT_H
#define MD_DNS_TXT_H

#include <stddef.h>

enum md_dns_status {
	MD_DNS_FOUND = 0,	/* at least one TXT record */
	MD_DNS_NONE,		/* NXDOMAIN or no TXT record */
	MD_DNS_TEMP		/* SERVFAIL, timeout, budget spent, no memory */
};

/* Called once per TXT record, its character-strings concatenated. */
typedef void (*md_txt_cb)(void *arg, const char *txt, size_t len);

struct md_txt_resolver {
	enum md_dns_status (*lookup)(void *self, const char *name, long long deadline_ms,
	    md_txt_cb cb, void *cbarg);
	void	*self;
};

/* The real resolver (res_nquery with resolv.conf). */
enum md_dns_status md_dns_txt(void *self, const char *name, long long deadline_ms,
	    md_txt_cb cb, void *cbarg);
extern const struct md_txt_resolver md_dns_resolver;

/*
 * Walks the answer section of a DNS reply msg[0..len) and calls cb for
 * each TXT RR.  Returns the number of TXT records, or -1 when the reply
 * is malformed (then cb may have seen some records; the lookup is
 * temperror).  Exposed for the fuzzer.
 */
int	md_dns_txt_parse(const unsigned char *msg, size_t len, md_txt_cb cb, void *cbarg);

#endif
