/*
 * test_doctor_mta.c - the pieces of `maildesk doctor` that read MTA
 * settings (Postfix's smtpd_milters, socket names in three spellings) and
 * the milter protocol probe, byte for byte, against a stand-in milter on a
 * unix socket.  The probe against the real maildesk-milter is in
 * tests/e2e/doctor.sh.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doctor.h"
#include "doctor_milter_addr.h"
#include "milter_probe.h"
#include "unit.h"

START_TEST(milters_plain_list)
{
	struct md_pf_milter m[4];

	ck_assert_int_eq(md_pf_milters_parse("inet:127.0.0.1:8891, unix:/x.sock  inet:h:9", m, 4), 3);
	ck_assert_str_eq(m[0].address, "inet:127.0.0.1:8891");
	ck_assert_str_eq(m[1].address, "unix:/x.sock");
	ck_assert_str_eq(m[2].address, "inet:h:9");
	ck_assert_str_eq(m[0].default_action, "");
	ck_assert_int_eq(md_pf_milters_parse("", m, 4), 0);
	ck_assert_int_eq(md_pf_milters_parse("  , ", m, 4), 0);
}
END_TEST

START_TEST(milters_braces)
{
	struct md_pf_milter m[4];

	ck_assert_int_eq(md_pf_milters_parse("inet:localhost:8892 { inet:127.0.0.1:8891, "
	    "default_action=tempfail, connect_timeout=10s, command_timeout=30s },"
	    "{unix:/a,default_action=accept}", m, 4), 3);
	ck_assert_str_eq(m[0].address, "inet:localhost:8892");
	ck_assert_str_eq(m[1].address, "inet:127.0.0.1:8891");
	ck_assert_str_eq(m[1].default_action, "tempfail");
	ck_assert_str_eq(m[2].address, "unix:/a");
	ck_assert_str_eq(m[2].default_action, "accept");
	/* An unclosed brace is an error, more entries than room are cut. */
	ck_assert_int_eq(md_pf_milters_parse("{ inet:h:1, default_action=tempfail", m, 4), -1);
	ck_assert_int_eq(md_pf_milters_parse("a b c d e f", m, 4), 4);
}
END_TEST

START_TEST(socket_names)
{
	/* Postfix writes inet:host:port, we write inet:port@host. */
	ck_assert_int_eq(md_pf_milter_matches("inet:127.0.0.1:8891", "inet:8891@127.0.0.1", NULL), 1);
	ck_assert_int_eq(md_pf_milter_matches("inet:localhost:8891", "inet:8891@127.0.0.1", NULL), 1);
	ck_assert_int_eq(md_pf_milter_matches("inet:[::1]:8891", "inet6:8891@[::1]", NULL), 1);
	ck_assert_int_eq(md_pf_milter_matches("inet:127.0.0.1:8892", "inet:8891@127.0.0.1", NULL), 0);
	ck_assert_int_eq(md_pf_milter_matches("inet:10.0.0.1:8891", "inet:8891@127.0.0.1", NULL), 0);
	/* A milter on every address is reached on any. */
	ck_assert_int_eq(md_pf_milter_matches("inet:10.0.0.1:8891", "inet:8891", NULL), 1);
	ck_assert_int_eq(md_pf_milter_matches("inet:10.0.0.1:8891", "inet:8891@0.0.0.0", NULL), 1);
	/* Unix sockets, and the chrooted smtpd's name relative to queue_directory. */
	ck_assert_int_eq(md_pf_milter_matches("unix:/run/m.sock", "unix:/run/m.sock", NULL), 1);
	ck_assert_int_eq(md_pf_milter_matches("/run/m.sock", "local:/run/m.sock", NULL), 1);
	ck_assert_int_eq(md_pf_milter_matches("unix:/maildesk/milter.sock",
	    "unix:/var/spool/postfix/maildesk/milter.sock", "/var/spool/postfix"), 1);
	ck_assert_int_eq(md_pf_milter_matches("unix:/maildesk/milter.sock",
	    "unix:/var/spool/postfix/maildesk/milter.sock", NULL), 0);
	ck_assert_int_eq(md_pf_milter_matches("unix:/run/m.sock", "inet:8891@127.0.0.1", NULL), 0);
	ck_assert_int_eq(md_pf_milter_matches("garbage", "inet:8891@127.0.0.1", NULL), 0);
}
END_TEST

/* ---- the probe against a stand-in milter ----------------------------------------- */

struct standin {
	int		 lfd;
	unsigned char	 got[17];	/* what the probe sent */
	unsigned char	 quit[5];
	const unsigned char *answer;
	size_t		 alen;
	int		 silent;	/* read, never answer */
};

