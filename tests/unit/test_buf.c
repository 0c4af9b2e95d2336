/* test_buf.c - the growable buffer and its sticky error (lib/util/buf.c). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "unit.h"

START_TEST(grows_and_stays_terminated)
{
	md_buf b = MD_BUF_INIT;
	char *s;
	int i;

	ck_assert_str_eq(md_buf_str(&b), "");
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(md_buf_printf(&b, "%d,", i % 10), 0);
	ck_assert_uint_eq(b.len, 2000);
	ck_assert_int_eq(b.data[b.len], '\0');
	ck_assert_int_eq(md_buf_append(&b, "a\0b", 3), 0);
	ck_assert_uint_eq(b.len, 2003);
	ck_assert_int_eq(md_buf_failed(&b), 0);
	s = md_buf_detach(&b);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(strncmp(s, "0,1,2,", 6), 0);
	free(s);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(error_is_sticky)
{
	md_buf b = MD_BUF_INIT;

	ck_assert_int_eq(md_buf_puts(&b, "before "), 0);
	/* An impossible size stands in for malloc failing. */
	ck_assert_int_eq(md_buf_reserve(&b, SIZE_MAX - 2), -1);
	ck_assert_int_eq(md_buf_failed(&b), 1);
	/* Later appends do nothing and fail: the text would have a hole. */
	ck_assert_int_eq(md_buf_puts(&b, "after"), -1);
	ck_assert_int_eq(md_buf_putc(&b, 'x'), -1);
	ck_assert_int_eq(md_buf_printf(&b, "%d", 42), -1);
	ck_assert_str_eq(md_buf_str(&b), "before ");
	ck_assert_ptr_null(md_buf_detach(&b));
	ck_assert_int_eq(md_buf_failed(&b), 0);	/* detach left it empty and usable */
	ck_assert_int_eq(md_buf_puts(&b, "again"), 0);
	ck_assert_str_eq(md_buf_str(&b), "again");
	md_buf_free(&b);
}
END_TEST

START_TEST(reset_clears_the_error)
{
	md_buf b = MD_BUF_INIT;

	ck_assert_int_eq(md_buf_puts(&b, "x"), 0);
	ck_assert_int_eq(md_buf_reserve(&b, SIZE_MAX), -1);
	ck_assert_int_eq(md_buf_failed(&b), 1);
	md_buf_reset(&b);
	ck_assert_int_eq(md_buf_failed(&b), 0);
	ck_assert_int_eq(md_buf_puts(&b, "fresh"), 0);
	ck_assert_str_eq(md_buf_str(&b), "fresh");
	md_buf_free(&b);
}
END_TEST

static Suite *
buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("buf");

	tcase_add_test(tc, grows_and_stays_terminated);
	tcase_add_test(tc, error_is_sticky);
	tcase_add_test(tc, reset_clears_the_error);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(buf_suite)
