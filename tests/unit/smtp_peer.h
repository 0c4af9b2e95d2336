/*
 * smtp_peer.h - a scripted SMTP server for tests, in a thread of the test.
 *
 * Listens on a free 127.0.0.1 port and answers each transaction according
 * to the mode current at its MAIL command (a session's start for SILENT and
 * CLOSE), one session at a time, recording what it received.
 */
#ifndef MD_SMTP_PEER_H
#define MD_SMTP_PEER_H

#include <stddef.h>

enum peer_mode {
	PEER_ACCEPT,		/* 250 to everything */
	PEER_RCPT_450,		/* 450 4.2.0 at RCPT */
	PEER_RCPT_550,		/* 550 5.1.1 at RCPT (multi-line reply) */
	PEER_DATA_554,		/* 554 5.7.1 after the data */
	PEER_MAIL_530,		/* 530 5.7.0 at MAIL (the relay wants TLS) */
	PEER_DATA_451,		/* 451 4.3.0 after the data */
	PEER_DATA_HANGUP,	/* takes the data, hangs up without an answer */
	PEER_SILENT,		/* accepts the connection, never says a word */
	PEER_CLOSE,		/* accepts the connection and closes it at once */
	PEER_ONE_PER_SESSION,	/* as ACCEPT, but hangs up without a word at the
				   second MAIL of a session (an idle timeout) */
};

struct smtp_peer;

struct smtp_peer *smtp_peer_start(enum peer_mode mode);
void	smtp_peer_stop(struct smtp_peer *p);
int	smtp_peer_port(const struct smtp_peer *p);
void	smtp_peer_set_mode(struct smtp_peer *p, enum peer_mode mode);
int	smtp_peer_sessions(struct smtp_peer *p);	/* connections served */
int	smtp_peer_delivered(struct smtp_peer *p);	/* messages taken (250) */
/* Copies of the last envelope and data (un-dot-stuffed); caller frees. */
char	*smtp_peer_last_data(struct smtp_peer *p);
char	*smtp_peer_last_from(struct smtp_peer *p);
char	*smtp_peer_last_rcpt(struct smtp_peer *p);
/* Waits up to ms for delivered() >= n; returns delivered(). */
int	smtp_peer_wait_delivered(struct smtp_peer *p, int n, int ms);
int	smtp_peer_wait_sessions(struct smtp_peer *p, int n, int ms);

#endif
