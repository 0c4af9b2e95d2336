/*
 * triage.h - triage rules: which rules match a new request, and what they
 * do.  Pure: no database, no logging (lib/store/triage_store.c keeps rules in
 * PostgreSQL and applies the outcome when a request is filed).
 *
 * A rule looks at one field of the request:
 *   recipient  the desk address or alias the mail was sent to
 *   sender     the customer's address (From:, else the envelope sender)
 *   subject    the Subject: as received
 *   body       the text of the mail, its first MD_TRIAGE_TEXT_MAX bytes
 * and matches it
 *   substring  case-insensitively (ASCII letters); for recipient and
 *              sender a pattern starting with '@' is a domain instead:
 *              "@example.com" matches that domain and its subdomains
 *              (a@example.com, a@eu.example.com), not a@notexample.com
 *              nor a@example.com.evil.test
 *   regex      a POSIX extended regular expression, case-insensitive,
 *              bounded (see md_triage_pattern_problem)
 *
 * Every matching rule applies, in position order: labels add up, and the
 * assignee and the priority come from the first matching rule that sets
 * them (a rule higher in the list wins; doc/design.md, Triage).
 */
#ifndef MD_TRIAGE_H
#define MD_TRIAGE_H

#include <stddef.h>

#include "tracker.h"	/* MD_LABEL_MAX */

#define MD_TRIAGE_PATTERN_MAX	256		/* bytes of a pattern */
#define MD_TRIAGE_TEXT_MAX	(64 * 1024)	/* bytes of a field looked at */
#define MD_TRIAGE_LABELS_MAX	10		/* labels one rule adds */
#define MD_TRIAGE_RULES_MAX	100		/* rules per project */
#define MD_TRIAGE_REPEAT_MAX	100		/* a{n,m}: n, m at most this ... */
#define MD_TRIAGE_REPEAT_TOTAL	500		/* copies a regex may expand to */

enum md_triage_field {
	MD_TRIAGE_RECIPIENT = 0,
	MD_TRIAGE_SENDER,
	MD_TRIAGE_SUBJECT,
	MD_TRIAGE_BODY,
	MD_TRIAGE_NFIELDS
};

enum md_triage_match {
	MD_TRIAGE_SUBSTRING = 0,
	MD_TRIAGE_REGEX
};

/* One rule as stored; strings never NULL ("" for none). */
struct md_triage_rule {
	long			 id;
	int			 position;	/* 1, 2, ... within the project */
	enum md_triage_field	 field;
	enum md_triage_match	 match;
	char			*pattern;
	char			*labels;	/* comma separated, in the order given */
	char			*assign;	/* a user name, "" none */
	char			*priority;	/* low|normal|high|urgent, "" none */
};

/* What a rule may look at; NULL counts as "". */
struct md_triage_facts {
	const char	*field[MD_TRIAGE_NFIELDS];
};

/* Names as stored and shown ("recipient", "regex"); NULL if out of range. */
const char *md_triage_field_name(enum md_triage_field f);
const char *md_triage_match_name(enum md_triage_match m);
/* The value for a name, -1 if unknown. */
int	md_triage_field_parse(const char *name);
int	md_triage_match_parse(const char *name);

/*
 * Why a pattern cannot be saved, or NULL when it can: empty, longer than
 * MD_TRIAGE_PATTERN_MAX, control characters, and for regex: back-references
 * (they make matching exponential), repetition bounds over
 * MD_TRIAGE_REPEAT_MAX, nested repetitions (+, {n,m}) that expand past
 * MD_TRIAGE_REPEAT_TOTAL copies of what they repeat (they make the
 * compiled automaton huge and matching slow), a repetition right after
 * another ("a++"), a ')' without its '(', or what regcomp(3) refuses
 * (its message is copied into buf, which the answer then points at).
 */
const char *md_triage_pattern_problem(enum md_triage_match m, const char *pattern,
	    char *buf, size_t buflen);

/*
 * Splits a label list ("a, b"; spaces around names dropped, a repeated
 * label counted once) into out: the number of labels, or -1 with *why
 * set when one is not a valid label (md_label_valid) or there are more
 * than max.
 */
int	md_triage_labels_split(const char *labels, char out[][MD_LABEL_MAX + 1],
	    int max, const char **why);

/* 1 if the rule matches the facts, 0 if not (a pattern that does not
 * compile matches nothing). */
int	md_triage_matches(const struct md_triage_rule *r,
	    const struct md_triage_facts *f);

/* One action to apply: a label, the assignee or the priority, and the
 * rule it comes from (pointers into the rules given). */
enum md_triage_action_kind { MD_TRIAGE_LABEL, MD_TRIAGE_ASSIGN, MD_TRIAGE_PRIORITY };
struct md_triage_action {
	enum md_triage_action_kind	 kind;
	char				 value[65];	/* label, user or priority */
	const struct md_triage_rule	*rule;
};

/*
 * The actions of the matching rules among rules[0..n-1] (taken to be in
 * position order): each label once (from the first rule that adds it),
 * at most one assignment and one priority.  *out is malloc'd (free it),
 * *nout its length.  0 or -1 (ENOMEM).
 */
int	md_triage_decide(const struct md_triage_rule *rules, size_t n,
	    const struct md_triage_facts *f, struct md_triage_action **out,
	    size_t *nout);

/* The system note's text for an action, e.g. "added label billing (triage
 * rule 2: subject contains "refund")"; cut to outlen. */
void	md_triage_note(const struct md_triage_action *a, char *out, size_t outlen);

#endif
