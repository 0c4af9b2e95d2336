/*
 * test_notify.c - responders' notifications and their answers by email,
 * against a real PostgreSQL and redis-server (lib/store/notify.h): who is told
 * of a new request, a reply, an assignment (preferences, membership, never
 * the customer, never twice, never for automated mail), the mail itself
 * (tag, trimmed text, link, the two answer addresses), answers through
 * the reply and comment keys (public comment mailed to the customer with
 * the signature, internal note), and the answers that are not posted
 * (forged or unauthenticated From:, another address, not a member).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"
#include "tracker_int.h"
#include "tracker_fixture.h"
#include "users.h"
#include "view.h"

/* A user (password hash irrelevant here) with address and preference. */
static void
user(const char *name, const char *email, const char *notify, int member)
{
	char q[512];

	snprintf(q, sizeof q, "INSERT INTO users (name, password, role, created, email, "
	    "notify) VALUES ($1, 'x', 'responder', 1, '%s', '%s')", email, notify);
	sql(q, name);
	if (member)
		sql("INSERT INTO project_members (project, username, role, created) "
		    "VALUES ('acme', $1, 'responder', 1)", name);
}

/* ann (all), bob (mine), carl (all, not a member), dan (no address),
 * eve (none). */
static void
team(void)
{
	user("ann", "ann@team.example", "all", 1);
	user("bob", "bob@team.example", "mine", 1);
	user("carl", "carl@team.example", "all", 0);
	user("dan", "", "all", 1);
	user("eve", "eve@team.example", "none", 1);
}

static long long
notifies(void)
{
	return num("SELECT count(*) FROM outbox WHERE kind = 'notify'", NULL);
}

/* The rcpt of the notify mails, space separated, sorted. */
static const char *
notified(void)
{
	return val("SELECT coalesce(string_agg(rcpt, ' ' ORDER BY rcpt), '') FROM outbox "
	    "WHERE kind = 'notify'", NULL);
}

/* The newest notify mail's text. */
static const char *
last_notify(void)
{
	return val("SELECT convert_from(data, 'UTF8') FROM outbox WHERE kind = 'notify' "
	    "ORDER BY id DESC LIMIT 1", NULL);
}

static const char *
rkey(const char *user, int comment)
{
	static char k[2][64];
	char *v = md_pgfx_value(comment ? "SELECT comment_key FROM responder_keys WHERE "
	    "username = $1 ORDER BY issue_id DESC LIMIT 1" : "SELECT reply_key FROM "
	    "responder_keys WHERE username = $1 ORDER BY issue_id DESC LIMIT 1", user);

	snprintf(k[comment], sizeof k[0], "%s", v);
	free(v);
	ck_assert_uint_eq(strlen(k[comment]), MD_KEY_LEN);
	return k[comment];
}

/* A responder's answer through key, as the milter records it. */
static struct md_ingest
answer(const char *key, const char *msgid, const char *from, const char *auth,
    const char *text)
{
	struct md_record rec;
	struct md_ingest res;

	mkrec(&rec, "reply", msgid, from, "Re: New request: Printer [acme#1]", text);
	md_record_set(&rec, MD_F_KEY, key);
	md_record_setf(&rec, MD_F_RCPT, "support+r-%s@desk.example", key);
	md_record_set(&rec, MD_F_FROM_NAME, "Ann");
	md_record_set(&rec, MD_F_SENDER_AUTH, auth);
	res = run(&rec);
	md_record_free(&rec);
	return res;
}

/* The team, and carol's acme#1 with its mails taken out of the outbox. */
static void
filed(void)
{
	team();
	ck_assert_int_eq(new_issue("req@c", "carol@example.org", "Printer", "x").kind,
	    MD_INGEST_CREATED);
	sql("DELETE FROM outbox", NULL);
}

static const char *
last_note(const char *col)
{
	char q[128];

	snprintf(q, sizeof q, "SELECT %s FROM notes ORDER BY id DESC LIMIT 1", col);
	return val(q, NULL);
}

