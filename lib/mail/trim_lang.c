/*
 * trim_lang.c - recognising the lines mail clients put around quoted
 * history: attribution lines, Outlook header fields, "Original Message"
 * and "Forwarded message" separators, and the "Sent from my iPhone" lines
 * of mobile and desktop apps.  The words themselves, in every language,
 * are trim_words.c's tables.
 *
 * Everything here works on normalised lines (see trim_int.h) and is linear
 * in the line length times the table size.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "trim_int.h"

#define ATTR_MAX	400	/* longer text is no reply header */
#define SENT_MAX	100	/* a "Sent from" line is short */
#define SENT_WORDS	5	/* words allowed after "Sent from my" */
#define APP_WORDS	8	/* words of a line with a mail app's link */
#define EXCUSE_WORDS	8	/* "Please excuse my brevity" after "Sent from" */
#define GUESS_WORDS	10	/* words of a guessed reply header without address */

int
md_trim_starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && strncasecmp(s, prefix, k) == 0;
}

static int
ends_ci(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

static unsigned char
lower_ascii(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 'a' - 'A') : c;
}

/* ASCII-case-insensitive search; returns the offset or (size_t)-1. */
static size_t
find_ci(const char *s, size_t n, const char *word, size_t from)
{
	size_t k = strlen(word), i;
	unsigned char first = lower_ascii((unsigned char)word[0]);

	/* the first byte tested inline: this runs for every word of a table */
	for (i = from; k > 0 && i + k <= n; i++)
		if (lower_ascii((unsigned char)s[i]) == first &&
		    strncasecmp(s + i, word, k) == 0)
			return i;
	return (size_t)-1;
}

/* A letter or digit (any non-ASCII byte counts: it is part of a letter). */
static int
wordch(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80;
}

static size_t
count_words(const char *s, size_t n)
{
	size_t i, w = 0;
	int in = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == ' ')
			in = 0;
		else if (!in) {
			in = 1;
			w++;
		}
	}
	return w;
}

/* ---- attribution lines ------------------------------------------------ */

int
md_trim_opener(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < md_trim_openers_n; i++)
		if (md_trim_starts(s, n, md_trim_openers[i]))
			return 1;
	return 0;
}

/*
 * md_trim_verbs by their first byte (ASCII lower-cased), built once:
 * find_verb tries at each word's start only the verbs that can begin
 * there, instead of searching the line once for each of some three
 * hundred verbs (that search was most of the trimmer's time).  Bucket b
 * is verb_by_first[verb_bucket[b] .. verb_bucket[b + 1]), in table order.
 */
static unsigned short verb_by_first[MD_TRIM_VERBS_MAX];
static unsigned short verb_len[MD_TRIM_VERBS_MAX];
static unsigned short verb_bucket[257];
static pthread_once_t verb_once = PTHREAD_ONCE_INIT;

static void
index_verbs(void)
{
	unsigned short at[256];
	size_t i;
	unsigned b;

	memset(at, 0, sizeof at);
	for (i = 0; i < md_trim_verbs_n; i++) {
		verb_len[i] = (unsigned short)strlen(md_trim_verbs[i]);
		at[lower_ascii((unsigned char)md_trim_verbs[i][0])]++;
	}
	for (b = 0; b < 256; b++) {
		verb_bucket[b + 1] = (unsigned short)(verb_bucket[b] + at[b]);
		at[b] = verb_bucket[b];
	}
	for (i = 0; i < md_trim_verbs_n; i++)
		verb_by_first[at[lower_ascii((unsigned char)md_trim_verbs[i][0])]++] =
		    (unsigned short)i;
}

/* Offset just past the verb that ends last in s, or 0 if none. */
static size_t
find_verb(const char *s, size_t n, size_t *vstart)
{
	size_t i, at, k, best = 0, best_i = 0;
	unsigned b, j;

	pthread_once(&verb_once, index_verbs);
	for (at = 0; at < n; at++) {
		if (at > 0 && wordch((unsigned char)s[at - 1]))
			continue;	/* a verb is a word of its own */
		b = lower_ascii((unsigned char)s[at]);
		for (j = verb_bucket[b]; j < verb_bucket[b + 1]; j++) {
			i = verb_by_first[j];
			k = verb_len[i];
			if (k == 0 || at + k > n ||
			    strncasecmp(s + at, md_trim_verbs[i], k) != 0 ||
			    (at + k < n && wordch((unsigned char)s[at + k])))
				continue;
			/* the one that ends last; of those, the first in the table */
			if (at + k > best || (at + k == best && i < best_i)) {
				best = at + k;
				best_i = i;
				*vstart = at;
			}
		}
	}
	for (i = 0; i < md_trim_unspaced_verbs_n; i++) {
		k = strlen(md_trim_unspaced_verbs[i]);
		at = find_ci(s, n, md_trim_unspaced_verbs[i], 0);
		if (at != (size_t)-1 && at + k > best) {
			best = at + k;
			*vstart = at;
		}
	}
	return best;
}

