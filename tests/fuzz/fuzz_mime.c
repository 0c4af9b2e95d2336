/* fuzz_mime.c - libFuzzer: any bytes as a message must parse without crashing,
 * and everything md_mime_parse returns must be NUL-free valid UTF-8. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "mime.h"

static void
check_utf8(const char *s)
{
	if (s == NULL || !g_utf8_validate(s, -1, NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct md_mime m;
	size_t i;

	if (!inited) {
		md_mime_init();
		inited = 1;
	}
	if (md_mime_parse((const char *)data, size, 1, 4096, &m) < 0)
		return 0;
	check_utf8(m.subject);
	check_utf8(m.from);
	check_utf8(m.text);
	check_utf8(m.message_id);
	check_utf8(m.references);
	for (i = 0; i < m.nattachments; i++)
		check_utf8(m.attachments[i].filename);
	md_mime_free(&m);
	return 0;
}
