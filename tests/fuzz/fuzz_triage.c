/*
 * fuzz_triage.c - libFuzzer: triage patterns and matching (lib/store/triage.c).
 * The first byte picks field and match; the first line is the pattern,
 * judged as a rule being saved, and (when accepted, as at filing) matched
 * against the rest as every field's text; the pattern is also read as a
 * label list.  Slow inputs (timeouts) would show a pattern the bounds let
 * through that a customer's mail could make expensive.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "triage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char labels[MD_TRIAGE_LABELS_MAX][MD_LABEL_MAX + 1], buf[256];
	struct md_triage_facts f;
	struct md_triage_rule r;
	const char *why, *nl;
	char *in;
	int i;

	if (size < 1 || (in = malloc(size)) == NULL)
		return 0;
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0';
	memset(&r, 0, sizeof r);
	r.field = (enum md_triage_field)(data[0] % MD_TRIAGE_NFIELDS);
	r.match = (data[0] & 0x80) ? MD_TRIAGE_REGEX : MD_TRIAGE_SUBSTRING;
	r.pattern = in;
	if ((nl = strchr(in, '\n')) != NULL)
		in[nl - in] = '\0';
	md_triage_labels_split(in, labels, MD_TRIAGE_LABELS_MAX, &why);
	if (md_triage_pattern_problem(r.match, r.pattern, buf, sizeof buf) == NULL) {
		for (i = 0; i < MD_TRIAGE_NFIELDS; i++)
			f.field[i] = nl != NULL ? nl + 1 : "";
		md_triage_matches(&r, &f);
	}
	free(in);
	return 0;
}