START_TEST(new_request_notifies_members_who_want_it)
{
	struct md_record rec;
	const char *m;
	char want[128];

	team();
	mkrec(&rec, "new", "req@c", "carol@example.org", "Printer",
	    "It burns.\n\nOn Monday Bob wrote:\n> old stuff\n> more old stuff\n");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_CREATED);
	ck_assert_str_eq(notified(), "ann@team.example");
	m = last_notify();
	ck_assert_ptr_nonnull(strstr(m, "Subject: New request: Printer [acme#1]"));
	ck_assert_ptr_nonnull(strstr(m, "It burns."));
	ck_assert_ptr_null(strstr(m, "old stuff"));		/* trimmed */
	ck_assert_ptr_nonnull(strstr(m, "https://desk.example/acme/issues/1"));
	snprintf(want, sizeof want, "Reply-To: support+r-%s@desk.example", rkey("ann", 0));
	ck_assert_ptr_nonnull(strstr(m, want));
	snprintf(want, sizeof want, "support+r-%s@desk.example", rkey("ann", 1));
	ck_assert_ptr_nonnull(strstr(m, want));
	ck_assert_ptr_nonnull(strstr(m, "Auto-Submitted: auto-generated"));
	ck_assert_str_eq(val("SELECT event FROM notifications", NULL), "new:1");
	/* a replay is a duplicate and mails nobody again */
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_DUP);
	ck_assert_int_eq(notifies(), 1);
	md_record_free(&rec);
	/* the keys are in the milter's view like reply keys */
	ck_assert_int_eq(md_pgfx_num("SELECT count(*) FROM responder_keys", NULL), 1);
}
END_TEST

START_TEST(automated_spam_and_customer_are_never_notified)
{
	struct md_record rec;

	team();
	/* a triage rule assigns everything to bob: not even "assigned to you" */
	sql("INSERT INTO triage_rules (project, position, field, match, pattern, assign, "
	    "created) VALUES ('acme', 1, 'body', 'substring', '.', $1, 1)", "bob");
	/* automated mail a project accepts (automated_policy accept) */
	mkrec(&rec, "new", "auto@c", "robot@example.org", "Out of office", "Away.");
	md_record_set(&rec, MD_F_AUTO_REASON, "Auto-Submitted: auto-replied");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_CREATED);
	md_record_free(&rec);
	ck_assert_str_eq(val("SELECT assignee FROM issues WHERE message_id = $1", "auto@c"),
	    "bob");
	mkrec(&rec, "new", "spam@c", "spammer@example.org", "Cheap", "Buy.");
	md_record_set(&rec, MD_F_FLAGS, "spam");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_CREATED);
	md_record_free(&rec);
	/* ann writes to the desk herself: she is the customer */
	ck_assert_int_eq(new_issue("own@c", "ann@team.example", "Mine", "x").kind,
	    MD_INGEST_CREATED);
	ck_assert_int_eq(notifies(), 0);
}
END_TEST

START_TEST(replies_go_to_the_assignee_or_to_all)
{
	struct md_record rec;

	team();
	ck_assert_int_eq(new_issue("req@c", "carol@example.org", "Printer", "x").kind,
	    MD_INGEST_CREATED);
	ck_assert_int_eq(notifies(), 1);
	/* unassigned: members who want all */
	mkrec(&rec, "new", "r1@c", "carol@example.org", "Re: Printer [acme#1]",
	    "Still burning.\n\n> x\n");
	md_record_set(&rec, MD_F_IN_REPLY_TO, "req@c");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_NOTE);
	md_record_free(&rec);
	ck_assert_int_eq(notifies(), 2);
	ck_assert_ptr_nonnull(strstr(last_notify(), "Still burning."));
	ck_assert_ptr_nonnull(strstr(last_notify(), "Subject: Reply: Printer [acme#1]"));
	/* assigned to bob (mine): bob only */
	sql("UPDATE issues SET assignee = $1", "bob");
	mkrec(&rec, "new", "r2@c", "carol@example.org", "Re: Printer [acme#1]", "Help!");
	md_record_set(&rec, MD_F_IN_REPLY_TO, "req@c");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_NOTE);
	md_record_free(&rec);
	ck_assert_int_eq(notifies(), 3);
	ck_assert_str_eq(val("SELECT rcpt FROM outbox WHERE kind = 'notify' ORDER BY id "
	    "DESC LIMIT 1", NULL), "bob@team.example");
	/* eve (none) gets nothing even when assigned */
	sql("UPDATE issues SET assignee = $1", "eve");
	mkrec(&rec, "new", "r3@c", "carol@example.org", "Re: Printer [acme#1]", "Hello?");
	md_record_set(&rec, MD_F_IN_REPLY_TO, "req@c");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_NOTE);
	md_record_free(&rec);
	ck_assert_int_eq(notifies(), 3);
}
END_TEST

