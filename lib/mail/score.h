/*
 * score.h - the spam score: a sum of named rule weights.
 *
 * Every rule has a built-in weight (md_score_rules()); maildesk.conf may
 * override it with "rule.<name> = weight", names written in lower case
 * ("rule.missing_date = 1.5"; matched case-insensitively), weight 0 turning
 * the rule off.  Reports use the upper-case names: "MISSING_DATE=1.0,GTUBE=100.0".
 *
 * Rules (default weight):
 *   SPF_FAIL 5, SPF_SOFTFAIL 2, SPF_NEUTRAL 0.5, SPF_NONE 0.5, SPF_PERMERROR 1
 *                       the SPF verdict (only when SPF was checked)
 *   MISSING_DATE 1, MISSING_MESSAGE_ID 1, MISSING_FROM 2, MULTIPLE_FROM 2,
 *   MALFORMED_FROM 2    (From: present but without a usable address)
 *   HELO_BARE_IP 1.5    HELO is an IP address without [brackets]
 *   HELO_NO_DOT 1.5     HELO name without a dot (not localhost, not an IP)
 *   HELO_LOCALHOST 2    HELO localhost[.localdomain] from a non-loopback client
 *   HELO_NO_RESOLVE 1   HELO name does not resolve (only with a resolver
 *                       callback; off by default so scoring needs no DNS)
 *   GTUBE 100           the GTUBE test string in the raw message or the text
 *   EMPTY_BODY 1        no text and no attachments
 *   HTML_ONLY 0.5       the text came from an HTML part only
 *   SUSPICIOUS_ATTACHMENT 3   .exe .scr .js .vbs .bat .cmd .com .pif .jar
 *                       .lnk .iso .hta .msi .ps1 (also "x.pdf.exe", trailing
 *                       dots/blanks ignored) or an executable content type
 *   SPAMD 1             spamd's score times this weight (1 = as is)
 *
 * Pure computation: no I/O (except through the optional callback), no
 * globals; thread safe.
 */
#ifndef MD_SCORE_H
#define MD_SCORE_H

#include <stddef.h>
#include <sys/socket.h>

#include "conf.h"
#include "mime.h"

#define MD_SCORE_RULES_MAX	512

struct md_score_rule {
	const char	*name;		/* "MISSING_DATE" */
	double		 weight;	/* built-in default */
	const char	*what;		/* one line for documentation */
};

struct md_score_input {
	const struct md_mime *mime;	/* parsed message, or NULL: header/body rules skipped */
	const char	*raw;		/* raw message for GTUBE, or NULL */
	size_t		 rawlen;
	int		 spf;		/* enum md_spf_res, or -1: SPF not checked */
	const char	*helo;		/* NULL or "": HELO rules skipped */
	const struct sockaddr *client;	/* NULL: unknown (HELO_LOCALHOST skipped) */
	int		 have_spamd;	/* 1: spamd_score is valid */
	double		 spamd_score;
	/* Optional: returns 1 if the name resolves, 0 if not, -1 unknown. */
	int		(*helo_resolves)(const char *helo, void *arg);
	void		*helo_arg;
};

struct md_score {
	double	total;
	char	rules[MD_SCORE_RULES_MAX];	/* "MISSING_DATE=1.0,GTUBE=100.0" or "" */
};

/* The built-in table (n entries). */
const struct md_score_rule *md_score_rules(size_t *n);
/* Weight of a rule after cfg's overrides (cfg may be NULL); 0 if unknown. */
double	md_score_weight(const struct md_config *cfg, const char *name);
/*
 * Checks every rule.<name> in cfg: 0, or -1 with
 * "path:line: rule.<name>: unknown rule" in err.
 */
int	md_score_validate(const struct md_config *cfg, char *err, size_t errlen);

/* Evaluates all rules; out->total is the sum.  Always succeeds. */
void	md_score_eval(const struct md_config *cfg, const struct md_score_input *in,
	    struct md_score *out);

/*
 * Thresholds: a project's own value when >= 0 (struct md_project's
 * spam_mark/spam_reject), else cfg's.  1 if total reaches it.
 */
int	md_score_is_mark(const struct md_config *cfg, double project_mark, double total);
int	md_score_is_reject(const struct md_config *cfg, double project_reject, double total);

#endif
