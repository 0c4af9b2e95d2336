/*
 * conf.c - the loader of maildesk.conf: reads the file, parses each value
 * by its key's type (conf_keys.c has the table), then runs the rules
 * between keys (conf_check.c) and the secrets warning (conf_credentials.c).
 *
 * Syntax: one "key = value" per line; '#' starts a comment when it is the
 * first non-blank character of a line; blank lines are ignored; values may
 * be wrapped in double quotes to keep leading/trailing blanks.  Every error
 * is reported as "file:line: key: reason" so an admin can go straight to it.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>

#include "conf.h"
#include "conf_table.h"
#include "log.h"

int
md_size_parse(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;
	unsigned long long mult = 1;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end != '\0') {
		switch (tolower((unsigned char)*end)) {
		case 'k': mult = 1024ULL; break;
		case 'm': mult = 1024ULL * 1024; break;
		case 'g': mult = 1024ULL * 1024 * 1024; break;
		default: return -1;
		}
		end++;
		if (*end == 'b' || *end == 'B')
			end++;
		if (*end != '\0')
			return -1;
	}
	if (v > SIZE_MAX / mult)
		return -1;
	*out = (size_t)(v * mult);
	return 0;
}

int
md_rate_parse(const char *s, struct md_rate *out)
{
	char *end;
	long count, secs, mult = 1;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	count = strtol(s, &end, 10);
	if (errno != 0 || count < 0)
		return -1;
	if (*end == '\0' && count == 0) {
		*out = (struct md_rate){ 0, 1 };
		return 0;
	}
	if (*end != '/')
		return -1;
	s = end + 1;
	if (!isdigit((unsigned char)*s))
		return -1;
	secs = strtol(s, &end, 10);
	if (errno != 0 || secs <= 0)
		return -1;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': mult = 60; break;
	case 'h': mult = 3600; break;
	case 'd': mult = 86400; break;
	default: return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (secs > LONG_MAX / mult)
		return -1;
	out->count = count;
	out->seconds = secs * mult;
	return 0;
}

static int
parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) { *out = 1; return 0; }
		if (strcasecmp(v, no[i]) == 0) { *out = 0; return 0; }
	}
	return -1;
}

/* Stores a "rule.<name>" weight; names are validated later by the score module. */
static int
set_rule(struct md_config *cfg, const char *name, const char *v, int line,
    const char **why)
{
	char *end;
	double w;
	int i;

	if (*name == '\0' || strlen(name) >= sizeof cfg->rules[0].name) {
		*why = "bad rule name";
		return -1;
	}
	errno = 0;
	w = strtod(v, &end);
	if (errno != 0 || end == v || *end != '\0') {
		*why = "not a number";
		return -1;
	}
	if (!isfinite(w)) {	/* nan would make every total compare false */
		*why = "expected a finite number";
		return -1;
	}
	for (i = 0; i < cfg->nrules; i++)
		if (strcmp(cfg->rules[i].name, name) == 0)
			break;
	if (i == cfg->nrules) {
		if (cfg->nrules == MD_MAX_RULES) {
			*why = "too many rule weights";
			return -1;
		}
		cfg->nrules++;
	}
	snprintf(cfg->rules[i].name, sizeof cfg->rules[i].name, "%s", name);
	cfg->rules[i].weight = w;
	cfg->rules[i].line = line;
	return 0;
}

