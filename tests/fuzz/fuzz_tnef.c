/* fuzz_tnef.c - libFuzzer: any bytes as a TNEF blob (winmail.dat) must be
 * read without a read outside them; every file it lists lies inside the
 * input, and names converted from UTF-16 are valid UTF-8.  (fuzz_mime
 * reaches the same reader only through base64, far more slowly.) */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "file_type.h"
#include "tnef.h"

static void
check_str(const struct md_tnef_str *s)
{
	if (s->s == NULL)
		return;
	if (strlen(s->s) != s->len)
		abort();
	if (!s->eight_bit && !g_utf8_validate(s->s, -1, NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct md_tnef t;
	size_t i;

	if (md_tnef_parse(data, size, &t) != MD_TNEF_OK)
		return 0;
	if (t.nfiles > MD_TNEF_MAX_FILES)
		abort();
	for (i = 0; i < t.nfiles; i++) {
		if (t.files[i].data < data || t.files[i].size > size ||
		    t.files[i].data + t.files[i].size > data + size)
			abort();
		check_str(&t.files[i].name);
		check_str(&t.files[i].mime_type);
		(void)md_file_type_guess(t.files[i].name.s);
	}
	check_str(&t.body);
	md_tnef_free(&t);
	return 0;
}
