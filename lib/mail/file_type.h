/*
 * file_type.h - a file's content type guessed from its name.
 */
#ifndef MD_FILE_TYPE_H
#define MD_FILE_TYPE_H

/*
 * A content type for a file named name (UTF-8, may be NULL) from its
 * extension; "application/octet-stream" when unknown.  A static string.
 */
const char *md_file_type_guess(const char *name);

#endif