static int
set_key(struct md_config *cfg, const char *key, const char *v, int line,
    const char **why)
{
	const struct cfg_key *k;
	void *dst;
	size_t i;
	char *end;

	if (strncmp(key, "rule.", 5) == 0)
		return set_rule(cfg, key + 5, v, line, why);
	k = md_conf_key(key);
	if (k == NULL) {
		*why = "unknown key";
		return -1;
	}
	dst = (char *)cfg + k->off;
	switch (k->type) {
	case T_STR:
		if (k->check != NULL && k->check(v, why) < 0)
			return -1;
		md_conf_set_str((char **)dst, v);
		break;
	case T_INT: {
		long n;

		errno = 0;
		n = strtol(v, &end, 10);
		if (errno != 0 || end == v || *end != '\0') {
			*why = "not an integer";
			return -1;
		}
		if (n < k->min || n > k->max) {
			*why = "out of range";
			return -1;
		}
		if (k->max > INT_MAX)
			*(long *)dst = n;
		else
			*(int *)dst = (int)n;
		break;
	}
	case T_BOOL:
		if (parse_bool(v, (int *)dst) < 0) {
			*why = "expected yes or no";
			return -1;
		}
		break;
	case T_SIZE: {
		size_t sz;

		if (md_size_parse(v, &sz) < 0) {
			*why = "expected a size such as 10M, 512k or 1048576";
			return -1;
		}
		if (sz < (size_t)k->min) {
			*why = "too small";
			return -1;
		}
		*(size_t *)dst = sz;
		break;
	}
	case T_DOUBLE: {
		double d;

		errno = 0;
		d = strtod(v, &end);
		if (errno != 0 || end == v || *end != '\0') {
			*why = "not a number";
			return -1;
		}
		/* Score thresholds, as a project's own (projects.c): nan compares false. */
		if (!isfinite(d) || d < 0) {
			*why = "expected a finite number >= 0";
			return -1;
		}
		*(double *)dst = d;
		break;
	}
	case T_RATE:
		if (md_rate_parse(v, (struct md_rate *)dst) < 0) {
			*why = "expected COUNT/SECONDS such as 20/3600, 20/1h or 0";
			return -1;
		}
		break;
	case T_FACILITY: {
		int f = md_log_facility(v);

		if (f < 0) {
			*why = "unknown syslog facility";
			return -1;
		}
		*(int *)dst = f;
		break;
	}
	case T_ENUM:
		for (i = 0; k->enums[i] != NULL; i++)
			if (strcasecmp(k->enums[i], v) == 0)
				break;
		if (k->enums[i] == NULL) {
			*why = "value not allowed";
			return -1;
		}
		*(int *)dst = (int)i;
		break;
	}
	cfg->key_lines[k - md_conf_keys] = line;
	return 0;
}

int
md_config_set(struct md_config *cfg, const char *key, const char *value,
    char *err, size_t errlen)
{
	const char *why = NULL;

	if (set_key(cfg, key, value, 0, &why) < 0) {
		snprintf(err, errlen, "%s: %s", key, why);
		return -1;
	}
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* An over-long line is cut off mid-value: name its key so it can be found. */
static void
too_long(const char *path, int lineno, char *line, char *err, size_t errlen)
{
	char *key = trim(line);
	int n = (int)strcspn(key, "=");

	while (n > 0 && isspace((unsigned char)key[n - 1]))
		n--;
	snprintf(err, errlen, "%s:%d: %.*s: line too long", path, lineno,
	    n > 64 ? 64 : n, key);
}

/* One line of the file: a comment, a blank or "key = value". */
static int
parse_line(struct md_config *cfg, char *line, int lineno, char *err, size_t errlen)
{
	char *key, *val, *eq;
	const char *why = NULL;
	size_t n;

	key = trim(line);
	if (*key == '\0' || *key == '#')
		return 0;
	eq = strchr(key, '=');
	if (eq == NULL) {
		snprintf(err, errlen, "%s:%d: %.64s: expected key = value", cfg->path,
		    lineno, key);
		return -1;
	}
	*eq = '\0';
	key = trim(key);
	val = trim(eq + 1);
	n = strlen(val);
	if (n >= 2 && val[0] == '"' && val[n - 1] == '"') {
		val[n - 1] = '\0';
		val++;
	}
	if (set_key(cfg, key, val, lineno, &why) < 0) {
		snprintf(err, errlen, "%s:%d: %.64s: %s", cfg->path, lineno, key, why);
		return -1;
	}
	return 0;
}

int
md_config_load(struct md_config *cfg, const char *path, char *err, size_t errlen)
{
	FILE *fp;
	char line[4096];
	int lineno = 0, rc = 0;
	struct stat st;

	md_conf_set_str(&cfg->path, path);
	fp = fopen(path, "r");
	if (fp == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	/* The mode of the file actually read, not of a name swapped since. */
	if (fstat(fileno(fp), &st) < 0)
		st.st_mode = 0;
	while (rc == 0 && fgets(line, sizeof line, fp) != NULL) {
		size_t n = strlen(line);

		lineno++;
		if (n == sizeof line - 1 && line[n - 1] != '\n') {
			too_long(path, lineno, line, err, errlen);
			rc = -1;
		} else
			rc = parse_line(cfg, line, lineno, err, errlen);
	}
	/* fgets() says NULL for EOF and EIO alike: half a file is not a config. */
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		rc = -1;
	}
	fclose(fp);
	if (rc < 0 || md_config_validate(cfg, err, errlen) < 0)
		return -1;
	/*
	 * A warning, not an error: refusing to start over a mode would turn a
	 * packaging slip into an outage.  The one thing lib/ logs on its own,
	 * because every program must say it and none can miss it.
	 */
	if (md_config_secret_warning(cfg, (unsigned int)st.st_mode, line, sizeof line))
		md_log(LOG_WARNING, "%s", line);
	return 0;
}
