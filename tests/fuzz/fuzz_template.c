/* fuzz_template.c - libFuzzer: template expansion of arbitrary templates. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct md_tvar vars[] = {
		{ "ISSUE_ID", "#12" }, { "ISSUE_PATH", "acme#12" },
		{ "ISSUE_URL", "https://desk.example/acme/issues/12" },
		{ "ISSUE_DESCRIPTION", "%{ISSUE_ID} must not re-expand" },
		{ "NOTE_TEXT", NULL }, { "UNSUBSCRIBE_URL", "https://desk.example/u/x" },
	};
	char *in = malloc(size + 1);
	md_buf out = MD_BUF_INIT;

	if (in == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	md_template_expand(in, vars, sizeof vars / sizeof vars[0], &out);
	md_buf_free(&out);
	free(in);
	return 0;
}
