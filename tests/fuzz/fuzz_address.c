/* fuzz_address.c - libFuzzer: SMTP path parsing and desk classification. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct md_addr_format fmt = { "support", '+', "desk.example", "r-", "u-" };
	char in[1024], norm[MD_ADDR_MAX + 1], arg[MD_ADDR_MAX + 1], back[MD_ADDR_MAX + 1];
	enum md_addr_kind k;

	if (size >= sizeof in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (md_addr_normalize(in, norm, sizeof norm) < 0)
		return 0;
	if (strlen(norm) > MD_ADDR_MAX)
		abort();
	k = md_addr_classify(&fmt, norm, arg, sizeof arg);
	/* A classified address must rebuild into something that classifies the same. */
	if ((k == MD_ADDR_PROJECT || k == MD_ADDR_REPLY || k == MD_ADDR_UNSUB) &&
	    md_addr_build(&fmt, k, arg, back, sizeof back) == 0) {
		char arg2[MD_ADDR_MAX + 1];

		if (md_addr_classify(&fmt, back, arg2, sizeof arg2) != k || strcmp(arg, arg2) != 0)
			abort();
	}
	return 0;
}
