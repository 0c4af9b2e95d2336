/*
 * tracker_signature.c - a responder's signature (users.signature) under
 * their public notes, typed in the web UI or the CLI (tracker_edit.c) or
 * answered by email (responder_reply.c).
 *
 * Both paths sign the same way, so the rule lives here, below both: the
 * note path need not call up into the answers by email to sign.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "store.h"
#include "tracker_signature.h"

/* A blank line, not "-- ": the mail's template footer starts with one, and
 * two would look like two signatures; a responder who wants it writes it. */
#define SIGNATURE_SEP	"\n\n"

int
md_trk_user_signature(struct md_store *st, const char *author, char **email,
    char **sig, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	int rows;

	*email = *sig = NULL;
	md_sqlp_init(&p);
	md_sqlp_str(&p, author != NULL ? author : "");
	res = md_db_query(st->db, "SELECT email, signature FROM users WHERE name = $1",
	    &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	rows = PQntuples(res);
	*email = rows > 0 ? md_db_dup(res, 0, 0) : strdup("");
	*sig = rows > 0 ? md_db_dup(res, 0, 1) : strdup("");
	PQclear(res);
	if (*email == NULL || *sig == NULL) {
		free(*email);
		free(*sig);
		*email = *sig = NULL;
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

char *
md_trk_sign(const char *text, const char *sig)
{
	md_buf t = MD_BUF_INIT;

	if (md_buf_puts(&t, text) < 0 || (*sig != '\0' &&
	    md_buf_printf(&t, SIGNATURE_SEP "%s", sig) < 0)) {
		md_buf_free(&t);
		return NULL;
	}
	return md_buf_detach(&t);
}

char *
md_trk_signed(struct md_store *st, const char *author, const char *text, char *err,
    size_t errlen)
{
	char *email, *sig, *out;

	if (md_trk_user_signature(st, author, &email, &sig, err, errlen) < 0)
		return NULL;
	if ((out = md_trk_sign(text, sig)) == NULL)
		snprintf(err, errlen, "out of memory");
	free(email);
	free(sig);
	return out;
}
