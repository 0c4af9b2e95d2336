/*
 * trim_int.h - what the reply trimmer's files share: trim.c (the line
 * engine), trim_norm.c (normalising lines), trim_lang.c (the matchers for
 * the mail clients' phrases), trim_words.c (those phrases, in many
 * languages) and html_trim.c (the HTML markers).
 *
 * Every matcher takes a "normalised" line: invisible characters (U+200B,
 * U+FEFF, soft hyphen ...) removed, no-break and other spaces made plain
 * spaces, runs of spaces collapsed, no leading or trailing space, digits
 * of other scripts (Arabic-Indic, Persian, Thai, fullwidth ...) ASCII.  So the
 * tables need one spelling of "a écrit :" however the client spaced it.
 */
#ifndef MD_TRIM_INT_H
#define MD_TRIM_INT_H

#include <stddef.h>

/* Kinds of Outlook-style header fields ("From:", "Von:", "De :" ...). */
enum md_hf {
	MD_HF_NONE = 0,
	MD_HF_FROM = 1,
	MD_HF_DATE = 2,
	MD_HF_TO = 4,
	MD_HF_CC = 8,
	MD_HF_SUBJECT = 16
};

/* What a decorated line ("-----Original Message-----") announces. */
enum md_sep {
	MD_SEP_NONE,
	MD_SEP_RULE,		/* only underscores or dashes */
	MD_SEP_ORIGINAL,	/* the quoted history of a reply starts */
	MD_SEP_FORWARD		/* a forwarded message starts */
};

/*
 * Attribution strength: weak ones ("Bob wrote:") count only before quotes,
 * guessed ones (an address and a date, no verb we know) only before the
 * trailing quotes: before quotes answered inline they may be the
 * customer's own words.
 */
enum {
	MD_ATTR_NO = 0, MD_ATTR_WEAK = 1, MD_ATTR_STRONG = 2, MD_ATTR_GUESS = 3
};

/* Normalises src[0, len) into dst (at most len bytes); returns its length. */
size_t	md_trim_normalise(const char *src, size_t len, char *dst);
/* Drops trailing blanks and invisible characters from p[0, *len). */
void	md_trim_rstrip(const char *p, size_t *len);

/* "On ... wrote:" and its translations; s may be several lines joined. */
int	md_trim_attribution(const char *s, size_t n);
/* 1 if s starts like a reply header ("On ", "Am ", "Le ", "在" ...). */
int	md_trim_opener(const char *s, size_t n);
/* The kind of header field s starts with; *value gets what follows. */
enum md_hf md_trim_header_field(const char *s, size_t n, size_t *value);
/* A subject that says "forward" (FW:, Fwd:, WG:, TR:, RV:, I: ...). */
int	md_trim_forward_subject(const char *s, size_t n);
enum md_sep md_trim_separator(const char *s, size_t n);
/* "----- x -----", "=== x ===", "—— x ——": text between decorations. */
int	md_trim_decorated(const char *s, size_t n);
/* A clock time "10:04" or "10.04" in s. */
int	md_trim_has_time(const char *s, size_t n);
/* A whole short line "Sent from my iPhone" and its kin. */
int	md_trim_sent_from(const char *s, size_t n);

/*
 * 1 if text (rendered from where a client's history marker stood) starts
 * with a forwarded message: a "Forwarded message" line, or a header block
 * whose subject says FW:/WG:/TR:.
 */
int	md_trim_forward_start(const char *text);

/*
 * The clients' words (trim_words.c), each table with its length.  Verbs
 * must stand as words; "unspaced" verbs (CJK, Thai) are found anywhere.
 */
struct md_trim_field {
	const char	*name;
	enum md_hf	 kind;
};
struct md_trim_affix {
	const char	*pre, *suf;	/* a "Sent from" line's start and end */
};				/* (app links: the link, the app's name) */
/* A table and its length, name and name_n. */
#define MD_TRIM_TABLE(type, name) \
	extern type const name[]; \
	extern const size_t name##_n