START_TEST(assignment_notifies_the_assignee_once)
{
	int changed;

	filed();
	ck_assert_msg(md_tracker_assign(&st, "acme", 1, "bob", "ann", &changed, err,
	    sizeof err) == 0, "%s", err);
	ck_assert_str_eq(notified(), "bob@team.example");
	ck_assert_ptr_nonnull(strstr(last_notify(), "Subject: Assigned to you: Printer "
	    "[acme#1]"));
	ck_assert_ptr_nonnull(strstr(last_notify(), "assigned to you by ann"));
	/* taking it yourself tells you nothing */
	ck_assert_int_eq(md_tracker_assign(&st, "acme", 1, "ann", "ann", &changed, err,
	    sizeof err), 0);
	ck_assert_int_eq(notifies(), 1);
}
END_TEST

/* A triage rule assigns the new request: its assignee gets "assigned to
 * you" and not "new request" too; the others who want all get the latter. */
START_TEST(triage_assignment_makes_one_mail_per_responder)
{
	team();
	sql("UPDATE users SET notify = 'all' WHERE name = $1", "bob");
	sql("INSERT INTO triage_rules (project, position, field, match, pattern, assign, "
	    "created) VALUES ('acme', 1, 'subject', 'substring', 'Printer', $1, 1)", "bob");
	ck_assert_int_eq(new_issue("req@c", "carol@example.org", "Printer", "x").kind,
	    MD_INGEST_CREATED);
	ck_assert_str_eq(notified(), "ann@team.example bob@team.example");
	ck_assert_str_eq(val("SELECT string_agg(username || ' ' || split_part(event, ':', 1), "
	    "', ' ORDER BY username) FROM notifications", NULL), "ann new, bob assign");
}
END_TEST

START_TEST(reply_key_posts_a_public_comment_with_signature)
{
	struct md_ingest res;
	const char *m;

	filed();
	sql("UPDATE users SET signature = 'Ann from Acme' WHERE name = $1", "ann");
	res = answer(rkey("ann", 0), "a1@team", "ann@team.example", "yes",
	    "Unplug it.\n\nOn Mon, 1 Dec 2026, Support <support+acme@desk.example> "
	    "wrote:\n> New request acme#1\n> x\n");
	ck_assert_int_eq(res.kind, MD_INGEST_NOTE);
	ck_assert_int_eq(res.iid, 1);
	ck_assert_str_eq(last_note("kind"), "public");
	ck_assert_str_eq(last_note("author"), "ann");
	ck_assert_str_eq(last_note("via"), "email");
	ck_assert_str_eq(last_note("text"), "Unplug it.\n\nAnn from Acme");
	ck_assert_int_eq(outbox_count(), 1);
	ck_assert_str_eq(outbox(0, "rcpt"), "carol@example.org");
	ck_assert_str_eq(outbox(0, "kind"), "note");
	m = outbox(0, "data");
	ck_assert_ptr_nonnull(strstr(m, "Unplug it."));
	ck_assert_ptr_nonnull(strstr(m, "Ann from Acme"));
	ck_assert_ptr_null(strstr(m, "New request acme#1"));
	ck_assert_int_ne(num("SELECT coalesce(first_response_at, 0) FROM issues", NULL), 0);
	/* the same mail again is a duplicate */
	res = answer(rkey("ann", 0), "a1@team", "ann@team.example", "yes", "Unplug it.");
	ck_assert_int_eq(res.kind, MD_INGEST_DUP);
	ck_assert_int_eq(outbox_count(), 1);
}
END_TEST

