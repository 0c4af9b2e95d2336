/* test_record.c - record fields: names, binary values, argv round trip. */
#include "config.h"

#include <string.h>

#include "record.h"
#include "unit.h"

START_TEST(names_roundtrip)
{
	int i;

	for (i = 0; i < MD_F_COUNT; i++) {
		const char *n = md_record_field_name((enum md_field)i);

		ck_assert_int_eq(md_record_field_by_name(n, strlen(n)), i);
	}
	ck_assert_int_eq(md_record_field_by_name("nope", 4), -1);
	ck_assert_str_eq(md_record_field_name(MD_F_SUBJECT), "subject");
}
END_TEST

START_TEST(binary_values_roundtrip)
{
	struct md_record a, b;
	const char *argv[2 * MD_F_COUNT];
	size_t lens[2 * MD_F_COUNT];
	static const char raw[] = "Subject: x\r\n\r\nnul\0here";
	int n;

	md_record_init(&a);
	md_record_init(&b);
	ck_assert_int_eq(md_record_set(&a, MD_F_SUBJECT, "Grüße"), 0);
	ck_assert_int_eq(md_record_setn(&a, MD_F_RAW, raw, sizeof raw - 1), 0);
	ck_assert_int_eq(md_record_setf(&a, MD_F_SCORE, "%.1f", 2.5), 0);
	ck_assert_str_eq(md_record_get(&a, MD_F_FROM), "");
	n = md_record_to_argv(&a, argv, lens, 2 * MD_F_COUNT);
	ck_assert_int_eq(n, 2 * MD_F_COUNT);
	ck_assert_int_eq(md_record_from_pairs(&b, (size_t)n, argv, lens), 0);
	ck_assert_str_eq(md_record_get(&b, MD_F_SUBJECT), "Grüße");
	ck_assert_str_eq(md_record_get(&b, MD_F_SCORE), "2.5");
	ck_assert_uint_eq(md_record_len(&b, MD_F_RAW), sizeof raw - 1);
	ck_assert(memcmp(md_record_get(&b, MD_F_RAW), raw, sizeof raw - 1) == 0);
	md_record_free(&a);
	md_record_free(&b);
}
END_TEST

START_TEST(unknown_fields_ignored)
{
	struct md_record r;
	const char *items[] = { "future_field", "x", "kind", "new", "odd" };
	size_t lens[] = { 12, 1, 4, 3, 3 };

	md_record_init(&r);
	ck_assert_int_eq(md_record_from_pairs(&r, 5, items, lens), 0);
	ck_assert_str_eq(md_record_get(&r, MD_F_KIND), "new");
	md_record_free(&r);
}
END_TEST

static Suite *
record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("record");

	tcase_add_test(tc, names_roundtrip);
	tcase_add_test(tc, binary_values_roundtrip);
	tcase_add_test(tc, unknown_fields_ignored);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(record_suite)
