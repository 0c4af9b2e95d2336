/*
 * score.c - evaluate the named spam rules (table and meaning in score.h).
 */
#include "config.h"

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "score.h"
#include "spf.h"

static const struct md_score_rule rules[] = {
	{ "SPF_FAIL",		5.0,	"SPF says the client may not send for the sender" },
	{ "SPF_SOFTFAIL",	2.0,	"SPF softfail (~all)" },
	{ "SPF_NEUTRAL",	0.5,	"SPF neutral (?all)" },
	{ "SPF_NONE",		0.5,	"the sender domain publishes no SPF record" },
	{ "SPF_PERMERROR",	1.0,	"the sender domain's SPF record is broken" },
	{ "MISSING_DATE",	1.0,	"no Date: header" },
	{ "MISSING_MESSAGE_ID",	1.0,	"no Message-ID: header" },
	{ "MISSING_FROM",	2.0,	"no From: header" },
	{ "MULTIPLE_FROM",	2.0,	"more than one From: mailbox" },
	{ "MALFORMED_FROM",	2.0,	"From: without a usable address" },
	{ "HELO_BARE_IP",	1.5,	"HELO is an IP address without brackets" },
	{ "HELO_NO_DOT",	1.5,	"HELO name has no dot" },
	{ "HELO_LOCALHOST",	2.0,	"HELO localhost from a remote client" },
	{ "HELO_NO_RESOLVE",	1.0,	"HELO name does not resolve (needs a resolver)" },
	{ "GTUBE",		100.0,	"the GTUBE anti-spam test string" },
	{ "EMPTY_BODY",		1.0,	"no text and no attachments" },
	{ "HTML_ONLY",		0.5,	"HTML without a plain text part" },
	{ "SUSPICIOUS_ATTACHMENT", 3.0,	"executable or script attachment" },
	{ "SPAMD",		1.0,	"multiplier for spamd's score" },
};
#define NRULES	(sizeof rules / sizeof rules[0])

static const char gtube[] =
    "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

const struct md_score_rule *
md_score_rules(size_t *n)
{
	if (n != NULL)
		*n = NRULES;
	return rules;
}

static const struct md_score_rule *
find_rule(const char *name)
{
	size_t i;

	for (i = 0; i < NRULES; i++)
		if (strcasecmp(rules[i].name, name) == 0)
			return &rules[i];
	return NULL;
}

double
md_score_weight(const struct md_config *cfg, const char *name)
{
	const struct md_score_rule *r = find_rule(name);
	int i;

	if (r == NULL)
		return 0.0;
	for (i = 0; cfg != NULL && i < cfg->nrules; i++)
		if (strcasecmp(cfg->rules[i].name, name) == 0)
			return cfg->rules[i].weight;
	return r->weight;
}

int
md_score_validate(const struct md_config *cfg, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < cfg->nrules; i++) {
		if (find_rule(cfg->rules[i].name) != NULL)
			continue;
		snprintf(err, errlen, "%s:%d: rule.%s: unknown rule",
		    cfg->path != NULL ? cfg->path : "(config)", cfg->rules[i].line,
		    cfg->rules[i].name);
		return -1;
	}
	return 0;
}

/* Adds rule name (if its weight is not 0) to out. */
static void
hit(const struct md_config *cfg, const char *name, double factor, struct md_score *out)
{
	double w = md_score_weight(cfg, name) * factor;
	size_t len = strlen(out->rules);
	char num[32], item[80];
	int n;

	if (w == 0.0)
		return;
	out->total += w;
	/* "1.0", "0.25", "-1.5": at least one decimal, no trailing zeros */
	snprintf(num, sizeof num, "%.2f", w);
	if (num[strlen(num) - 1] == '0')
		num[strlen(num) - 1] = '\0';
	n = snprintf(item, sizeof item, "%s%s=%s", len ? "," : "", name, num);
	/* whole entries only: a cut list must still parse */
	if (n > 0 && len + (size_t)n < sizeof out->rules)
		memcpy(out->rules + len, item, (size_t)n + 1);
}

static void
spf_rules(const struct md_config *cfg, int spf, struct md_score *out)
{
	switch (spf) {
	case MD_SPF_FAIL:	hit(cfg, "SPF_FAIL", 1, out); break;
	case MD_SPF_SOFTFAIL:	hit(cfg, "SPF_SOFTFAIL", 1, out); break;
	case MD_SPF_NEUTRAL:	hit(cfg, "SPF_NEUTRAL", 1, out); break;
	case MD_SPF_NONE:	hit(cfg, "SPF_NONE", 1, out); break;
	case MD_SPF_PERMERROR:	hit(cfg, "SPF_PERMERROR", 1, out); break;
	default:		break;
	}
}

