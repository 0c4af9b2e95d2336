/*
 * file_type.c - a file's content type from its name, for files that come
 * without a usable one: those in Outlook's winmail.dat (TNEF) whose blob
 * declares none, and uuencoded blocks in a text.  Browsers and responders'
 * tools go by the type when they open a download, so the common office,
 * image and text formats are named; anything else is a plain download.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "file_type.h"

const char *
md_file_type_guess(const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{ "pdf", "application/pdf" },
		{ "doc", "application/msword" },
		{ "docx", "application/vnd.openxmlformats-officedocument."
		    "wordprocessingml.document" },
		{ "xls", "application/vnd.ms-excel" },
		{ "xlsx", "application/vnd.openxmlformats-officedocument."
		    "spreadsheetml.sheet" },
		{ "ppt", "application/vnd.ms-powerpoint" },
		{ "pptx", "application/vnd.openxmlformats-officedocument."
		    "presentationml.presentation" },
		{ "zip", "application/zip" },
		{ "png", "image/png" },
		{ "jpg", "image/jpeg" },
		{ "jpeg", "image/jpeg" },
		{ "gif", "image/gif" },
		{ "txt", "text/plain" },
		{ "csv", "text/csv" },
		{ "htm", "text/html" },
		{ "html", "text/html" },
		{ "xml", "application/xml" },
		{ "eml", "message/rfc822" },
		{ "ics", "text/calendar" },
		{ "vcf", "text/vcard" },
	};
	const char *dot = name ? strrchr(name, '.') : NULL;
	size_t i;

	if (dot != NULL)
		for (i = 0; i < sizeof types / sizeof types[0]; i++)
			if (strcasecmp(dot + 1, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}
