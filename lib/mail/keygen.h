/*
 * keygen.h - unguessable keys for reply and unsubscribe addresses.
 *
 * 128 bits from getrandom(2), written in lower-case RFC 4648 base32 without
 * padding: 26 characters, safe in an address local part and in a URL.
 */
#ifndef MD_KEYGEN_H
#define MD_KEYGEN_H

#include <stddef.h>

/* Writes MD_KEY_LEN characters + NUL into out (outlen >= 27).  0 or -1. */
int	md_keygen(char *out, size_t outlen);
/* Random bytes from getrandom(2); 0 or -1. */
int	md_random_bytes(void *buf, size_t len);
/* Lower-case base32 of len bytes into out; returns chars written or -1. */
int	md_base32(const unsigned char *in, size_t len, char *out, size_t outlen);

#endif
