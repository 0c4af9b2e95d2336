/* fuzz_auth.c - libFuzzer: the sender-identity inputs an attacker controls.
 * The first byte picks the parser, the rest is its input:
 *   0  a DMARC record (md_dmarc_record_parse, md_taglist_get)
 *   1  a message: header walk, From: count and DKIM-Signature fields through
 *      libopendkim (keys come from a resolver that knows none, or fails)
 *   2  a DNS reply (md_dns_txt_parse)
 *   3  a From: domain through md_org_domain and the whole decision
 * None may crash, leak or read out of bounds; results must be in range. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dkim_verify.h"
#include "dmarc.h"
#include "spf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum md_dns_status
no_dns(void *self, const char *name, long long deadline, md_txt_cb cb, void *arg)
{
	(void)name;
	(void)deadline;
	(void)cb;
	(void)arg;
	return self != NULL ? MD_DNS_TEMP : MD_DNS_NONE;
}

static void
count_txt(void *arg, const char *txt, size_t len)
{
	if (txt[len] != '\0' || strlen(txt) > len)
		abort();
	++*(size_t *)arg;
}

static void
fuzz_record(const char *in, size_t len)
{
	struct md_dmarc_record r;
	char v[64];
	int rc = md_dmarc_record_parse(in, len, &r);

	if (rc == 0 && (r.pct < 0 || r.pct > 100 || r.p > MD_DMARC_P_REJECT ||
	    r.sp > MD_DMARC_P_REJECT))
		abort();
	if (md_taglist_get(in, len, "p", v, sizeof v) == 1 && strlen(v) >= sizeof v)
		abort();
}

static void
fuzz_message(const char *in, size_t len, int fail_dns)
{
	static struct md_dkim *none, *temp;
	static const struct md_txt_resolver rnone = { no_dns, NULL };
	static struct md_txt_resolver rtemp = { no_dns, NULL };
	struct md_dkim_result res;
	const char *n, *f;
	size_t pos = 0, nl, fl;

	if (none == NULL) {
		rtemp.self = &rtemp;
		none = md_dkim_new(&rnone);
		temp = md_dkim_new(&rtemp);
	}
	while (md_header_next(in, len, &pos, &n, &nl, &f, &fl) == 1)
		if (f < in || f + fl > in + len || nl > fl || pos > len)
			abort();
	(void)md_header_count(in, len, "From");
	md_dkim_verify(fail_dns ? temp : none, in, len, "example.org", 0, &res);
	if (res.nsigs > MD_DKIM_MAX_SIGS || (res.res == MD_DKIM_PASS))
		abort();	/* no key anywhere: nothing can pass */
}

static void
fuzz_domain(const char *in)
{
	static const struct md_dkim_result dk = { MD_DKIM_PASS, 1, { { "example.org", MD_DKIM_PASS, "" } } };
	static const struct md_dmarc_record rec = { MD_DMARC_P_REJECT, MD_DMARC_P_REJECT, 0, 0, 100 };
	struct md_auth_policy pol = { 1, 1, 1 };
	struct md_auth_input ai = {
		.from_domain = in, .from_count = 1, .from_headers = 1, .spf = MD_SPF_PASS,
		.spf_domain = in, .dkim = &dk, .rec_status = MD_DMARC_REC_FOUND, .rec = &rec,
		.desk_domain = "desk.test",
	};
	struct md_auth_result out;
	char org[MD_DOMAIN_MAX + 1];

	if (md_org_domain(in, org, sizeof org) == 0 && strlen(org) > strlen(in))
		abort();
	md_auth_evaluate(&ai, &pol, &out);
	if (strchr(out.reason, '\n') != NULL || strchr(out.reason, '\r') != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in;
	size_t n = 0;

	if (size < 1)
		return 0;
	if ((in = malloc(size)) == NULL)
		return 0;
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0';
	switch (data[0] % 5) {
	case 0:
		fuzz_record(in, size - 1);
		break;
	case 1:
	case 4:
		fuzz_message(in, size - 1, data[0] % 5 == 4);
		break;
	case 2:
		(void)md_dns_txt_parse((const unsigned char *)in, size - 1, count_txt, &n);
		break;
	default:
		fuzz_domain(in);
		break;
	}
	free(in);
	return 0;
}