static int
has_digit(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return 1;
	return 0;
}

/* A year: four digits from 1990 to 2099 standing alone. */
static int
has_year(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 4 <= n; i++)
		if ((i == 0 || s[i - 1] < '0' || s[i - 1] > '9') &&
		    (i + 4 == n || s[i + 4] < '0' || s[i + 4] > '9') &&
		    ((s[i] == '1' && s[i + 1] == '9' && s[i + 2] == '9') ||
		    (s[i] == '2' && s[i + 1] == '0')) &&
		    s[i + 2] >= '0' && s[i + 2] <= '9' &&
		    s[i + 3] >= '0' && s[i + 3] <= '9')
			return 1;
	return 0;
}

/* "<x@y>" as clients write a sender, not as people write an address. */
static int
bracketed_address(const char *s, size_t n)
{
	const char *lt = memchr(s, '<', n), *at, *gt;

	if (lt == NULL)
		return 0;
	at = memchr(lt, '@', n - (size_t)(lt - s));
	gt = memchr(lt, '>', n - (size_t)(lt - s));
	return at != NULL && gt != NULL && at < gt;
}

/* A clock time "10:04" or "10.04" (also "10:04:12"). */
int
md_trim_has_time(const char *s, size_t n)
{
	size_t i;

	for (i = 1; i + 2 < n; i++)
		if ((s[i] == ':' || s[i] == '.') && s[i - 1] >= '0' &&
		    s[i - 1] <= '9' && s[i + 1] >= '0' && s[i + 1] <= '5' &&
		    s[i + 2] >= '0' && s[i + 2] <= '9')
			return 1;
	return 0;
}

/*
 * Reply headers end with a colon (ASCII or fullwidth) and carry a "wrote"
 * verb: "On <date>, <name> wrote:", "<name> schrieb am <date>:",
 * "ons 25 nov. 2026 kl. 10:04 skrev <name>:", "<name> 于2026年11月25日写道：".
 * Gmail in Russian and Japanese, and old Gmail, say no verb at all:
 * "<date> <time>, Name <addr>:"; those need an address and a time.  A
 * line with an address and a date, a "<x@y>" sender, or a short one with
 * a year and a time (Thunderbird), but no verb we know (a language not in
 * the tables) is a guess: a reply header only before trailing quotes.
 * Strong: there is an address, a clock time or a known opener (a bare
 * number is not enough: "I wrote 2 emails before:").  Weak ("Bob
 * wrote:") is a short name and the verb, nothing else.  s[0, end) is the
 * header without its colon.
 */
static int
attribution_text(const char *s, size_t end)
{
	size_t vs = 0, ve, before, after;
	int strong;

	while (end > 0 && s[end - 1] == ' ')
		end--;
	strong = memchr(s, '@', end) != NULL || md_trim_has_time(s, end) ||
	    md_trim_opener(s, end);
	ve = find_verb(s, end, &vs);
	if (ve == 0) {
		/* a verb we do not know: the quotes after it must tell */
		if (memchr(s, '@', end) == NULL)
			return md_trim_has_time(s, end) && has_year(s, end) &&
			    count_words(s, end) <= GUESS_WORDS ?
			    MD_ATTR_GUESS : MD_ATTR_NO;
		if (end > 0 && (s[end - 1] == '>' || s[end - 1] == ')') &&
		    md_trim_has_time(s, end))
			return MD_ATTR_STRONG;
		return has_digit(s, end) || bracketed_address(s, end) ?
		    MD_ATTR_GUESS : MD_ATTR_NO;
	}
	if (strong)
		return MD_ATTR_STRONG;
	before = count_words(s, vs);
	after = count_words(s + ve, end - ve);
	return before <= 6 && after <= 2 ? MD_ATTR_WEAK : MD_ATTR_NO;
}

int
md_trim_attribution(const char *s, size_t n)
{
	if (n == 0 || n > ATTR_MAX)
		return MD_ATTR_NO;
	if (s[n - 1] == ':')
		return attribution_text(s, n - 1);
	if (n >= 3 && memcmp(s + n - 3, "\xef\xbc\x9a", 3) == 0)
		return attribution_text(s, n - 3);	/* U+FF1A fullwidth colon */
	return MD_ATTR_NO;
}

/* ---- Outlook header fields -------------------------------------------- */

