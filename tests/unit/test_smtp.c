/* test_smtp.c - libcurl submission against a scripted SMTP peer. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "smtp.h"
#include "smtp_peer.h"
#include "unit.h"

static const char msg[] =
    "From: a@desk.example\r\nTo: c@example.org\r\nSubject: t\r\n\r\n"
    "line one\r\n.leading dot\r\n.\r\nlast\r\n";

static char relay[64];

static struct smtp_peer *
peer(enum peer_mode mode)
{
	struct smtp_peer *p = smtp_peer_start(mode);

	ck_assert_ptr_nonnull(p);
	snprintf(relay, sizeof relay, "smtp://127.0.0.1:%d", smtp_peer_port(p));
	return p;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

START_TEST(sent_and_dot_stuffed)
{
	struct smtp_peer *p = peer(PEER_ACCEPT);
	char err[256] = "x", *data, *from, *to;

	ck_assert_int_eq(md_smtp_send(relay, 5000, "bounce@desk.example",
	    "c@example.org", msg, strlen(msg), err, sizeof err), MD_SMTP_SENT);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(smtp_peer_delivered(p), 1);
	data = smtp_peer_last_data(p);
	from = smtp_peer_last_from(p);
	to = smtp_peer_last_rcpt(p);
	ck_assert_str_eq(data, msg);	/* curl stuffed, the peer unstuffed */
	ck_assert_str_eq(from, "<bounce@desk.example>");
	ck_assert_str_eq(to, "<c@example.org>");
	free(data);
	free(from);
	free(to);
	smtp_peer_stop(p);
}
END_TEST

START_TEST(null_sender_and_missing_crlf)
{
	struct smtp_peer *p = peer(PEER_ACCEPT);
	const char *body = "Subject: x\r\n\r\nno final newline";
	char err[256], *data, *from;

	ck_assert_int_eq(md_smtp_send(relay, 5000, "", "c@example.org",
	    body, strlen(body), err, sizeof err), MD_SMTP_SENT);
	data = smtp_peer_last_data(p);
	from = smtp_peer_last_from(p);
	ck_assert_str_eq(from, "<>");
	ck_assert_str_eq(data, "Subject: x\r\n\r\nno final newline\r\n");
	free(data);
	free(from);
	smtp_peer_stop(p);
}
END_TEST

START_TEST(rcpt_450_is_tempfail)
{
	struct smtp_peer *p = peer(PEER_RCPT_450);
	char err[256];

	ck_assert_int_eq(md_smtp_send(relay, 5000, "b@desk.example",
	    "c@example.org", msg, strlen(msg), err, sizeof err), MD_SMTP_TEMPFAIL);
	ck_assert_str_eq(err, "450 4.2.0 <rcpt>: Recipient address rejected: try later");
	ck_assert_int_eq(smtp_peer_delivered(p), 0);
	smtp_peer_stop(p);
}
END_TEST

START_TEST(rcpt_550_is_permfail_with_reply)
{
	struct smtp_peer *p = peer(PEER_RCPT_550);
	char err[256];

	ck_assert_int_eq(md_smtp_send(relay, 5000, "b@desk.example",
	    "c@example.org", msg, strlen(msg), err, sizeof err), MD_SMTP_PERMFAIL);
	/* both lines of the multi-line reply, not curl's "RCPT failed: 550" */
	ck_assert_str_eq(err, "550 5.1.1 <rcpt>: Recipient address rejected: "
	    "5.1.1 User unknown in local recipient table");
	smtp_peer_stop(p);
}
END_TEST

/* A 5xx to the data refuses the message, not the recipient. */
START_TEST(data_554_is_refused)
{
	struct smtp_peer *p = peer(PEER_DATA_554);
	char err[256];

	ck_assert_int_eq(md_smtp_send(relay, 5000, "b@desk.example",
	    "c@example.org", msg, strlen(msg), err, sizeof err), MD_SMTP_REFUSED);
	ck_assert_str_eq(err, "554 5.7.1 Message rejected: content policy");
	smtp_peer_stop(p);
}
END_TEST

/* A 5xx before RCPT is the relay refusing us: ours to fix, so retried. */
START_TEST(mail_530_is_tempfail)
{
	struct smtp_peer *p = peer(PEER_MAIL_530);
	char err[256];

	ck_assert_int_eq(md_smtp_send(relay, 5000, "b@desk.example",
	    "c@example.org", msg, strlen(msg), err, sizeof err), MD_SMTP_TEMPFAIL);
	ck_assert_str_eq(err, "530 5.7.0 Must issue a STARTTLS command first");
	smtp_peer_stop(p);
}
END_TEST

