/* validate.c - input rules shared by the CLI and the web UI (validate.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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
	if (len > MD_NOTE_MAX)
		return "the note text is longer than 1 MiB";
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

#define TITLE_CHARS_MAX	255	/* as a customer's subject becomes one (tracker_int.h) */
#define DURATION_MAX	(366L * 86400)

const char *
md_title_problem(const char *title)
{
	size_t i, len, chars = 0;

	if (title == NULL || (len = strlen(title)) == 0)
		return "the title is empty";
	if (!md_utf8_valid(title, len))
		return "the title is not valid UTF-8";
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)title[i];

		if (ch < 0x20 || ch == 0x7f)
			return "the title contains a control character";
		if ((ch & 0xc0) != 0x80)
			chars++;
	}
	if (chars > TITLE_CHARS_MAX)
		return "the title is longer than 255 characters";
	if (strspn(title, " ") == len)
		return "the title is empty";
	return NULL;
}

int
md_priority_valid(const char *p)
{
	static const char *const names[] = { "low", "normal", "high", "urgent" };
	size_t i;

	for (i = 0; p != NULL && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(p, names[i]) == 0)
			return 1;
	return 0;
}

int
md_duration_parse(const char *s, long *secs)
{
	char *end;
	long n, unit = 1;

	if (s == NULL || *s == '\0' || strcasecmp(s, "off") == 0 ||
	    strcasecmp(s, "none") == 0) {
		*secs = 0;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || n <= 0 || n > DURATION_MAX)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 's':
		end++;
		break;
	case 'm':
		unit = 60;
		end++;
		break;
	case 'h':
		unit = 3600;
		end++;
		break;
	case 'd':
		unit = 86400;
		end++;
		break;
	default:
		return -1;
	}
	if (*end != '\0' || n > DURATION_MAX / unit)
		return -1;
	*secs = n * unit;
	return 0;
}
