/*
 * unit.h - shared scaffolding for the check-based unit tests.
 *
 * The test environment sets CK_TAP_LOG_FILE_NAME=- so check writes TAP to
 * stdout and automake's TAP driver counts each test case.  MD_UNIT_MAIN
 * builds the main() that runs one suite.
 */
#ifndef MD_UNIT_H
#define MD_UNIT_H

#include <check.h>
#include <stdlib.h>

#define MD_UNIT_MAIN(suite_fn)						\
int									\
main(void)								\
{									\
	SRunner *sr = srunner_create(suite_fn());			\
	int failed;							\
									\
	srunner_run_all(sr, CK_SILENT);					\
	failed = srunner_ntests_failed(sr);				\
	srunner_free(sr);						\
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;		\
}

/* Path of a fixture under tests/fixtures, from $top_srcdir (set by make check). */
static inline const char *
md_fixture_dir(void)
{
	const char *top = getenv("top_srcdir");

	return top ? top : ".";
}

#endif
