/* fuzz_trim.c - libFuzzer: reply trimming never crashes and never grows text. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *out;

	if (in == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	out = md_reply_trim(in);
	if (out != NULL && strlen(out) > strlen(in))
		abort();
	free(out);
	free(in);
	return 0;
}
