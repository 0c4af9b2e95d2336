/* validate.c - input rules shared by the CLI and the web UI (validate.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "mime.h"
#include "validate.h"

const char *
md_note_text_problem(const char *text, size_t len)
{
	size_t i;

	if (text == NULL)
		return "the note text is empty";
	if (memchr(text, '\0', len) != NULL)
		return "the note text contains a NUL byte";
	if (!md_utf8_valid(text, len))
		return "the note text is not valid UTF-8";
	for (i = 0; i < len; i++)
		if (strchr(" \t\r\n", text[i]) == NULL)
			return NULL;
	return "the note text is empty";
}

int
md_alias_check(const struct md_config *cfg, const char *alias, char *out,
    size_t outlen, char *err, size_t errlen)
{
	char addr[MD_ADDR_MAX + 1];
	const char *at;

	if (alias == NULL || md_addr_normalize(alias, addr, sizeof addr) < 0 ||
	    (at = strrchr(addr, '@')) == NULL || at == addr || at[1] == '\0') {
		snprintf(err, errlen, "invalid alias address '%.*s'", MD_ADDR_MAX,
		    alias != NULL ? alias : "");
		return -1;
	}
	md_addr_canon_alias(addr);
	if (cfg != NULL && cfg->desk_domain != NULL && *cfg->desk_domain != '\0' &&
	    strcasecmp(at + 1, cfg->desk_domain) == 0) {
		snprintf(err, errlen, "alias %s is in the desk domain %s: addresses there "
		    "are the desk's own", addr, cfg->desk_domain);
		return -1;
	}
	if (out != NULL)
		snprintf(out, outlen, "%s", addr);
	return 0;
}