/* "From:", "*From:*", "De :", "件名：" ... at the start of s. */
enum md_hf
md_trim_header_field(const char *s, size_t n, size_t *value)
{
	size_t i, j, k, start = 0;

	while (start < n && s[start] == '*')
		start++;
	if (start == n)
		return MD_HF_NONE;
	for (i = 0; i < md_trim_fields_n; i++) {
		/* the first byte first: this runs for every line of a reply */
		if (lower_ascii((unsigned char)md_trim_fields[i].name[0]) !=
		    lower_ascii((unsigned char)s[start]))
			continue;
		k = strlen(md_trim_fields[i].name);
		if (n - start < k + 1 ||
		    strncasecmp(s + start, md_trim_fields[i].name, k) != 0)
			continue;
		j = start + k;
		while (j < n && (s[j] == ' ' || s[j] == '*'))
			j++;
		if (j < n && s[j] == ':')
			j++;
		else if (n - j >= 3 && memcmp(s + j, "\xef\xbc\x9a", 3) == 0)
			j += 3;
		else
			continue;
		while (j < n && (s[j] == ' ' || s[j] == '*'))
			j++;
		*value = j;
		return md_trim_fields[i].kind;
	}
	return MD_HF_NONE;
}

int
md_trim_forward_subject(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < md_trim_fwd_prefixes_n; i++)
		if (md_trim_starts(s, n, md_trim_fwd_prefixes[i]))
			return 1;
	return 0;
}

/* ---- separators ------------------------------------------------------- */

/* Dashes and bars beyond ASCII that lines are drawn with (UTF-8). */
static const char *const wide_decor[] = {
	"\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x95",	/* en, em dash, bar */
	"\xe2\x94\x80", "\xe2\x94\x81", "\xe2\x95\x90",	/* box drawing */
	"\xef\xbc\x8d", "\xef\xbc\x9d", "\xef\xbc\xbf",	/* fullwidth - = _ */
	"\xe3\x83\xbc",					/* katakana long mark */
};

/* Bytes of a decoration character starting at s[i] (i < n), or 0. */
static size_t
decor_at(const char *s, size_t n, size_t i)
{
	size_t k;

	if (strchr("-_=*~ ", s[i]) != NULL && s[i] != '\0')
		return 1;
	for (k = 0; k < sizeof wide_decor / sizeof wide_decor[0]; k++)
		if (n - i >= 3 && memcmp(s + i, wide_decor[k], 3) == 0)
			return 3;
	return 0;
}

/* Bytes of a decoration character ending at s[e - 1] (a <= e - 1), or 0. */
static size_t
decor_before(const char *s, size_t a, size_t e)
{
	if (decor_at(s, e, e - 1) == 1)
		return 1;
	if (e - a >= 3 && decor_at(s, e, e - 3) == 3)
		return 3;
	return 0;
}

/*
 * The text between a line's decorations: [*a, *b).  Returns 1 if there
 * are at least two decoration characters on each side.
 */
static int
undecorate(const char *s, size_t n, size_t *a, size_t *b)
{
	size_t w, left = 0, right = 0;

	*a = 0;
	*b = n;
	while (*a < *b && (w = decor_at(s, *b, *a)) > 0) {
		*a += w;
		left++;
	}
	while (*b > *a && (w = decor_before(s, *a, *b)) > 0) {
		*b -= w;
		right++;
	}
	return left >= 2 && right >= 2;
}

int
md_trim_decorated(const char *s, size_t n)
{
	size_t a, b;

	return undecorate(s, n, &a, &b) && b > a;
}

static int
phrase_in(const char *s, size_t n, const char *const *list, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strlen(list[i]) == n && strncasecmp(s, list[i], n) == 0)
			return 1;
	return 0;
}

/*
 * "-----Original Message-----", "---------- Forwarded message ---------",
 * "Begin forwarded message:", "________________________________", and a
 * reply header between decorations, colon or not (Zoho's "---- On <date>
 * <name> wrote ----", HCL Verse's "-----<name> wrote: -----").
 */
enum md_sep
md_trim_separator(const char *s, size_t n)
{
	size_t a, b, i, w, dashes = 0;
	int decorated;

	if (n == 0 || n > ATTR_MAX)
		return MD_SEP_NONE;
	for (i = 0; i < n && (s[i] == '_' || s[i] == ' '); i++)
		;
	if (i == n && n >= 10)
		return MD_SEP_RULE;
	/* dashes, also em dashes and box drawing, and spaces only */
	for (i = 0; i < n && s[i] != '_' && s[i] != '=' && s[i] != '*' &&
	    s[i] != '~' && (w = decor_at(s, n, i)) > 0; i += w)
		dashes += s[i] != ' ';
	if (i == n && dashes >= 5)
		return MD_SEP_RULE;
	decorated = undecorate(s, n, &a, &b);
	if (b > a && s[b - 1] == ':') {
		b--;
		while (b > a && s[b - 1] == ' ')
			b--;
	} else if (b > a + 3 && memcmp(s + b - 3, "\xef\xbc\x9a", 3) == 0)
		b -= 3;
	if (phrase_in(s + a, b - a, md_trim_forward_phrases,
	    md_trim_forward_phrases_n))
		return MD_SEP_FORWARD;
	if (decorated && phrase_in(s + a, b - a,
	    md_trim_original_phrases, md_trim_original_phrases_n))
		return MD_SEP_ORIGINAL;
	if (decorated && attribution_text(s + a, b - a) == MD_ATTR_STRONG)
		return MD_SEP_ORIGINAL;
	return MD_SEP_NONE;
}

