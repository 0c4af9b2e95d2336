/*
 * netlist.c - parse network lists and match client addresses against them.
 *
 * Every entry is kept as a 16-byte IPv6 prefix: IPv4 networks become
 * ::ffff:a.b.c.d/(96+len), so one comparison covers IPv4 clients, IPv6
 * clients and IPv4-mapped IPv6 clients alike.
 */
#include "config.h"

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlist.h"

#define TOKEN_MAX	64	/* longest IPv6 text + "/128", with room to spare */

struct net {
	unsigned char	addr[16];
	int		bits;
};

struct md_netlist {
	struct net	*nets;
	size_t		 n;
};

static const unsigned char v4mapped[12] = { 0,0,0,0, 0,0,0,0, 0,0,0xff,0xff };

static void
apply_mask(unsigned char *a, int bits)
{
	int i;

	for (i = 0; i < 16; i++, bits -= 8) {
		if (bits >= 8)
			continue;
		a[i] &= bits <= 0 ? 0 : (unsigned char)(0xff << (8 - bits));
	}
}

/* Parses "addr[/len]" into net; returns 0 or -1. */
static int
parse_net(const char *tok, struct net *net)
{
	char buf[TOKEN_MAX], *slash, *end;
	struct in_addr a4;
	long bits;
	int max;

	if (strlen(tok) >= sizeof buf)
		return -1;
	strcpy(buf, tok);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, &a4) == 1) {
		memcpy(net->addr, v4mapped, 12);
		memcpy(net->addr + 12, &a4, 4);
		max = 32;
	} else if (inet_pton(AF_INET6, buf, net->addr) == 1) {
		max = 128;
	} else
		return -1;
	bits = max;
	if (slash != NULL) {
		if (*slash < '0' || *slash > '9')
			return -1;
		bits = strtol(slash, &end, 10);
		if (*end != '\0' || bits < 0 || bits > max)
			return -1;
	}
	net->bits = (int)bits + (max == 32 ? 96 : 0);
	apply_mask(net->addr, net->bits);
	return 0;
}

struct md_netlist *
md_netlist_parse(const char *spec, char *err, size_t errlen)
{
	struct md_netlist *nl;
	const char *p = spec != NULL ? spec : "";
	char tok[TOKEN_MAX + 1];
	size_t len, cap = 0;
	void *tmp;

	if ((nl = calloc(1, sizeof *nl)) == NULL)
		goto nomem;
	for (;;) {
		p += strspn(p, ", \t\r\n");
		if (*p == '\0')
			return nl;
		len = strcspn(p, ", \t\r\n");
		snprintf(tok, sizeof tok, "%.*s", (int)(len < TOKEN_MAX ? len : TOKEN_MAX), p);
		if (nl->n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((tmp = realloc(nl->nets, cap * sizeof *nl->nets)) == NULL)
				goto nomem;
			nl->nets = tmp;
		}
		if (len > TOKEN_MAX || parse_net(tok, &nl->nets[nl->n]) < 0) {
			snprintf(err, errlen, "bad network: %.*s", (int)(len > 80 ? 80 : len), p);
			md_netlist_free(nl);
			return NULL;
		}
		nl->n++;
		p += len;
	}
nomem:
	snprintf(err, errlen, "out of memory");
	md_netlist_free(nl);
	return NULL;
}

void
md_netlist_free(struct md_netlist *nl)
{
	if (nl == NULL)
		return;
	free(nl->nets);
	free(nl);
}

size_t
md_netlist_count(const struct md_netlist *nl)
{
	return nl != NULL ? nl->n : 0;
}

static int
match16(const struct md_netlist *nl, const unsigned char *a)
{
	unsigned char m[16];
	size_t i;

	for (i = 0; nl != NULL && i < nl->n; i++) {
		memcpy(m, a, 16);
		apply_mask(m, nl->nets[i].bits);
		if (memcmp(m, nl->nets[i].addr, 16) == 0)
			return 1;
	}
	return 0;
}

int
md_netlist_match(const struct md_netlist *nl, const struct sockaddr *sa)
{
	unsigned char a[16];

	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET) {
		memcpy(a, v4mapped, 12);
		memcpy(a + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6)
		memcpy(a, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	else
		return 0;
	return match16(nl, a);
}

int
md_netlist_match_str(const struct md_netlist *nl, const char *ip)
{
	unsigned char a[16];
	struct in_addr a4;

	if (ip == NULL)
		return 0;
	if (inet_pton(AF_INET, ip, &a4) == 1) {
		memcpy(a, v4mapped, 12);
		memcpy(a + 12, &a4, 4);
	} else if (inet_pton(AF_INET6, ip, a) != 1)
		return 0;
	return match16(nl, a);
}
