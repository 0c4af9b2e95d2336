/* test_netlist.c - network lists: parsing, errors, IPv4/IPv6/mapped matching. */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <string.h>

#include "netlist.h"
#include "unit.h"

START_TEST(parse_and_match)
{
	struct md_netlist *nl;
	char err[128] = "";

	nl = md_netlist_parse("127.0.0.0/8, 10.0.0.0/8 ::1/128\t2001:db8::/32,,192.0.2.7",
	    err, sizeof err);
	ck_assert_ptr_nonnull(nl);
	ck_assert_uint_eq(md_netlist_count(nl), 5);
	ck_assert_int_eq(md_netlist_match_str(nl, "127.1.2.3"), 1);
	ck_assert_int_eq(md_netlist_match_str(nl, "10.255.0.1"), 1);
	ck_assert_int_eq(md_netlist_match_str(nl, "11.0.0.1"), 0);
	ck_assert_int_eq(md_netlist_match_str(nl, "192.0.2.7"), 1);
	ck_assert_int_eq(md_netlist_match_str(nl, "192.0.2.8"), 0);
	ck_assert_int_eq(md_netlist_match_str(nl, "::1"), 1);
	ck_assert_int_eq(md_netlist_match_str(nl, "::2"), 0);
	ck_assert_int_eq(md_netlist_match_str(nl, "2001:db8:ffff::1"), 1);
	ck_assert_int_eq(md_netlist_match_str(nl, "2001:db9::1"), 0);
	ck_assert_int_eq(md_netlist_match_str(nl, "::ffff:10.9.9.9"), 1);
	ck_assert_int_eq(md_netlist_match_str(nl, "::ffff:11.9.9.9"), 0);
	ck_assert_int_eq(md_netlist_match_str(nl, "garbage"), 0);
	md_netlist_free(nl);
}
END_TEST

START_TEST(sockaddrs)
{
	struct md_netlist *nl;
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	char err[128];

	nl = md_netlist_parse("198.51.100.0/24 2001:db8:1::/48", err, sizeof err);
	ck_assert_ptr_nonnull(nl);
	memset(&s4, 0, sizeof s4);
	s4.sin_family = AF_INET;
	inet_pton(AF_INET, "198.51.100.200", &s4.sin_addr);
	ck_assert_int_eq(md_netlist_match(nl, (struct sockaddr *)&s4), 1);
	inet_pton(AF_INET, "198.51.101.1", &s4.sin_addr);
	ck_assert_int_eq(md_netlist_match(nl, (struct sockaddr *)&s4), 0);
	memset(&s6, 0, sizeof s6);
	s6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:198.51.100.1", &s6.sin6_addr);
	ck_assert_int_eq(md_netlist_match(nl, (struct sockaddr *)&s6), 1);
	inet_pton(AF_INET6, "2001:db8:1:2::3", &s6.sin6_addr);
	ck_assert_int_eq(md_netlist_match(nl, (struct sockaddr *)&s6), 1);
	inet_pton(AF_INET6, "2001:db8:2::3", &s6.sin6_addr);
	ck_assert_int_eq(md_netlist_match(nl, (struct sockaddr *)&s6), 0);
	ck_assert_int_eq(md_netlist_match(nl, NULL), 0);
	md_netlist_free(nl);
}
END_TEST

START_TEST(edges)
{
	struct md_netlist *nl;
	char err[128];

	nl = md_netlist_parse("", err, sizeof err);
	ck_assert_ptr_nonnull(nl);
	ck_assert_uint_eq(md_netlist_count(nl), 0);
	ck_assert_int_eq(md_netlist_match_str(nl, "127.0.0.1"), 0);
	md_netlist_free(nl);
	nl = md_netlist_parse(NULL, err, sizeof err);
	ck_assert_ptr_nonnull(nl);
	md_netlist_free(nl);
	/* host bits are masked; /0 matches everything of that family */
	nl = md_netlist_parse("10.1.2.3/8 0.0.0.0/0", err, sizeof err);
	ck_assert_int_eq(md_netlist_match_str(nl, "10.200.0.1"), 1);
	ck_assert_int_eq(md_netlist_match_str(nl, "203.0.113.1"), 1);
	ck_assert_int_eq(md_netlist_match_str(nl, "2001:db8::1"), 0);
	md_netlist_free(nl);
}
END_TEST

START_TEST(errors_name_the_token)
{
	static const char *const bad[][2] = {
		{ "127.0.0.0/8, 10.0.0.256/8", "bad network: 10.0.0.256/8" },
		{ "10.0.0.0/33", "bad network: 10.0.0.0/33" },
		{ "::1/129 10.0.0.0/8", "bad network: ::1/129" },
		{ "10.0.0.0/", "bad network: 10.0.0.0/" },
		{ "10.0.0.0/-1", "bad network: 10.0.0.0/-1" },
		{ "10.0.0.0/8x", "bad network: 10.0.0.0/8x" },
		{ "example.org", "bad network: example.org" },
	};
	char err[128];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		ck_assert_ptr_null(md_netlist_parse(bad[i][0], err, sizeof err));
		ck_assert_str_eq(err, bad[i][1]);
	}
}
END_TEST

static Suite *
netlist_suite(void)
{
	Suite *s = suite_create("netlist");
	TCase *tc = tcase_create("netlist");

	tcase_add_test(tc, parse_and_match);
	tcase_add_test(tc, sockaddrs);
	tcase_add_test(tc, edges);
	tcase_add_test(tc, errors_name_the_token);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(netlist_suite)
