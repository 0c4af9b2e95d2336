/*
 * trim.h - cut quoted history and signatures out of a customer's reply.
 *
 * The issue shows what the customer wrote this time; the full message
 * stays in the record and the note's raw field.  The rules and their order
 * are in doc/conversation.md, "Reply trimming"; in short, recognised are:
 *   - reply headers ("On <date>, <name> wrote:") in some twenty languages,
 *     date first or name first, "you wrote", wrapped over up to 3 lines;
 *   - Outlook/Exchange header blocks (From:/Sent:/To:/Subject: and their
 *     translations, bold or not), the separator lines before them and the
 *     "-----Original Message-----" lines of many clients and languages;
 *   - '>' quotes: those the customer answered between are kept, only the
 *     trailing quoted history goes;
 *   - the "-- " signature separator (also with invisible characters) and
 *     whole short "Sent from my iPhone" lines of many apps and languages;
 *   - forwards: a deliberately forwarded message is kept, the "Forwarded
 *     message" marker line goes.
 * A reply that is only quotation trims to "" (the empty string): callers
 * must not fall back to the full text, which is history.
 */
#ifndef MD_TRIM_H
#define MD_TRIM_H

#include <stddef.h>

struct md_mime;

/*
 * Returns a malloc'd trimmed copy of UTF-8 text (\n or \r\n line ends;
 * the result has \n, no trailing newline, no trailing blanks on lines),
 * "" when nothing of the customer's is left, or NULL (ENOMEM).
 */
char	*md_reply_trim(const char *text);

/*
 * The same for an HTML body (len bytes, UTF-8, need not be valid HTML):
 * the quoted history is cut by the clients' markers (Gmail, Outlook, Apple
 * Mail, Thunderbird, Yahoo, Proton, a trailing <blockquote>), the rest is
 * rendered with md_html_to_text and trimmed with md_reply_trim's rules.
 * Returns malloc'd UTF-8 text, "" or NULL (ENOMEM).
 */
char	*md_reply_trim_html(const char *html, size_t len);

/*
 * The visible text of a parsed reply: its HTML part trimmed when it has
 * one that shows anything (m->html), else its text trimmed; see
 * doc/conversation.md.  Malloc'd, "" or NULL (ENOMEM).
 */
char	*md_reply_visible(const struct md_mime *m);

#endif