/* ---- "Sent from my iPhone" -------------------------------------------- */

/* Words with no sentence punctuation ("Sent from my iPhone, it works"). */
static int
plain_words(const char *s, size_t n, const char *forbidden)
{
	size_t j;

	for (j = 0; j < n; j++)
		if (strchr(forbidden, s[j]) != NULL ||
		    (s[j] == '.' && j + 1 < n && s[j + 1] == ' '))
			return 0;
	return 1;
}

/*
 * "Sent from my iPhone. Please excuse my brevity.": the length of s[0, n)
 * without such a second sentence (an apology of a few words), else n.
 */
static size_t
without_excuse(const char *s, size_t n)
{
	size_t i, j;

	for (i = 0; i + 2 < n; i++) {
		if (s[i] != '.' || s[i + 1] != ' ')
			continue;
		if (count_words(s + i + 2, n - i - 2) > EXCUSE_WORDS ||
		    memchr(s + i + 2, '?', n - i - 2) != NULL)
			return n;	/* a question is the customer's */
		for (j = 0; j < md_trim_excuses_n; j++)
			if (md_trim_starts(s + i + 2, n - i - 2, md_trim_excuses[j]))
				return i;
		return n;
	}
	return n;
}

/*
 * A link the mail apps put in their "Sent from" lines (s: the link): the
 * app's name, which the line must show, or NULL.
 */
static const char *
app_link(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < md_trim_app_links_n; i++)
		if (find_ci(s, n, md_trim_app_links[i].pre, 0) != (size_t)-1)
			return md_trim_app_links[i].suf;
	return NULL;
}

/*
 * The line, less "<https://...>" links that Outlook and Windows Mail put
 * in the middle ("Sent from Mail<https://go.microsoft...> for Windows"),
 * must be one of the forms above with at most SENT_WORDS words between
 * and no sentence punctuation: "Sent from my iPhone, the update works"
 * is the customer's text.  A short line with a mail app's own link
 * ("Get Outlook for iOS<https://aka.ms/o0ukef>") is one in any language.
 */
int
md_trim_sent_from(const char *s, size_t n)
{
	char buf[SENT_MAX + 1];
	size_t i, k = 0, pl, sl;
	const char *gt, *app = NULL;

	if (n == 0 || n > 4 * SENT_MAX)
		return 0;
	for (i = 0; i < n && k < SENT_MAX; i++) {
		gt = NULL;
		if (s[i] == '<')
			gt = memchr(s + i, '>', n - i);
		/* an HTML rendering's "(https://...)" after a link's text */
		else if (s[i] == '(' && (md_trim_starts(s + i + 1, n - i - 1, "http") ||
		    md_trim_starts(s + i + 1, n - i - 1, "mailto:")))
			gt = memchr(s + i, ')', n - i);
		if (gt != NULL) {
			if (app == NULL)
				app = app_link(s + i, (size_t)(gt - s) - i);
			i = (size_t)(gt - s);
			continue;
		}
		buf[k++] = s[i];
	}
	if (i < n)
		return 0;
	while (k > 0 && (buf[k - 1] == ' ' || buf[k - 1] == '.'))
		k--;
	buf[k] = '\0';
	k = without_excuse(buf, k);
	if (app != NULL && find_ci(buf, k, app, 0) != (size_t)-1 &&
	    count_words(buf, k) <= APP_WORDS && plain_words(buf, k, ";:!?"))
		return 1;
	for (i = 0; i < md_trim_sent_lines_n; i++) {
		const char *mid;
		size_t mlen;

		if (md_trim_sent_lines[i].pre[0] != '\0' &&
		    (k == 0 || lower_ascii((unsigned char)buf[0]) !=
		    lower_ascii((unsigned char)md_trim_sent_lines[i].pre[0])))
			continue;	/* the first byte first, as above */
		pl = strlen(md_trim_sent_lines[i].pre);
		sl = strlen(md_trim_sent_lines[i].suf);
		if (k < pl + sl || !md_trim_starts(buf, k, md_trim_sent_lines[i].pre) ||
		    !ends_ci(buf, k, md_trim_sent_lines[i].suf))
			continue;
		mid = buf + pl;
		mlen = k - pl - sl;
		if (count_words(mid, mlen) <= SENT_WORDS && mlen <= 60 &&
		    plain_words(mid, mlen, ",;:!?()\""))
			return 1;
	}
	return 0;
}
