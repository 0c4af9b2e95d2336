/*
 * outbox_listen.c - waking the senders: LISTEN on the outbox channel on a
 * connection of its own, and waiting for a NOTIFY with poll().
 *
 * Split from outbox_store.c, which holds the sender's statements on the
 * table: this file runs no statement on the outbox, only keeps the line
 * that tells a sleeping sender a row was inserted (outbox_store.h, "waking
 * senders").
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "outbox_store.h"

int
md_outbox_listener_open(struct md_outbox_listener *l, const char *conninfo,
    char *err, size_t errlen)
{
	memset(l, 0, sizeof *l);
	if ((l->db = md_db_new(conninfo)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

void
md_outbox_listener_close(struct md_outbox_listener *l)
{
	md_db_free(l->db);
	l->db = NULL;
	l->listening = 0;
}

/* Reads what arrived; 1 if a notification was among it, -1 if the line died. */
static int
drain(struct md_outbox_listener *l, PGconn *c, char *err, size_t errlen)
{
	PGnotify *nf;
	int woke = 0;

	if (PQconsumeInput(c) == 0 || PQstatus(c) != CONNECTION_OK) {
		snprintf(err, errlen, "postgres: listener: %s", PQerrorMessage(c));
		err[strcspn(err, "\n")] = '\0';
		l->listening = 0;
		return -1;
	}
	while ((nf = PQnotifies(c)) != NULL) {
		woke = 1;
		PQfreemem(nf);
	}
	return woke;
}

int
md_outbox_wait(struct md_outbox_listener *l, int timeout_ms, char *err,
    size_t errlen)
{
	struct pollfd pfd;
	PGconn *c;
	int rc;

	if (!l->listening) {
		/* (Re)connects.  Whatever was inserted meanwhile went
		 * unnoticed, so this counts as a wake-up. */
		if (md_db_exec(l->db, "LISTEN " MD_OUTBOX_CHANNEL, NULL, err, errlen) < 0)
			return -1;
		l->listening = 1;
		return 1;
	}
	if ((c = md_db_conn(l->db)) == NULL) {
		l->listening = 0;
		snprintf(err, errlen, "postgres: listener: not connected");
		return -1;
	}
	if ((rc = drain(l, c, err, errlen)) != 0)
		return rc;
	pfd.fd = PQsocket(c);
	pfd.events = POLLIN;
	pfd.revents = 0;
	rc = poll(&pfd, 1, timeout_ms > 0 ? timeout_ms : 0);
	if (rc < 0 && errno != EINTR) {
		snprintf(err, errlen, "poll: %s", strerror(errno));
		return -1;
	}
	if (rc <= 0)
		return 0;
	return drain(l, c, err, errlen);
}
