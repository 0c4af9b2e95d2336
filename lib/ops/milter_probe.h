/*
 * milter_probe.h - asks a milter whether it is alive by speaking the first
 * step of the milter protocol, as an MTA would: SMFIC_OPTNEG, then QUIT.
 *
 * A port that accepts connections is not yet a milter that answers: a hung
 * maildesk-milter, or another program on its port, makes Postfix wait
 * milter_connect_timeout and then apply milter_default_action to every
 * message.  The probe is plain socket code (no libmilter, which is for
 * filters, not for MTAs): a 4-byte big-endian length, the command 'O' and
 * three 32-bit words (protocol version 6, every action, every protocol
 * flag); a milter answers with its own 'O' packet.
 */
#ifndef MD_MILTER_PROBE_H
#define MD_MILTER_PROBE_H

#include <stddef.h>

struct md_milter_probe_result {
	unsigned long	version;	/* the milter's protocol version */
	unsigned long	actions;	/* SMFIF_* it may use */
	unsigned long	protocol;	/* SMFIP_* steps it does not want */
	long long	elapsed_ms;	/* connect to answer */
};

/*
 * spec: the milter's socket as maildesk.conf writes it (inet:PORT@HOST,
 * inet6:PORT@HOST, unix:/path or local:/path).  timeout_ms bounds the
 * whole exchange.  0 with out filled, or -1 with err saying which step
 * failed ("connect 127.0.0.1:8891: Connection refused", "no answer within
 * 5000 ms", "answered 'r', not option negotiation").
 */
int	md_milter_probe(const char *spec, int timeout_ms,
	    struct md_milter_probe_result *out, char *err, size_t errlen);

#endif
