/*
 * test_lock_order.c - two workers whose reads file replies and new
 * requests in opposite order never wait for each other in a cycle
 * (lib/store/tracker_lock.c).
 *
 * The interleaving is forced, not hoped for: the test's own connection
 * (the gate) holds the row lock of one issue that both reads answer in
 * their middle record, so each worker stops there holding what its first
 * record locked.  Without one lock order worker A holds acme#1 and worker
 * B the project acme when the gate opens, each then wants the other's row,
 * and the deadlock detector fails a record after deadlock_timeout.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tracker_fixture.h"

#define GATE_WAIT_S	20	/* a worker that never blocks fails the test */

static const char *
key_of(const char *email, int unsub)
{
	static char k[2][64];
	static int next;
	char *b = k[next++ % 2];

	snprintf(b, sizeof k[0], "%s", val(unsub ? "SELECT unsub_key FROM participants "
	    "WHERE email = $1" : "SELECT reply_key FROM participants WHERE email = $1",
	    email));
	ck_assert_uint_eq(strlen(b), MD_KEY_LEN);
	return b;
}

/* One record of a worker's read: "new" (a request for acme), "reply" (by
 * email's reply key) or "unsubscribe" (email's unsubscribe key); from:
 * the sender when it is not email. */
struct step {
	const char	*kind;
	const char	*email;
	const char	*from;
};

#define NEW(email)	{ "new", email, NULL }
#define REPLY(email)	{ "reply", email, NULL }
#define UNSUB(email)	{ "unsubscribe", email, NULL }

static void
mkstep(struct md_record *rec, const struct step *s, int w, int j)
{
	char mid[64], rcpt[128];
	const char *key;

	snprintf(mid, sizeof mid, "w%d-%d@example.org", w, j);
	mkrec(rec, s->kind, mid, s->from != NULL ? s->from : s->email, "lock order",
	    "Some text.");
	if (strcmp(s->kind, "new") == 0)
		return;
	key = key_of(s->email, *s->kind == 'u');
	md_record_set(rec, MD_F_KEY, key);
	snprintf(rcpt, sizeof rcpt, "support+%c-%s@desk.example", *s->kind, key);
	md_record_set(rec, MD_F_RCPT, rcpt);
}

/*
 * A worker process filing steps[0..n) as one read; exit status 0 when
 * every record was filed, 1 with the first error on stderr.
 */
static pid_t
worker(int w, const struct step *steps, size_t n)
{
	struct md_record rec[8];
	struct md_ingest_item it[8];
	struct md_store s2;
	char e2[512];
	size_t j;
	pid_t pid;
	int bad = 0;

	ck_assert_uint_le(n, 8);
	if ((pid = fork()) != 0)
		return pid;
	memset(it, 0, sizeof it);
	for (j = 0; j < n; j++) {
		mkstep(&rec[j], &steps[j], w, (int)j);
		it[j].rec = &rec[j];
		it[j].entry_id = "";
	}
	if (md_store_open(&s2, &cfg, 1, e2, sizeof e2) < 0)
		_exit(100);
	md_tracker_ingest_batch(&s2, &cfg, it, n);
	for (j = 0; j < n; j++) {
		if (it[j].rc != 0 && !bad++)
			fprintf(stderr, "worker %d record %zu (%s): %s\n", w, j, steps[j].kind,
			    it[j].err);
		md_record_free(&rec[j]);
	}
	md_store_close(&s2);
	_exit(bad ? 1 : 0);
}

/* Waits until k backends wait for a row lock. */
static void
await_blocked(int k)
{
	time_t until = time(NULL) + GATE_WAIT_S;
	char want[16];

	snprintf(want, sizeof want, "%d", k);
	while (time(NULL) < until) {
		if (strcmp(val("SELECT count(*) FROM pg_stat_activity "
		    "WHERE wait_event_type = 'Lock'", NULL), want) == 0)
			return;
		usleep(20000);
	}
	ck_abort_msg("%d workers never waited at the gate", k);
}

/*
 * Runs worker A with a[], then worker B with b[], while the gate holds the
 * issue of gate_email's request; opens the gate once both wait.  Returns
 * how many workers failed a record.
 */
