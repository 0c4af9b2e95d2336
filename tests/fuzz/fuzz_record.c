/* fuzz_record.c - libFuzzer: record decode from arbitrary name/value pairs and
 * re-encode; the round trip must be lossless for known fields. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *items[64];
	size_t lens[64], n = 0, i;
	const uint8_t *p = data, *end = data + size;
	struct md_record a, b;
	const char *argv[2 * MD_F_COUNT];
	size_t alens[2 * MD_F_COUNT];
	int argc;

	/* Input format: items separated by 0xff bytes. */
	while (p <= end && n < 64) {
		const uint8_t *q = memchr(p, 0xff, (size_t)(end - p));

		if (q == NULL)
			q = end;
		items[n] = (const char *)p;
		lens[n++] = (size_t)(q - p);
		p = q + 1;
	}
	md_record_init(&a);
	md_record_init(&b);
	if (md_record_from_pairs(&a, n, items, lens) == 0) {
		argc = md_record_to_argv(&a, argv, alens, 2 * MD_F_COUNT);
		if (md_record_from_pairs(&b, (size_t)argc, argv, alens) != 0)
			abort();
		for (i = 0; i < MD_F_COUNT; i++)
			if (md_record_len(&a, (enum md_field)i) != md_record_len(&b, (enum md_field)i) ||
			    memcmp(md_record_get(&a, (enum md_field)i), md_record_get(&b, (enum md_field)i),
			    md_record_len(&a, (enum md_field)i)) != 0)
				abort();
	}
	md_record_free(&a);
	md_record_free(&b);
	return 0;
}
