/*
 * dkim_fixture.h - the DKIM keys under tests/fixtures/dkim for the unit
 * tests that sign messages themselves (test_dmarc, test_dkim_attacks).
 */
#ifndef MD_DKIM_FIXTURE_H
#define MD_DKIM_FIXTURE_H

#include <sys/types.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <opendkim/dkim.h>

#include "unit.h"

/* tests/fixtures/dkim/<rel> whole, NUL-terminated (a private key, a zone file). */
static inline char *
md_dkim_fixture_read(const char *rel)
{
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof path, "%s/tests/fixtures/dkim/%s", md_fixture_dir(), rel);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* A zone file's quoted strings, concatenated: the key record to publish. */
static inline char *
md_dkim_fixture_key(const char *zonefile)
{
	char *zf = md_dkim_fixture_read(zonefile), *out = calloc(1, strlen(zf) + 1), *p, *q;

	for (p = zf; (p = strchr(p, '"')) != NULL && (q = strchr(p + 1, '"')) != NULL; p = q + 1)
		strncat(out, p + 1, (size_t)(q - p - 1));
	free(zf);
	return out;
}

/* --- signing ------------------------------------------------------------ */

struct md_dkim_signing {
	const char	*key;		/* file under tests/fixtures/dkim */
	const char	*selector;
	const char	*domain;
	dkim_alg_t	 alg;
	ssize_t		 length;	/* l=, -1 = none */
	time_t		 when;		/* t=, 0 = now */
	unsigned long	 ttl;		/* x= - t=, 0 = no x= */
	dkim_canon_t	 body_canon;
};

#define MD_DKIM_SIGNING(dom) { "sel.private", "sel", dom, DKIM_SIGN_RSASHA256, -1, 0, 0, \
	DKIM_CANON_RELAXED }

/*
 * hdrs ("Name: value\r\n"..., folded lines allowed) and body signed as sg
 * says; the message as the milter holds it, the signature first.
 */
static inline char *
md_dkim_fixture_sign(const struct md_dkim_signing *sg, const char *hdrs, const char *body)
{
	DKIM_LIB *lib = dkim_init(NULL, NULL);
	char *key = md_dkim_fixture_read(sg->key), *msg;
	unsigned char sig[4096];
	uint64_t fixed = (uint64_t)sg->when;
	DKIM_STAT st;
	DKIM *dk;
	const char *p = hdrs, *e;

	/* the signer may use a weak key and leave From: out of h=: the attacks need both */
	static const char *required[] = { "subject", NULL };
	unsigned int minbits = 256;

	ck_assert_int_eq(dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_MINKEYBITS, &minbits,
	    sizeof minbits), DKIM_STAT_OK);
	ck_assert_int_eq(dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_REQUIREDHDRS, required,
	    sizeof(char **)), DKIM_STAT_OK);
	if (sg->when != 0)
		ck_assert_int_eq(dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FIXEDTIME, &fixed,
		    sizeof fixed), DKIM_STAT_OK);
	if (sg->ttl != 0) {
		uint64_t ttl = sg->ttl;

		ck_assert_int_eq(dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_SIGNATURETTL, &ttl,
		    sizeof ttl), DKIM_STAT_OK);
	}
	dk = dkim_sign(lib, (const u_char *)"t", NULL, (dkim_sigkey_t)key,
	    (const u_char *)sg->selector, (const u_char *)sg->domain, DKIM_CANON_RELAXED,
	    sg->body_canon, sg->alg, sg->length, &st);
	ck_assert_msg(dk != NULL, "dkim_sign: %d", st);
	while (*p != '\0') {
		for (e = p; !(e[0] == '\r' && e[1] == '\n' && e[2] != '\t' && e[2] != ' '); e++)
			;
		ck_assert_int_eq(dkim_header(dk, (u_char *)p, (size_t)(e - p)), DKIM_STAT_OK);
		p = e + 2;
	}
	ck_assert_int_eq(dkim_eoh(dk), DKIM_STAT_OK);
	ck_assert_int_eq(dkim_body(dk, (u_char *)body, strlen(body)), DKIM_STAT_OK);
	ck_assert_int_eq(dkim_eom(dk, NULL), DKIM_STAT_OK);
	ck_assert_int_eq(dkim_getsighdr(dk, sig, sizeof sig, strlen("DKIM-Signature: ")),
	    DKIM_STAT_OK);
	msg = malloc(strlen((char *)sig) + strlen(hdrs) + strlen(body) + 64);
	sprintf(msg, "DKIM-Signature: %s\r\n%s\r\n%s", sig, hdrs, body);
	dkim_free(dk);
	dkim_close(lib);
	free(key);
	return msg;
}

#endif
