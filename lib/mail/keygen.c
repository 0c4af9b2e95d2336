/*
 * keygen.c - unguessable keys: kernel randomness, written in base32.
 *
 * The keys end up in address local parts and URLs, so the encoding is the
 * lower-case RFC 4648 base32 alphabet without '=' padding: no characters
 * that need quoting, and case-folding MTAs cannot change its meaning.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_SYS_RANDOM_H
#include <sys/random.h>
#endif
#ifndef HAVE_GETRANDOM
#include <fcntl.h>
#endif

#include "address.h"
#include "keygen.h"

#define KEY_BYTES	16	/* 128 bits -> 26 base32 characters */

static const char b32_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

#ifdef HAVE_GETRANDOM
/*
 * getrandom(2) without flags blocks only until the pool is initialised at
 * boot, then never again; it may return short for large requests or be
 * interrupted by a signal, hence the loop.
 */
static int
fill_random(unsigned char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
#else
/* Systems without getrandom(2): the same bytes from /dev/urandom. */
static int
fill_random(unsigned char *p, size_t len)
{
	ssize_t n;
	int fd;

	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len > 0) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	close(fd);
	return 0;
}
#endif

int
md_random_bytes(void *buf, size_t len)
{
	if (buf == NULL && len > 0)
		return -1;
	return fill_random(buf, len);
}

int
md_base32(const unsigned char *in, size_t len, char *out, size_t outlen)
{
	unsigned int acc = 0, bits = 0;
	size_t need, i, o = 0;

	if (out == NULL || outlen == 0 || (in == NULL && len > 0))
		return -1;
	out[0] = '\0';
	/* ceil(len * 8 / 5) characters, computed without overflowing. */
	if (len > ((size_t)INT_MAX / 8) * 5)
		return -1;
	need = (len / 5) * 8 + ((len % 5) * 8 + 4) / 5;
	if (need >= outlen)
		return -1;
	for (i = 0; i < len; i++) {
		acc = ((acc << 8) | in[i]) & 0xfff;	/* at most 12 bits live */
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = b32_alphabet[(acc >> bits) & 0x1f];
		}
	}
	if (bits > 0)	/* last group, zero-filled on the right */
		out[o++] = b32_alphabet[(acc << (5 - bits)) & 0x1f];
	out[o] = '\0';
	return (int)o;
}

int
md_keygen(char *out, size_t outlen)
{
	unsigned char rnd[KEY_BYTES];
	int n;

	if (out == NULL || outlen < MD_KEY_LEN + 1) {
		if (out != NULL && outlen > 0)
			out[0] = '\0';
		return -1;
	}
	out[0] = '\0';
	if (md_random_bytes(rnd, sizeof rnd) < 0)
		return -1;
	n = md_base32(rnd, sizeof rnd, out, outlen);
	memset(rnd, 0, sizeof rnd);
	return n == MD_KEY_LEN ? 0 : -1;
}
