/*
 * doctor_checks_sendmail.c - Sendmail as contrib/sendmail/README asks for
 * it: the filter line of maildesk.mc (S= our socket, F=T, last), the desk
 * domain among the local ones, and an alias for the desk's local part.
 * Sendmail has no postconf: the .mc or the .cf the admin names is read as
 * text, and the files it points at (local-host-names, aliases).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "doctor_checks.h"
#include "doctor_milter_addr.h"

#define MAX_MILTERS	16

struct sm_filter {
	char	name[64];
	char	equates[512];	/* "S=inet:8891@127.0.0.1, F=T, T=..." */
};

/* The value of "X=" in a filter's equates (up to the next comma). */
static void
equate(const char *eq, char key, char *out, size_t len)
{
	const char *p;

	*out = '\0';
	for (p = eq; *p != '\0'; p++) {
		if ((p == eq || p[-1] == ',' || isspace((unsigned char)p[-1])) &&
		    *p == key && p[1] == '=') {
			p += 2;
			snprintf(out, len, "%.*s", (int)strcspn(p, ","), p);
			return;
		}
	}
}

/* m4 quotes `...' stripped from a piece of .mc text. */
static void
unquote(const char *s, size_t n, char *out, size_t len)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 1 < len; i++)
		if (s[i] != '`' && s[i] != '\'')
			out[k++] = s[i];
	out[k] = '\0';
	while (k > 0 && isspace((unsigned char)out[k - 1]))
		out[--k] = '\0';
}

/*
 * Reads the filters in their order: INPUT_MAIL_FILTER(`name', `equates')
 * lines of a .mc, or "Xname, equates" lines and "O InputMailFilters=" of a
 * .cf.  Returns how many, -1 when the file cannot be read.
 */
static int
read_sendmail(const char *path, struct sm_filter *f, int max, int *is_mc, char *order,
    size_t orderlen, char *err, size_t errlen)
{
	char line[2048], *p, *comma, *end;
	FILE *fp;
	int n = 0;

	*order = '\0';
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	*is_mc = strstr(path, ".mc") != NULL;
	while (fgets(line, sizeof line, fp) != NULL && n < max) {
		if ((p = strstr(line, "INPUT_MAIL_FILTER(")) != NULL &&
		    strncmp(line, "dnl", 3) != 0) {
			*is_mc = 1;
			p += 18;
			if ((comma = strchr(p, ',')) == NULL || (end = strrchr(p, ')')) == NULL ||
			    end < comma)
				continue;
			unquote(p, (size_t)(comma - p), f[n].name, sizeof f[n].name);
			unquote(comma + 1, (size_t)(end - comma - 1), f[n].equates,
			    sizeof f[n].equates);
			n++;
		} else if (line[0] == 'X' && !*is_mc && (comma = strchr(line, ',')) != NULL) {
			snprintf(f[n].name, sizeof f[n].name, "%.*s", (int)(comma - line - 1),
			    line + 1);
			snprintf(f[n].equates, sizeof f[n].equates, "%.*s",
			    (int)strcspn(comma + 1, "\r\n"), comma + 1);
			n++;
		} else if (strncmp(line, "O InputMailFilters=", 19) == 0)
			snprintf(order, orderlen, "%.*s", (int)strcspn(line + 19, "\r\n"),
			    line + 19);
	}
	fclose(fp);
	return n;
}