START_TEST(comment_key_makes_an_internal_note)
{
	filed();
	ck_assert_int_eq(answer(rkey("ann", 1), "c1@team", "Ann@Team.example", "yes",
	    "Customer is on the old firmware.").kind, MD_INGEST_NOTE);
	ck_assert_str_eq(last_note("kind"), "internal");
	ck_assert_str_eq(last_note("author"), "ann");
	ck_assert_str_eq(last_note("text"), "Customer is on the old firmware.");
	ck_assert_int_eq(outbox_count(), 0);
}
END_TEST

START_TEST(unproven_answers_are_not_posted)
{
	filed();
	/* forged: ann's address, not authenticated */
	ck_assert_int_eq(answer(rkey("ann", 0), "f1@evil", "ann@team.example", "no",
	    "Send me all the data.").kind, MD_INGEST_NOTE);
	ck_assert_str_eq(val("SELECT kind || ' ' || flags || ' ' || via FROM notes WHERE "
	    "text = 'Send me all the data.'", NULL), "internal unverified_responder email");
	ck_assert_ptr_nonnull(strstr(last_note("text"), "not authenticated"));
	/* authenticated, but not ann's registered address */
	ck_assert_int_eq(answer(rkey("ann", 0), "f2@evil", "mallory@evil.example", "yes",
	    "Me too.").kind, MD_INGEST_NOTE);
	ck_assert_str_eq(val("SELECT flags FROM notes WHERE text = 'Me too.'", NULL),
	    "unverified_responder");
	ck_assert_ptr_nonnull(strstr(last_note("text"), "not ann's registered address"));
	/* the tenth public answer by email within the hour is the last one */
	sql("INSERT INTO notes (issue_id, project, author, kind, text, via, created) "
	    "SELECT id, project, $1, 'public', 'earlier', 'email', "
	    "extract(epoch FROM now())::bigint FROM issues, generate_series(1, 10)", "ann");
	ck_assert_int_eq(answer(rkey("ann", 0), "l1@team", "ann@team.example", "yes",
	    "Looping?").kind, MD_INGEST_NOTE);
	ck_assert_str_eq(val("SELECT flags FROM notes WHERE text = 'Looping?'", NULL),
	    "unverified_responder");
	ck_assert_ptr_nonnull(strstr(last_note("text"), "mail loop protection"));
	/* no longer a member */
	sql("DELETE FROM project_members WHERE username = $1", "ann");
	ck_assert_int_eq(answer(rkey("ann", 0), "f3@team", "ann@team.example", "yes",
	    "Late.").kind, MD_INGEST_NOTE);
	ck_assert_str_eq(val("SELECT flags FROM notes WHERE text = 'Late.'", NULL),
	    "unverified_responder");
	ck_assert_int_eq(outbox_count(), 0);
	ck_assert_int_eq(num("SELECT count(*) FROM notes WHERE kind = 'public' AND "
	    "text <> 'earlier'", NULL), 0);
}
END_TEST

START_TEST(web_and_cli_notes_carry_the_signature)
{
	int mailed;

	team();
	ck_assert_int_eq(md_user_set_prefs(&st, "ann", NULL, NULL, "Ann\r\nAcme", err,
	    sizeof err), 0);
	ck_assert_int_eq(new_issue("req@c", "carol@example.org", "Printer", "x").kind,
	    MD_INGEST_CREATED);
	ck_assert_msg(md_tracker_note(&st, &cfg, "acme", 1, "Try again.", 0, "ann", NULL,
	    0, &mailed, err, sizeof err) == 0, "%s", err);
	ck_assert_str_eq(last_note("text"), "Try again.\n\nAnn\nAcme");
	ck_assert_int_eq(mailed, 1);
	/* internal notes and authors without a signature: as written */
	ck_assert_int_eq(md_tracker_note(&st, &cfg, "acme", 1, "Hm.", 1, "ann", NULL, 0,
	    NULL, err, sizeof err), 0);
	ck_assert_str_eq(last_note("text"), "Hm.");
	ck_assert_int_eq(md_tracker_note(&st, &cfg, "acme", 1, "Ok.", 0, "bob", NULL, 0,
	    NULL, err, sizeof err), 0);
	ck_assert_str_eq(last_note("text"), "Ok.");
}
END_TEST