static int
race(const struct step *a, size_t na, const struct step *b, size_t nb,
    const char *gate_email)
{
	pid_t pid[2];
	int w, status, failed = 0;

	ck_assert_int_eq(md_db_begin(st.db, err, sizeof err), 0);
	sql("SELECT 1 FROM issues WHERE customer_email = $1 FOR UPDATE", gate_email);
	pid[0] = worker(0, a, na);
	await_blocked(1);
	pid[1] = worker(1, b, nb);
	await_blocked(2);
	ck_assert_int_eq(md_db_commit(st.db, err, sizeof err), 0);
	for (w = 0; w < 2; w++) {
		ck_assert_int_eq(waitpid(pid[w], &status, 0), pid[w]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) <= 1,
		    "worker %d: status %d", w, status);
		failed += WEXITSTATUS(status);
	}
	return failed;
}

/* acme#1 by carol with dave in Cc, acme#2 by gina (the gate). */
static void
seed(void)
{
	struct md_record rec;

	cfg.max_auto_mails_per_hour = 0;
	mkrec(&rec, "new", "x@c", "carol@example.org", "X", "x");
	md_record_set(&rec, MD_F_CC, "dave@example.org");
	ck_assert_int_eq(run(&rec).iid, 1);
	md_record_free(&rec);
	ck_assert_int_eq(new_issue("g@c", "gina@example.org", "G", "g").iid, 2);
}

/*
 * A: reply to acme#1, reply to acme#2 (the gate), new request.
 * B: new request, reply to acme#2 (the gate), reply to acme#1.
 * Without the order A holds acme#1 and B the project at the gate.
 */
START_TEST(replies_and_new_requests_crossed)
{
	const struct step a[] = { REPLY("carol@example.org"),
	    REPLY("gina@example.org"), NEW("nina@example.org") };
	const struct step b[] = { NEW("otto@example.org"),
	    REPLY("gina@example.org"), REPLY("carol@example.org") };

	seed();
	ck_assert_int_eq(race(a, 3, b, 3, "gina@example.org"), 0);
	ck_assert_int_eq(num("SELECT count(*) FROM issues", NULL), 4);
	ck_assert_int_eq(num("SELECT last_iid FROM projects", NULL), 4);
	ck_assert_int_eq(num("SELECT count(*) FROM notes WHERE kind = 'customer'", NULL), 4);
}
END_TEST

/*
 * A reply to a closed issue of a project that does not reopen becomes a
 * new request: the issue, then the project.
 * A: dave unsubscribes from acme#1 (closed), the gate, carol answers
 *    acme#1 (a follow-up: the project).
 * B: new request (the project), the gate, carol answers acme#1.
 */
START_TEST(follow_up_of_closed_issue_crossed)
{
	const struct step a[] = { UNSUB("dave@example.org"),
	    REPLY("gina@example.org"), REPLY("carol@example.org") };
	const struct step b[] = { NEW("otto@example.org"),
	    REPLY("gina@example.org"), REPLY("carol@example.org") };

	seed();
	sql("UPDATE projects SET reopen_on_reply = false WHERE name = $1", "acme");
	sql("UPDATE issues SET state = 'closed', closed_at = 1 WHERE customer_email = $1",
	    "carol@example.org");
	ck_assert_int_eq(race(a, 3, b, 3, "gina@example.org"), 0);
	ck_assert_int_eq(num("SELECT count(*) FROM issues WHERE follows = 1", NULL), 2);
	ck_assert_int_eq(num("SELECT count(*) FROM issues", NULL), 5);
}
END_TEST

/*
 * An unsubscribe locks the participant, then notes it on the issue; a
 * reply locks the issue, then the sender's participant row (its chain).
 * A: a stranger answers acme#1 through dave's key (not forwarded, so
 *    carol's row is not touched), the gate, carol answers acme#1.
 * B: carol unsubscribes from acme#1.
 * Without the order B holds carol's row and waits for acme#1, which A
 * holds and wants carol's row for after the gate.
 */
START_TEST(unsubscribe_and_reply_crossed)
{
	const struct step a[] = { { "reply", "dave@example.org", "zed@example.org" },
	    REPLY("gina@example.org"), REPLY("carol@example.org") };
	const struct step b[] = { UNSUB("carol@example.org") };

	seed();
	ck_assert_int_eq(race(a, 3, b, 1, "gina@example.org"), 0);
	ck_assert_int_eq(num("SELECT count(*) FROM participants WHERE NOT subscribed", NULL),
	    1);
	ck_assert_int_eq(num("SELECT count(*) FROM notes WHERE kind = 'customer'", NULL), 3);
}
END_TEST

static Suite *
lock_order_suite(void)
{
	Suite *s = suite_create("lock_order");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, replies_and_new_requests_crossed);
	tcase_add_test(tc, follow_up_of_closed_issue_crossed);
	tcase_add_test(tc, unsubscribe_and_reply_crossed);
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(lock_order_suite)