static void
check_filter(struct md_doctor *d, const struct md_config *cfg, const char *path, int *is_mc)
{
	struct sm_filter f[MAX_MILTERS];
	char err[512], sock[300], flags[32], order[512], *last;
	int n, i, at = -1;

	if ((n = read_sendmail(path, f, MAX_MILTERS, is_mc, order, sizeof order, err,
	    sizeof err)) < 0) {
		md_doctor_add(d, "mta.sendmail", MD_CHECK_FAIL, NULL, "cannot read %s", err);
		return;
	}
	for (i = 0; i < n && at < 0; i++) {
		equate(f[i].equates, 'S', sock, sizeof sock);
		if (md_sm_milter_matches(sock, cfg->milter_socket))
			at = i;
	}
	if (at < 0) {
		md_doctor_add(d, "mta.sendmail", MD_CHECK_FAIL,
		    "add the INPUT_MAIL_FILTER line of contrib/sendmail/maildesk.mc, then "
		    "rebuild sendmail.cf and restart Sendmail",
		    "%s: no %s names maildesk-milter's socket %s", path,
		    *is_mc ? "INPUT_MAIL_FILTER" : "X (filter) line", cfg->milter_socket);
		return;
	}
	md_doctor_add(d, "mta.sendmail", MD_CHECK_OK, NULL, "%s: filter %s is maildesk-milter",
	    path, f[at].name);
	equate(f[at].equates, 'F', flags, sizeof flags);
	if (strchr(flags, 'T') != NULL)
		md_doctor_add(d, "mta.default_action", MD_CHECK_OK, NULL,
		    "F=T: while the milter is down, senders retry later");
	else
		md_doctor_add(d, "mta.default_action", MD_CHECK_FAIL,
		    "write F=T in the filter's equates (contrib/sendmail/maildesk.mc)",
		    "F=%s: while the milter is down, desk mail is %s", *flags ? flags : "(none)",
		    strchr(flags, 'R') ? "bounced" : "delivered unjudged and never filed");
	/* The order is InputMailFilters' when a .cf gives it, else the lines'. */
	if (*order != '\0') {
		last = strrchr(order, ',');
		last = last != NULL ? last + 1 : order;
		while (isspace((unsigned char)*last))
			last++;
		i = strcmp(last, f[at].name) == 0;
	} else {
		last = f[n - 1].name;
		i = at == n - 1;
	}
	if (i)
		md_doctor_add(d, "mta.milter_order", MD_CHECK_OK, NULL,
		    "maildesk-milter is the last filter");
	else
		md_doctor_add(d, "mta.milter_order", MD_CHECK_WARN,
		    "list maildesk-milter's filter last",
		    "filter %s comes after maildesk-milter: a refusal there comes after the "
		    "message was filed and confirmed", last);
}

/* ---- the desk domain and the desk's local part -------------------------------- */

/* 1 when word is one of the blank or comma separated words of list. */
static int
has_word(const char *list, const char *word)
{
	size_t n = strlen(word), k;

	while (*list != '\0') {
		list += strspn(list, " \t,\r\n");
		k = strcspn(list, " \t,\r\n");
		if (k == n && strncasecmp(list, word, n) == 0)
			return 1;
		list += k;
	}
	return 0;
}

/*
 * 1 when a line of the file holds key: a word of it (local-host-names,
 * colon 0) or the name before its colon (aliases, colon 1); 0 when none
 * does, -1 when it cannot be read.
 */
static int
file_has(const char *path, const char *key, int colon)
{
	char line[1024], *hash;
	size_t n = strlen(key);
	FILE *fp;
	int found = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (!found && fgets(line, sizeof line, fp) != NULL) {
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		if (!colon)
			found = has_word(line, key);
		else if (strncasecmp(line, key, n) == 0)
			found = line[n + strspn(line + n, " \t")] == ':';
	}
	fclose(fp);
	return found;
}

/* The argument of NAME(`arg') on an .mc line, unquoted, or "" (not there). */
static void
m4_arg(const char *line, const char *name, char *out, size_t len)
{
	const char *p = strstr(line, name), *end;
	size_t k = 0;

	*out = '\0';
	if (p == NULL || strncmp(line, "dnl", 3) == 0)
		return;
	p += strlen(name);
	if ((end = strchr(p, ')')) == NULL)
		return;
	for (; p < end && k + 1 < len; p++)
		if (*p != '`' && *p != '\'')
			out[k++] = *p;
	out[k] = '\0';
}

struct sm_local {
	char	domains[1024];		/* LOCAL_DOMAIN / Cw words */
	char	wfile[512];		/* local-host-names */
	char	aliases[512];		/* the alias file */
	int	virtuser;		/* a virtusertable may map the desk address */
};