START_TEST(preferences_are_checked)
{
	struct md_user_prefs p;

	team();
	ck_assert_int_eq(md_user_set_prefs(&st, "bob", "Bob.New@Team.Example", "none",
	    NULL, err, sizeof err), 0);
	ck_assert_int_eq(md_user_prefs_get(&st, "bob", &p, err, sizeof err), 1);
	ck_assert_str_eq(p.email, "bob.new@team.example");
	ck_assert_str_eq(p.notify, "none");
	md_user_prefs_free(&p);
	/* taken, the desk's own, not an address, a bad preference: nothing changes */
	ck_assert_int_eq(md_user_set_prefs(&st, "bob", "ann@team.example", NULL, NULL,
	    err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "another user"));
	ck_assert_int_eq(md_user_set_prefs(&st, "bob", "support+acme@desk.example", NULL,
	    NULL, err, sizeof err), -1);
	ck_assert_int_eq(md_user_set_prefs(&st, "bob", "nobody", NULL, NULL, err,
	    sizeof err), -1);
	ck_assert_int_eq(md_user_set_prefs(&st, "bob", "x@y.example", "loud", NULL, err,
	    sizeof err), -1);
	ck_assert_int_eq(md_user_set_prefs(&st, "nosuch", NULL, "all", NULL, err,
	    sizeof err), -1);
	ck_assert_int_eq(md_user_prefs_get(&st, "bob", &p, err, sizeof err), 1);
	ck_assert_str_eq(p.email, "bob.new@team.example");
	md_user_prefs_free(&p);
	/* "" removes the address */
	ck_assert_int_eq(md_user_set_prefs(&st, "bob", "", NULL, NULL, err, sizeof err), 0);
	md_pgfx_str_eq("SELECT email FROM users WHERE name = $1", "bob", "");
}
END_TEST

/* The milter reads <p>rkey:<key> "project" at RCPT: the responder keys must
 * be there after filing and survive a view rebuild. */
START_TEST(keys_live_in_the_view)
{
	struct md_view_stats vs;
	redisReply *rep;
	char key[80];
	const char *argv[3] = { "HGET", key, "project" };

	team();
	ck_assert_int_eq(new_issue("req@c", "carol@example.org", "Printer", "x").kind,
	    MD_INGEST_CREATED);
	ck_assert_msg(md_view_rebuild(&st, &vs, err, sizeof err) == 0, "%s", err);
	snprintf(key, sizeof key, "%srkey:%s", md_redis_prefix(st.redis), rkey("ann", 1));
	rep = md_redis_cmdv(st.redis, 3, argv, NULL);
	ck_assert_ptr_nonnull(rep);
	ck_assert_int_eq(rep->type, REDIS_REPLY_STRING);
	ck_assert_str_eq(rep->str, "acme");
	freeReplyObject(rep);
	/* the user goes, the keys leave the view */
	ck_assert_int_eq(md_user_del(&st, "ann", err, sizeof err), 0);
	rep = md_redis_cmdv(st.redis, 3, argv, NULL);
	ck_assert_ptr_nonnull(rep);
	ck_assert_int_eq(rep->type, REDIS_REPLY_NIL);
	freeReplyObject(rep);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("notify");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, new_request_notifies_members_who_want_it);
	tcase_add_test(tc, automated_spam_and_customer_are_never_notified);
	tcase_add_test(tc, replies_go_to_the_assignee_or_to_all);
	tcase_add_test(tc, assignment_notifies_the_assignee_once);
	tcase_add_test(tc, triage_assignment_makes_one_mail_per_responder);
	tcase_add_test(tc, reply_key_posts_a_public_comment_with_signature);
	tcase_add_test(tc, comment_key_makes_an_internal_note);
	tcase_add_test(tc, unproven_answers_are_not_posted);
	tcase_add_test(tc, web_and_cli_notes_carry_the_signature);
	tcase_add_test(tc, preferences_are_checked);
	tcase_add_test(tc, keys_live_in_the_view);
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(suite)
