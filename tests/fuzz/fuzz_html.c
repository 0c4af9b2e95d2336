/* fuzz_html.c - libFuzzer: HTML to text on arbitrary markup; output is valid UTF-8. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <glib.h>

#include "mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = md_html_to_text((const char *)data, size);

	if (t != NULL && !g_utf8_validate(t, -1, NULL))
		abort();
	free(t);
	return 0;
}