static void
read_local(const char *path, int is_mc, struct sm_local *l)
{
	char line[2048], arg[512], *p;
	const char *slash = strrchr(path, '/');
	FILE *fp;

	memset(l, 0, sizeof *l);
	snprintf(l->aliases, sizeof l->aliases, "/etc/mail/aliases");
	/* The .mc's own directory holds local-host-names (Debian: /etc/mail). */
	if (is_mc)
		snprintf(l->wfile, sizeof l->wfile, "%.*slocal-host-names",
		    slash ? (int)(slash - path + 1) : 0, path);
	if ((fp = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (is_mc) {
			m4_arg(line, "LOCAL_DOMAIN(", arg, sizeof arg);
			if (*arg && strlen(l->domains) + strlen(arg) + 2 < sizeof l->domains)
				strcat(strcat(l->domains, " "), arg);
			m4_arg(line, "define(", arg, sizeof arg);
			if (strncmp(arg, "ALIAS_FILE,", 11) == 0)
				snprintf(l->aliases, sizeof l->aliases, "%s", arg + 11 +
				    strspn(arg + 11, " "));
			if (strstr(line, "FEATURE(`virtusertable'") && strncmp(line, "dnl", 3))
				l->virtuser = 1;
		} else if (strncmp(line, "Cw", 2) == 0) {
			if (strlen(l->domains) + strlen(line) + 2 < sizeof l->domains)
				strcat(strcat(l->domains, " "), line + 2);
		} else if (strncmp(line, "Fw", 2) == 0) {
			/* "Fw-o /etc/mail/local-host-names": the last word */
			p = strrchr(line, ' ');
			snprintf(l->wfile, sizeof l->wfile, "%.500s", p ? p + 1 : line + 2);
		} else if (strncmp(line, "O AliasFile=", 12) == 0) {
			/* "O AliasFile=/etc/mail/aliases" or "hash:/etc/mail/aliases,..." */
			p = line + 12;
			if (p[strcspn(p, ":,")] == ':')
				p += strcspn(p, ":") + 1;
			snprintf(l->aliases, sizeof l->aliases, "%.*s",
			    (int)(strcspn(p, ",") < 500 ? strcspn(p, ",") : 500), p);
		} else if (strncmp(line, "Kvirtuser", 9) == 0)
			l->virtuser = 1;
	}
	fclose(fp);
}

static void
check_local(struct md_doctor *d, const struct md_config *cfg, const char *path, int is_mc)
{
	struct sm_local l;
	char advice[600];
	int rc;

	read_local(path, is_mc, &l);
	if (has_word(l.domains, cfg->desk_domain))
		md_doctor_add(d, "mta.local_domain", MD_CHECK_OK, NULL,
		    "%s is one of Sendmail's local domains (%s)", cfg->desk_domain,
		    is_mc ? "LOCAL_DOMAIN" : "Cw");
	else if (*l.wfile && file_has(l.wfile, cfg->desk_domain, 0) == 1)
		md_doctor_add(d, "mta.local_domain", MD_CHECK_OK, NULL,
		    "%s is one of Sendmail's local domains (%s)", cfg->desk_domain, l.wfile);
	else {
		snprintf(advice, sizeof advice, "LOCAL_DOMAIN(`%s') in sendmail.mc "
		    "(contrib/sendmail/maildesk.mc) or a line in local-host-names",
		    cfg->desk_domain);
		md_doctor_add(d, "mta.local_domain", MD_CHECK_FAIL, advice,
		    "%s is not one of Sendmail's local domains: it relays or refuses desk "
		    "mail before the milter sees it", cfg->desk_domain);
	}
	rc = file_has(l.aliases, cfg->desk_local, 1);
	if (rc == 1)
		md_doctor_add(d, "mta.alias", MD_CHECK_OK, NULL, "%s has an alias for %s",
		    l.aliases, cfg->desk_local);
	else if (rc < 0)
		md_doctor_add(d, "mta.alias", MD_CHECK_WARN, NULL,
		    "cannot read the alias file %s (%s): without an alias for %s Sendmail "
		    "answers 550 User unknown to desk mail", l.aliases, strerror(errno),
		    cfg->desk_local);
	else {
		snprintf(advice, sizeof advice, "add \"%s: desk-fallback\" to %s and run "
		    "newaliases (contrib/sendmail/README)", cfg->desk_local, l.aliases);
		md_doctor_add(d, "mta.alias", l.virtuser ? MD_CHECK_WARN : MD_CHECK_FAIL, advice,
		    "%s has no alias for %s: Sendmail answers 550 5.1.1 User unknown to "
		    "%s+...@%s before it asks the milter%s", l.aliases, cfg->desk_local,
		    cfg->desk_local, cfg->desk_domain,
		    l.virtuser ? " (unless the virtusertable maps it)" : "");
	}
}

void
md_doctor_check_sendmail(struct md_doctor *d, const struct md_config *cfg, const char *path)
{
	int is_mc = 0;

	check_filter(d, cfg, path, &is_mc);
	check_local(d, cfg, path, is_mc);
}
