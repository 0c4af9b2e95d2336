/* test_purge.c - retention and customer erasure (written next). */
#include "config.h"

#include "issue_rows.h"

START_TEST(placeholder)
{
}
END_TEST

static Suite *
purge_suite(void)
{
	Suite *s = suite_create("purge");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, placeholder);
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(purge_suite)
