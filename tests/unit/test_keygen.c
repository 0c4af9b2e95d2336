/* test_keygen.c - base32 encoding (RFC 4648 vectors) and random keys. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "keygen.h"
#include "unit.h"

/* RFC 4648 section 10, lower-cased and without the '=' padding. */
static const struct { const char *in, *out; } vectors[] = {
	{ "", "" },
	{ "f", "my" },
	{ "fo", "mzxq" },
	{ "foo", "mzxw6" },
	{ "foob", "mzxw6yq" },
	{ "fooba", "mzxw6ytb" },
	{ "foobar", "mzxw6ytboi" },
};

START_TEST(base32_rfc4648)
{
	char out[32];
	size_t n = strlen(vectors[_i].in);

	memset(out, 'X', sizeof out);
	ck_assert_int_eq(md_base32((const unsigned char *)vectors[_i].in, n, out,
	    sizeof out), (int)strlen(vectors[_i].out));
	ck_assert_str_eq(out, vectors[_i].out);
}
END_TEST

START_TEST(base32_bytes)
{
	static const unsigned char zero[16], ones[5] = { 0xff, 0xff, 0xff, 0xff, 0xff };
	unsigned char all[16];
	char out[64];

	ck_assert_int_eq(md_base32(zero, sizeof zero, out, sizeof out), 26);
	ck_assert_str_eq(out, "aaaaaaaaaaaaaaaaaaaaaaaaaa");
	ck_assert_int_eq(md_base32(ones, sizeof ones, out, sizeof out), 8);
	ck_assert_str_eq(out, "77777777");
	memset(all, 0xff, sizeof all);
	ck_assert_int_eq(md_base32(all, sizeof all, out, sizeof out), 26);
	/* 128 bits: the 26th character carries 3 bits and 2 zero bits. */
	ck_assert_str_eq(out, "77777777777777777777777774");
	ck_assert(md_key_valid(out));
	/* Bit order: 0x84 0x21 = 10000 10000 10000 1(0000) */
	all[0] = 0x84;
	all[1] = 0x21;
	ck_assert_int_eq(md_base32(all, 2, out, sizeof out), 4);
	ck_assert_str_eq(out, "qqqq");
}
END_TEST

START_TEST(base32_bounds)
{
	char out[32];

	/* "foobar" needs 10 characters + NUL. */
	memset(out, 'X', sizeof out);
	ck_assert_int_eq(md_base32((const unsigned char *)"foobar", 6, out, 10), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(md_base32((const unsigned char *)"foobar", 6, out, 11), 10);
	ck_assert_int_eq(md_base32((const unsigned char *)"", 0, out, 1), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(md_base32((const unsigned char *)"f", 1, out, 0), -1);
	ck_assert_int_eq(md_base32((const unsigned char *)"f", 1, NULL, 8), -1);
	ck_assert_int_eq(md_base32(NULL, 1, out, sizeof out), -1);
	ck_assert_int_eq(md_base32(NULL, 0, out, sizeof out), 0);
}
END_TEST

START_TEST(random_bytes)
{
	unsigned char a[64], b[64], big[100000];
	size_t i, nonzero = 0;

	ck_assert_int_eq(md_random_bytes(a, sizeof a), 0);
	ck_assert_int_eq(md_random_bytes(b, sizeof b), 0);
	ck_assert(memcmp(a, b, sizeof a) != 0);
	ck_assert_int_eq(md_random_bytes(NULL, 0), 0);
	ck_assert_int_eq(md_random_bytes(NULL, 1), -1);
	/* Large requests may come back short from the kernel: still filled. */
	memset(big, 0, sizeof big);
	ck_assert_int_eq(md_random_bytes(big, sizeof big), 0);
	for (i = sizeof big - 1000; i < sizeof big; i++)
		nonzero += big[i] != 0;
	ck_assert_uint_gt(nonzero, 900);
}
END_TEST

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(a, b);
}

START_TEST(keygen_unique)
{
	enum { N = 10000 };
	char (*keys)[MD_KEY_LEN + 1];
	size_t i, j, seen[256];

	keys = calloc(N, sizeof *keys);
	ck_assert_ptr_nonnull(keys);
	memset(seen, 0, sizeof seen);
	for (i = 0; i < N; i++) {
		ck_assert_int_eq(md_keygen(keys[i], sizeof keys[i]), 0);
		ck_assert_uint_eq(strlen(keys[i]), MD_KEY_LEN);
		ck_assert_msg(md_key_valid(keys[i]), "bad key %s", keys[i]);
		/* A plain test per character: check's assertions cost enough to
		 * time this out on a loaded machine under ASan. */
		for (j = 0; j < MD_KEY_LEN; j++) {
			if (strchr("abcdefghijklmnopqrstuvwxyz234567", keys[i][j]) == NULL)
				ck_abort_msg("bad character in %s", keys[i]);
			seen[(unsigned char)keys[i][j]]++;
		}
	}
	/* Every alphabet letter turns up among the first 25 characters. */
	for (j = 0; j < 32; j++)
		ck_assert_uint_gt(seen[(unsigned char)"abcdefghijklmnopqrstuvwxyz234567"[j]], 0);
	qsort(keys, N, sizeof *keys, cmp_key);
	for (i = 1; i < N; i++)
		ck_assert_msg(strcmp(keys[i - 1], keys[i]) != 0, "duplicate %s", keys[i]);
	free(keys);
}
END_TEST

START_TEST(keygen_bounds)
{
	char out[MD_KEY_LEN + 1];

	memset(out, 'X', sizeof out);
	ck_assert_int_eq(md_keygen(out, MD_KEY_LEN), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(md_keygen(NULL, 64), -1);
	ck_assert_int_eq(md_keygen(out, sizeof out), 0);
	ck_assert_uint_eq(strlen(out), MD_KEY_LEN);
}
END_TEST

static Suite *
keygen_suite(void)
{
	Suite *s = suite_create("keygen");
	TCase *tc = tcase_create("keygen");

	tcase_add_loop_test(tc, base32_rfc4648, 0, sizeof vectors / sizeof vectors[0]);
	tcase_add_test(tc, base32_bytes);
	tcase_add_test(tc, base32_bounds);
	tcase_add_test(tc, random_bytes);
	tcase_add_test(tc, keygen_unique);
	tcase_set_timeout(tc, 30);	/* 10000 getrandom calls under ASan and load */
	tcase_add_test(tc, keygen_bounds);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(keygen_suite)