START_TEST(refused_is_tempfail)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof sin;
	char err[256];
	int fd;

	/* a port that was free a moment ago and has no listener */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	close(fd);
	snprintf(relay, sizeof relay, "smtp://127.0.0.1:%d", ntohs(sin.sin_port));
	ck_assert_int_eq(md_smtp_send(relay, 2000, "b@desk.example",
	    "c@example.org", msg, strlen(msg), err, sizeof err), MD_SMTP_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(err, "onnect"));
}
END_TEST

START_TEST(silent_peer_times_out)
{
	struct smtp_peer *p = peer(PEER_SILENT);
	struct timespec t0;
	char err[256];
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(md_smtp_send(relay, 700, "b@desk.example",
	    "c@example.org", msg, strlen(msg), err, sizeof err), MD_SMTP_TEMPFAIL);
	ms = ms_since(&t0);
	ck_assert_int_ge(ms, 600);
	ck_assert_int_lt(ms, 3000);
	ck_assert_str_ne(err, "");
	smtp_peer_stop(p);
}
END_TEST

/* One submission of msg from b@desk.example to c@example.org. */
static enum md_smtp_result
submit(struct md_smtp *s, char *err, size_t errlen)
{
	return md_smtp_submit(s, relay, 5000, "b@desk.example", "c@example.org",
	    msg, strlen(msg), err, errlen);
}

/* One connection for many mails; curl opens a new one after a failure. */
START_TEST(kept_connection)
{
	struct smtp_peer *p = peer(PEER_ACCEPT);
	struct md_smtp *s = md_smtp_new();
	char err[256];
	int i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(submit(s, err, sizeof err), MD_SMTP_SENT);
	ck_assert_int_eq(smtp_peer_delivered(p), 3);
	ck_assert_int_eq(smtp_peer_sessions(p), 1);
	smtp_peer_set_mode(p, PEER_RCPT_550);
	md_smtp_free(s);	/* QUIT ends the session: the new mode applies */
	s = md_smtp_new();
	ck_assert_int_eq(submit(s, err, sizeof err), MD_SMTP_PERMFAIL);
	smtp_peer_set_mode(p, PEER_ACCEPT);
	ck_assert_int_eq(submit(s, err, sizeof err), MD_SMTP_SENT);
	ck_assert_int_eq(smtp_peer_delivered(p), 4);
	ck_assert_int_eq(smtp_peer_wait_sessions(p, 3, 2000), 3);
	md_smtp_free(s);
	smtp_peer_stop(p);
}
END_TEST

static int commits;

static int
count_commit(void *arg)
{
	(void)arg;
	commits++;
	return 0;
}

static int
refuse_commit_any(void *arg)
{
	(void)arg;
	return -1;
}

static int
refuse_commit(void *arg)
{
	struct smtp_peer *p = arg;

	commits++;
	/* the data is on its way, the final dot is not: nothing new delivered */
	ck_assert_int_eq(smtp_peer_delivered(p), 2);
	return -1;
}

/* The hook runs once per mail, before the final dot; -1 keeps the mail. */
START_TEST(commit_hook_before_the_dot)
{
	struct smtp_peer *p = peer(PEER_ACCEPT);
	struct md_smtp *s = md_smtp_new();
	char err[256];

	commits = 0;
	md_smtp_set_commit(s, count_commit, NULL);
	ck_assert_int_eq(submit(s, err, sizeof err), MD_SMTP_SENT);
	ck_assert_int_eq(md_smtp_submit(s, relay, 5000, "b@desk.example",
	    "c@example.org", "no final newline", 16, err, sizeof err), MD_SMTP_SENT);
	ck_assert_int_eq(commits, 2);
	md_smtp_set_commit(s, refuse_commit, p);
	ck_assert_int_eq(submit(s, err, sizeof err), MD_SMTP_TEMPFAIL);
	ck_assert_int_eq(commits, 3);
	ck_assert_int_eq(smtp_peer_delivered(p), 2);
	md_smtp_free(s);
	smtp_peer_stop(p);
	ck_assert_int_eq(commits, 3);
}
END_TEST

/*
 * A message bigger than curl's upload buffer with lines that need
 * dot-stuffing arrives whole, and the hook still runs once (curl 7.88
 * ended such uploads early when told the size).
 */