static int
is_loopback(const struct sockaddr *sa)
{
	const unsigned char *a;

	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family != AF_INET6)
		return 0;
	a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
	if (IN6_IS_ADDR_LOOPBACK((const struct in6_addr *)a))
		return 1;
	return IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)a) && a[12] == 127;
}

static void
helo_rules(const struct md_config *cfg, const struct md_score_input *in,
    struct md_score *out)
{
	const char *h = in->helo;
	struct in6_addr a6;
	struct in_addr a4;

	if (h == NULL || *h == '\0' || *h == '[')
		return;		/* an address literal is legitimate */
	if (inet_pton(AF_INET, h, &a4) == 1 || inet_pton(AF_INET6, h, &a6) == 1) {
		hit(cfg, "HELO_BARE_IP", 1, out);
		return;
	}
	if (strcasecmp(h, "localhost") == 0 || strcasecmp(h, "localhost.localdomain") == 0) {
		if (in->client != NULL && !is_loopback(in->client))
			hit(cfg, "HELO_LOCALHOST", 1, out);
		return;
	}
	if (strchr(h, '.') == NULL)
		hit(cfg, "HELO_NO_DOT", 1, out);
	else if (in->helo_resolves != NULL && in->helo_resolves(h, in->helo_arg) == 0)
		hit(cfg, "HELO_NO_RESOLVE", 1, out);
}

/* 1 if the file name ends in a risky extension (after trailing dots/blanks). */
static int
risky_name(const char *name)
{
	static const char *const ext[] = {
		"exe", "scr", "js", "vbs", "bat", "cmd", "com", "pif", "jar", "lnk",
		"iso", "hta", "msi", "ps1", NULL
	};
	size_t len = strlen(name), i, el;

	while (len > 0 && (name[len - 1] == '.' || name[len - 1] == ' ' ||
	    name[len - 1] == '\t'))
		len--;
	for (i = 0; ext[i] != NULL; i++) {
		el = strlen(ext[i]);
		if (len > el + 1 && name[len - el - 1] == '.' &&
		    strncasecmp(name + len - el, ext[i], el) == 0)
			return 1;
	}
	return 0;
}

static int
risky_type(const char *ct)
{
	return ct != NULL && (strcasecmp(ct, "application/x-msdownload") == 0 ||
	    strcasecmp(ct, "application/x-dosexec") == 0 ||
	    strcasecmp(ct, "application/x-ms-shortcut") == 0 ||
	    strcasecmp(ct, "application/hta") == 0);
}

static int
blank(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

static void
mime_rules(const struct md_config *cfg, const struct md_mime *m, struct md_score *out)
{
	size_t i;

	if (!m->has_date)
		hit(cfg, "MISSING_DATE", 1, out);
	if (m->message_id == NULL || *m->message_id == '\0')
		hit(cfg, "MISSING_MESSAGE_ID", 1, out);
	if (m->from_count == 0)
		hit(cfg, "MISSING_FROM", 1, out);
	else if (m->from_count > 1)
		hit(cfg, "MULTIPLE_FROM", 1, out);
	else if (m->from_addr == NULL || strchr(m->from_addr, '@') == NULL)
		hit(cfg, "MALFORMED_FROM", 1, out);
	if (blank(m->text) && m->nattachments == 0)
		hit(cfg, "EMPTY_BODY", 1, out);
	if (m->html_only)
		hit(cfg, "HTML_ONLY", 1, out);
	for (i = 0; i < m->nattachments; i++) {
		const struct md_attachment *a = &m->attachments[i];

		if ((a->filename != NULL && risky_name(a->filename)) ||
		    risky_type(a->content_type)) {
			hit(cfg, "SUSPICIOUS_ATTACHMENT", 1, out);
			break;
		}
	}
}

void
md_score_eval(const struct md_config *cfg, const struct md_score_input *in,
    struct md_score *out)
{
	const struct md_mime *m = in->mime;

	out->total = 0.0;
	out->rules[0] = '\0';
	if (in->spf >= 0)
		spf_rules(cfg, in->spf, out);
	helo_rules(cfg, in, out);
	if (m != NULL)
		mime_rules(cfg, m, out);
	if ((in->raw != NULL && memmem(in->raw, in->rawlen, gtube, sizeof gtube - 1) != NULL) ||
	    (m != NULL && m->text != NULL && strstr(m->text, gtube) != NULL))
		hit(cfg, "GTUBE", 1, out);
	if (in->have_spamd && in->spamd_score != 0.0)
		hit(cfg, "SPAMD", in->spamd_score, out);
}

int
md_score_is_mark(const struct md_config *cfg, double project_mark, double total)
{
	return total >= (project_mark >= 0 ? project_mark : cfg->spam_mark);
}

int
md_score_is_reject(const struct md_config *cfg, double project_reject, double total)
{
	return total >= (project_reject >= 0 ? project_reject : cfg->spam_reject);
}
