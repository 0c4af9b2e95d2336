/*
 * netlist.h - lists of networks ("127.0.0.0/8, 10.0.0.0/8 ::1/128").
 *
 * Used for trusted_networks: clients inside skip SPF and scoring.  Entries
 * are separated by commas and/or white space; an address without "/len" is
 * a single host.  IPv4 entries also match IPv4-mapped IPv6 clients
 * (::ffff:10.1.2.3), as a dual-stack listener reports them.  Host bits
 * beyond the prefix are ignored (10.1.2.3/8 is 10.0.0.0/8).  A parsed list
 * is read-only, so one list can be shared by all threads.
 */
#ifndef MD_NETLIST_H
#define MD_NETLIST_H

#include <stddef.h>
#include <sys/socket.h>

struct md_netlist;

/*
 * Parses spec (NULL or "" = empty list).  On error returns NULL and writes
 * "bad network: <token>" (or "out of memory") into err.
 */
struct md_netlist *md_netlist_parse(const char *spec, char *err, size_t errlen);
void	 md_netlist_free(struct md_netlist *nl);
/* 1 if sa (AF_INET or AF_INET6) is inside one of the networks; 0 otherwise or sa NULL. */
int	 md_netlist_match(const struct md_netlist *nl, const struct sockaddr *sa);
/* Same for a textual address ("192.0.2.1", "2001:db8::1"); 0 if unparsable. */
int	 md_netlist_match_str(const struct md_netlist *nl, const char *ip);
size_t	 md_netlist_count(const struct md_netlist *nl);

#endif