MD_TRIM_TABLE(const char *, md_trim_openers);
MD_TRIM_TABLE(const char *, md_trim_verbs);
#define MD_TRIM_VERBS_MAX	4096	/* trim_lang.c indexes them by first byte */
MD_TRIM_TABLE(const char *, md_trim_unspaced_verbs);
MD_TRIM_TABLE(struct md_trim_field, md_trim_fields);
MD_TRIM_TABLE(const char *, md_trim_fwd_prefixes);
MD_TRIM_TABLE(const char *, md_trim_forward_phrases);
MD_TRIM_TABLE(const char *, md_trim_original_phrases);
MD_TRIM_TABLE(struct md_trim_affix, md_trim_sent_lines);
MD_TRIM_TABLE(const char *, md_trim_excuses);
MD_TRIM_TABLE(struct md_trim_affix, md_trim_app_links);

/*
 * md_reply_trim, the text from byte keep_at on being a forwarded message
 * (the HTML showed it), the line before it its marker; (size_t)-1: none.
 */
char	*md_trim_reply_keep(const char *text, size_t keep_at);
/* 1 if text starts with a mail's header block (From:, Date:, Subject: ...). */
int	md_trim_header_start(const char *text);

/* ---- a reply's lines (trim_lines.c) ---------------------------------- */

#define BLOCK_WINDOW	14	/* lines an Outlook header block may span */

enum line_class {
	L_TEXT,
	L_BLANK,
	L_QUOTE,	/* "> ..." */
	L_SIGSEP,	/* "-- " */
	L_SENTFROM,	/* "Sent from my iPhone" */
	L_ORIGINAL,	/* "-----Original Message-----" */
	L_FORWARD,	/* "---------- Forwarded message ---------" */
	L_RULE,		/* "______________" */
	L_FIELD		/* "From: ..." (kind in .field) */
};

struct md_trim_line {
	const char	*p;	/* as written, without the line break */
	size_t		 len;
	const char	*np;	/* normalised (see above) */
	size_t		 nlen;
	unsigned char	 cls;	/* enum line_class */
	unsigned char	 field;	/* enum md_hf (also a "From:" taken for text) */
	size_t		 value;	/* offset of the field's value in np */
};

struct md_trim_text {
	struct md_trim_line	*l;
	size_t			 n;
	char			*norm;	/* storage of every np */
	unsigned char		*drop;	/* lines that go whatever else holds */
};

/* Splits and classifies text; 0, or -1 (ENOMEM: md_trim_free it anyway). */
int	md_trim_split(const char *text, struct md_trim_text *t);
void	md_trim_free(struct md_trim_text *t);
/* Line l ends in a colon (also the fullwidth one). */
int	md_trim_ends_colon(const struct md_trim_line *l);
/* A reply header from line i: its strength, its last line in *last. */
int	md_trim_attribution_at(const struct md_trim_text *t, size_t i,
	    size_t *last);

/* ---- header blocks (trim_blocks.c) ------------------------------------ */

/* An Outlook-style header block from line i: the kinds seen, or 0. */
unsigned md_trim_header_block(const struct md_trim_text *t, size_t i,
	    size_t *subject);
/* A header block with labels in any language at line j (see trim_blocks.c). */
int	md_trim_unknown_block(const struct md_trim_text *t, size_t j, int *forward);
/* The same without its marker: told by its structure (see trim_blocks.c). */
int	md_trim_bare_block(const struct md_trim_text *t, size_t i, int *forward);
/* A header block of a forward: its subject says FW:/WG:/TR: ... */
int	md_trim_forward_block(const struct md_trim_text *t, size_t subject);

/* ASCII-case-insensitive prefix test. */
int	md_trim_starts(const char *s, size_t n, const char *prefix);

#endif
