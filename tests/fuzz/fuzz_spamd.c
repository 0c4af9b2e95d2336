/* fuzz_spamd.c - libFuzzer: spamd's answer is network input; parsing any
 * bytes must not crash, and a parsed score must be a number. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spamd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct md_spamd_result r;
	char err[256];
	char *in = malloc(size + 1);

	if (in == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	memset(&r, 0, sizeof r);
	if (md_spamd_parse_reply(in, &r, err, sizeof err) == 0 && isnan(r.score))
		abort();
	if (memchr(r.symbols, '\0', sizeof r.symbols) == NULL)
		abort();
	free(in);
	return 0;
}