START_TEST(large_dotted_message_whole)
{
	struct smtp_peer *p = peer(PEER_ACCEPT);
	struct md_smtp *s = md_smtp_new();
	md_buf m = MD_BUF_INIT;
	char err[256], *data;
	int i, d;

	/*
	 * The case curl 7.88 got wrong when told the size: 64 KiB (its upload
	 * buffer) holding d lines that start with ".", then exactly d more
	 * bytes - the stuffed first buffer alone already "reached" the size.
	 */
	md_buf_puts(&m, "From: a@desk.example\r\nSubject: dots\r\n\r\n");
	for (d = 0; m.len + 64 < 65536 - 8; d++)
		md_buf_printf(&m, ".%061d\r\n", d);
	md_buf_puts(&m, ".");		/* one last dotted line, to 64 KiB */
	while (m.len < 65536 - 2)
		md_buf_puts(&m, "z");
	d++;
	md_buf_puts(&m, "\r\n");
	ck_assert_uint_eq(m.len, 65536);
	for (i = 0; i < d - 2; i++)
		md_buf_puts(&m, "y");
	md_buf_puts(&m, "\r\n");
	ck_assert_uint_gt(m.len, 65536);
	commits = 0;
	md_smtp_set_commit(s, count_commit, NULL);
	ck_assert_int_eq(md_smtp_submit(s, relay, 5000, "b@desk.example",
	    "c@example.org", md_buf_str(&m), m.len, err, sizeof err), MD_SMTP_SENT);
	ck_assert_int_eq(commits, 1);
	data = smtp_peer_last_data(p);
	ck_assert_uint_eq(strlen(data), m.len);
	ck_assert_str_eq(data, md_buf_str(&m));
	free(data);
	md_buf_free(&m);
	md_smtp_free(s);
	smtp_peer_stop(p);
}
END_TEST

/* After the hook: an answer to the data is certain, silence is not. */
START_TEST(uncertain_after_the_dot)
{
	struct smtp_peer *p = peer(PEER_DATA_HANGUP);
	struct md_smtp *s = md_smtp_new();
	char err[256];

	md_smtp_set_commit(s, count_commit, NULL);
	ck_assert_int_eq(submit(s, err, sizeof err), MD_SMTP_TEMPFAIL);
	ck_assert_int_eq(md_smtp_uncertain(s), 1);
	smtp_peer_set_mode(p, PEER_DATA_451);
	ck_assert_int_eq(submit(s, err, sizeof err), MD_SMTP_TEMPFAIL);
	ck_assert_int_eq(md_smtp_uncertain(s), 0);
	ck_assert_ptr_nonnull(strstr(err, "451"));
	md_smtp_set_commit(s, refuse_commit_any, NULL);
	smtp_peer_set_mode(p, PEER_ACCEPT);
	ck_assert_int_eq(submit(s, err, sizeof err), MD_SMTP_TEMPFAIL);
	ck_assert_int_eq(md_smtp_uncertain(s), 0);	/* the hook said no: no "." */
	md_smtp_free(s);
	smtp_peer_stop(p);
}
END_TEST

/* The relay hung up on the kept connection: sent on a new one, once. */
START_TEST(dropped_connection_replaced)
{
	struct smtp_peer *p = peer(PEER_ONE_PER_SESSION);
	struct md_smtp *s = md_smtp_new();
	char err[256];
	int i;

	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(submit(s, err, sizeof err), MD_SMTP_SENT);
		ck_assert_str_eq(err, "");
	}
	ck_assert_int_eq(smtp_peer_delivered(p), 3);
	ck_assert_int_eq(smtp_peer_wait_sessions(p, 3, 2000), 3);
	md_smtp_free(s);
	smtp_peer_stop(p);
}
END_TEST

START_TEST(bad_addresses)
{
	char err[256];

	ck_assert_int_eq(md_smtp_send("smtp://127.0.0.1:1", 1000, "a@b",
	    "x@y\r\nRCPT TO:<evil@z>", msg, strlen(msg), err, sizeof err),
	    MD_SMTP_PERMFAIL);
	ck_assert_int_eq(md_smtp_send("smtp://127.0.0.1:1", 1000, "a@b", "",
	    msg, strlen(msg), err, sizeof err), MD_SMTP_PERMFAIL);
}
END_TEST

static Suite *
smtp_suite(void)
{
	Suite *s = suite_create("smtp");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, sent_and_dot_stuffed);
	tcase_add_test(tc, null_sender_and_missing_crlf);
	tcase_add_test(tc, rcpt_450_is_tempfail);
	tcase_add_test(tc, rcpt_550_is_permfail_with_reply);
	tcase_add_test(tc, data_554_is_refused);
	tcase_add_test(tc, mail_530_is_tempfail);
	tcase_add_test(tc, refused_is_tempfail);
	tcase_add_test(tc, silent_peer_times_out);
	tcase_add_test(tc, bad_addresses);
	tcase_add_test(tc, kept_connection);
	tcase_add_test(tc, dropped_connection_replaced);
	tcase_add_test(tc, commit_hook_before_the_dot);
	tcase_add_test(tc, large_dotted_message_whole);
	tcase_add_test(tc, uncertain_after_the_dot);
	suite_add_tcase(s, tc);
	return s;
}

MD_UNIT_MAIN(smtp_suite)
