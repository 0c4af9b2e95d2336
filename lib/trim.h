/*
 * trim.h - cut quoted history and signatures out of a customer's reply.
 *
 * The issue shows what the customer wrote this time; the full message
 * stays in the record and the note's raw field.  Recognised:
 *   - attribution lines "On <date>, <name> wrote:" (also wrapped over two
 *     lines) in English, German, French, Spanish, Italian, Portuguese,
 *     Dutch, Swedish, with the '>' quotes that follow (interleaved replies
 *     keep their own text between quotes);
 *   - Outlook history: "-----Original Message-----", a line of underscores,
 *     or a "From:" line followed by "Sent:"/"Date:" and "To:"/"Subject:";
 *   - '>' quoted lines anywhere;
 *   - the "-- " signature separator and "Sent from my ..." style lines.
 * If trimming would leave nothing, the text is returned unchanged.
 */
#ifndef MD_TRIM_H
#define MD_TRIM_H

/* Returns a malloc'd trimmed copy of UTF-8 text (\n or \r\n), or NULL (ENOMEM). */
char	*md_reply_trim(const char *text);

#endif