static void *
serve(void *arg)
{
	struct standin *s = arg;
	size_t n = 0;
	ssize_t r;
	int fd;

	if ((fd = accept(s->lfd, NULL, NULL)) < 0)
		return NULL;
	while (n < sizeof s->got && (r = read(fd, s->got + n, sizeof s->got - n)) > 0)
		n += (size_t)r;
	if (s->silent) {
		usleep(500 * 1000);
	} else {
		if (write(fd, s->answer, s->alen) != (ssize_t)s->alen)
			abort();
		n = 0;
		/* A complete answer is followed by QUIT; after a cut one we hang up. */
		while (s->alen >= 17 && n < sizeof s->quit && (r = read(fd, s->quit + n, sizeof s->quit - n)) > 0)
			n += (size_t)r;
	}
	close(fd);
	return NULL;
}

/* Runs the probe against a stand-in answering answer[0..alen). */
static int
probe(struct standin *s, struct md_milter_probe_result *res, char *err, size_t errlen)
{
	char path[64], spec[80];
	struct sockaddr_un sun;
	pthread_t th;
	int rc;

	snprintf(path, sizeof path, "/tmp/md-probe-%d.sock", (int)getpid());
	unlink(path);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	ck_assert_int_ge(s->lfd = socket(AF_UNIX, SOCK_STREAM, 0), 0);
	ck_assert_int_eq(bind(s->lfd, (struct sockaddr *)&sun, sizeof sun), 0);
	ck_assert_int_eq(listen(s->lfd, 1), 0);
	ck_assert_int_eq(pthread_create(&th, NULL, serve, s), 0);
	snprintf(spec, sizeof spec, "unix:%s", path);
	rc = md_milter_probe(spec, 300, res, err, errlen);
	pthread_join(th, NULL);
	close(s->lfd);
	unlink(path);
	return rc;
}

START_TEST(probe_optneg)
{
	static const unsigned char want[17] = { 0, 0, 0, 13, 'O', 0, 0, 0, 6,
	    0, 0, 0x01, 0xff, 0, 0x1f, 0xff, 0xff };
	static const unsigned char answer[] = { 0, 0, 0, 13, 'O', 0, 0, 0, 6,
	    0, 0, 0, 0x18, 0, 0, 0x03, 0x00 };
	struct md_milter_probe_result res;
	struct standin s = { .answer = answer, .alen = sizeof answer };
	char err[256] = "";

	ck_assert_msg(probe(&s, &res, err, sizeof err) == 0, "%s", err);
	ck_assert_mem_eq(s.got, want, sizeof want);
	ck_assert_int_eq(res.version, 6);
	ck_assert_int_eq(res.actions, 0x18);
	ck_assert_int_eq(res.protocol, 0x300);
	/* ... and says goodbye: SMFIC_QUIT. */
	ck_assert_mem_eq(s.quit, "\0\0\0\1Q", 5);
}
END_TEST

START_TEST(probe_wrong_answers)
{
	static const unsigned char reject[] = { 0, 0, 0, 1, 'r' };
	static const unsigned char huge[] = { 0, 0x10, 0, 0, 'O' };
	static const unsigned char cut[] = { 0, 0, 0, 13, 'O', 0, 0 };
	struct md_milter_probe_result res;
	struct standin s = { .answer = reject, .alen = sizeof reject };
	char err[256] = "";

	ck_assert_int_eq(probe(&s, &res, err, sizeof err), -1);
	ck_assert_str_eq(err, "answered 'r' (0x72), not option negotiation");
	memset(&s, 0, sizeof s);
	s.answer = huge;
	s.alen = sizeof huge;
	ck_assert_int_eq(probe(&s, &res, err, sizeof err), -1);
	ck_assert_str_eq(err, "option negotiation answer of 1048576 bytes");
	memset(&s, 0, sizeof s);
	s.answer = cut;
	s.alen = sizeof cut;
	ck_assert_int_eq(probe(&s, &res, err, sizeof err), -1);
	ck_assert_str_eq(err, "connection closed by the milter (reading the answer)");
	memset(&s, 0, sizeof s);
	s.silent = 1;
	ck_assert_int_eq(probe(&s, &res, err, sizeof err), -1);
	ck_assert_str_eq(err, "no answer within 300 ms (reading the answer)");
}
END_TEST

START_TEST(probe_no_milter)
{
	struct md_milter_probe_result res;
	char err[256];

	ck_assert_int_eq(md_milter_probe("unix:/nonexistent/m.sock", 300, &res, err, sizeof err), -1);
	ck_assert_str_eq(err, "connect /nonexistent/m.sock: No such file or directory");
	ck_assert_int_eq(md_milter_probe("tcp:8891", 300, &res, err, sizeof err), -1);
	ck_assert_str_eq(err, "cannot read the socket address \"tcp:8891\"");
	ck_assert_int_eq(md_milter_probe("inet:x@127.0.0.1", 300, &res, err, sizeof err), -1);
}
END_TEST

static Suite *
doctor_mta_suite(void)
{
	Suite *s = suite_create("doctor_mta");
	TCase *tc = tcase_create("doctor_mta");

	tcase_add_test(tc, milters_plain_list);
	tcase_add_test(tc, milters_braces);
	tcase_add_test(tc, socket_names);
	tcase_add_test(tc, probe_optneg);
	tcase_add_test(tc, probe_wrong_answers);
	tcase_add_test(tc, probe_no_milter);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(doctor_mta_suite)
