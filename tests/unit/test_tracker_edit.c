/*
 * test_tracker_edit.c - what responders do to issues, against a real
 * redis-server: list filters and search, public and internal notes,
 * replies and unsubscribing, close/reopen with notifications, labels.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracker_fixture.h"

START_TEST(list_filters_and_search)
{
	struct md_issue_filter f;
	struct md_issue_list l;
	int changed;

	new_issue("l1@x", "ann@example.org", "Printer jam", "paper stuck");
	new_issue("l2@x", "bob@example.org", "Login fails", "the PRINTER page too");
	new_issue("l3@x", "ann@example.org", "Invoice", "wrong amount");
	ck_assert_int_eq(md_tracker_label(r, "acme", 1, "bug", 1, &changed, err, sizeof err), 0);
	ck_assert_int_eq(md_tracker_label(r, "acme", 3, "bug", 1, &changed, err, sizeof err), 0);
	ck_assert_int_eq(md_tracker_set_state(r, &cfg, "acme", 3, 1, "Dan", &changed, NULL,
	    err, sizeof err), 0);

	memset(&f, 0, sizeof f);
	ck_assert_int_eq(md_tracker_list(r, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 3);
	ck_assert_int_eq(l.opened, 2);
	ck_assert_int_eq(l.closed, 1);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_int_eq(l.items[0].iid, 3);	/* newest first (same second: by iid) */
	md_issue_list_free(&l);

	f.state = "opened";
	ck_assert_int_eq(md_tracker_list(r, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 2);
	md_issue_list_free(&l);

	f.state = "all";
	f.label = "bug";
	ck_assert_int_eq(md_tracker_list(r, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 2);
	md_issue_list_free(&l);

	f.label = NULL;
	f.customer = "ANN@example.org";
	ck_assert_int_eq(md_tracker_list(r, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 2);
	md_issue_list_free(&l);

	f.customer = NULL;
	f.search = "printer";
	ck_assert_int_eq(md_tracker_list(r, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 2);
	ck_assert_int_eq(l.opened, 2);
	md_issue_list_free(&l);

	f.search = NULL;
	f.limit = 1;
	f.offset = 1;
	f.sort_updated = 1;
	ck_assert_int_eq(md_tracker_list(r, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 3);
	ck_assert_uint_eq(l.n, 1);
	md_issue_list_free(&l);

	f.state = "bogus";
	ck_assert_int_eq(md_tracker_list(r, "acme", &f, &l, err, sizeof err), -1);
}
END_TEST

START_TEST(notes_public_and_internal)
{
	struct md_issue_full f;
	char nid[32];
	int mailed;

	new_issue("n1@x", "carol@example.org", "Help", "please");
	num("DEL %s", "maildesk:outbox");
	ck_assert_int_eq(md_tracker_note(r, &cfg, "acme", 1, "secret", 1, "Dan", nid,
	    sizeof nid, &mailed, err, sizeof err), 0);
	ck_assert_int_eq(mailed, 0);
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 0);
	ck_assert_int_eq(md_tracker_note(r, &cfg, "acme", 1, "Try turning it off", 0, "Dan",
	    nid, sizeof nid, &mailed, err, sizeof err), 0);
	ck_assert_int_eq(mailed, 1);
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 1);
	ck_assert_int_eq(md_tracker_note(r, &cfg, "acme", 9, "x", 0, NULL, NULL, 0, &mailed,
	    err, sizeof err), MD_TRK_NOTFOUND);
	ck_assert_str_eq(err, "no such issue acme#9");

	ck_assert_int_eq(md_tracker_get(r, "acme", 1, &f, err, sizeof err), 0);
	ck_assert_uint_eq(f.nnotes, 2);
	ck_assert_str_eq(f.notes[0].kind, "internal");
	ck_assert_str_eq(f.notes[1].kind, "public");
	ck_assert_str_eq(f.notes[1].author, "Dan");
	ck_assert_str_eq(f.notes[1].text, "Try turning it off");
	md_issue_full_free(&f);
}
END_TEST

START_TEST(reply_and_unsubscribe)
{
	struct md_issue_full f;
	struct md_record rec;
	struct md_ingest res;
	int mailed;

	new_issue("r1@x", "carol@example.org", "Help", "please");
	ck_assert_int_eq(md_tracker_get(r, "acme", 1, &f, err, sizeof err), 0);

	mkrec(&rec, "reply", "r2@x", "carol@example.org", "Re: Help", "more details");
	md_record_set(&rec, MD_F_KEY, f.issue.reply_key);
	res = run(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_NOTE);
	ck_assert_int_eq(res.iid, 1);
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_DUP);
	md_record_free(&rec);

	mkrec(&rec, "unsubscribe", "r3@x", "carol@example.org", "unsubscribe", "");
	md_record_set(&rec, MD_F_KEY, f.issue.unsub_key);
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_UNSUBSCRIBED);
	md_record_free(&rec);
	md_issue_full_free(&f);

	ck_assert_int_eq(md_tracker_get(r, "acme", 1, &f, err, sizeof err), 0);
	ck_assert_uint_eq(f.nnotes, 2);
	ck_assert_str_eq(f.notes[0].kind, "customer");
	ck_assert_str_eq(f.notes[0].text, "more details");
	ck_assert_str_eq(f.notes[0].author_email, "carol@example.org");
	ck_assert_ptr_nonnull(strstr(f.notes[0].raw, "more details"));
	ck_assert_str_eq(f.notes[1].kind, "system");
	ck_assert_int_eq(f.subs[0].subscribed, 0);
	md_issue_full_free(&f);
	ck_assert_str_eq(str("GET maildesk:thread:%s%s", "r2@x", ""), "acme#1");

	/* unsubscribed: a public note mails nobody */
	num("DEL %s", "maildesk:outbox");
	ck_assert_int_eq(md_tracker_note(r, &cfg, "acme", 1, "hello?", 0, "Dan", NULL, 0,
	    &mailed, err, sizeof err), 0);
	ck_assert_int_eq(mailed, 0);
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 0);
}
END_TEST

START_TEST(close_reopen_notify)
{
	struct md_issue_list l;
	struct md_issue_filter f;
	int changed, mailed;
	char e[256];

	ck_assert_int_eq(md_project_set(r, "acme", "notify_state", "no", e, sizeof e), 0);
	new_issue("c1@x", "carol@example.org", "Help", "please");
	num("DEL %s", "maildesk:outbox");
	ck_assert_int_eq(md_tracker_set_state(r, &cfg, "acme", 1, 1, "Dan", &changed, &mailed,
	    err, sizeof err), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(mailed, 0);		/* notify_state is off */
	ck_assert_int_eq(md_tracker_set_state(r, &cfg, "acme", 1, 1, "Dan", &changed, &mailed,
	    err, sizeof err), 0);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(num("SISMEMBER maildesk:issues:acme:state:closed %s", "1"), 1);
	ck_assert_int_eq(num("SISMEMBER maildesk:issues:acme:state:opened %s", "1"), 0);

	ck_assert_int_eq(md_project_set(r, "acme", "notify_state", "yes", e, sizeof e), 0);
	ck_assert_int_eq(md_tracker_set_state(r, &cfg, "acme", 1, 0, "Dan", &changed, &mailed,
	    err, sizeof err), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(mailed, 1);
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 1);
	ck_assert_str_eq(outbox_field("kind"), "reopen");
	ck_assert_int_eq(md_tracker_set_state(r, &cfg, "acme", 7, 0, "Dan", &changed, &mailed,
	    err, sizeof err), MD_TRK_NOTFOUND);
	memset(&f, 0, sizeof f);
	f.state = "opened";
	ck_assert_int_eq(md_tracker_list(r, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 1);
	md_issue_list_free(&l);
}
END_TEST

START_TEST(labels)
{
	int changed;

	new_issue("b1@x", "carol@example.org", "Help", "please");
	ck_assert_int_eq(md_tracker_label(r, "acme", 1, "zeta", 1, &changed, err, sizeof err), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(md_tracker_label(r, "acme", 1, "alpha", 1, &changed, err, sizeof err), 0);
	ck_assert_int_eq(md_tracker_label(r, "acme", 1, "alpha", 1, &changed, err, sizeof err), 0);
	ck_assert_int_eq(changed, 0);
	ck_assert_str_eq(str("HGET maildesk:issue:acme:1 %s%s", "labels", ""), "alpha,zeta");
	ck_assert_int_eq(md_tracker_label(r, "acme", 1, "zeta", 0, &changed, err, sizeof err), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_str_eq(str("HGET maildesk:issue:acme:1 %s%s", "labels", ""), "alpha");
	ck_assert_int_eq(num("SCARD %s", "maildesk:issues:acme:label:zeta"), 0);
	ck_assert_int_eq(num("SCARD %s", "maildesk:issues:acme:label:alpha"), 1);
	ck_assert_int_eq(md_tracker_label(r, "acme", 1, "a,b", 1, &changed, err, sizeof err), -1);
	ck_assert_int_eq(md_tracker_label(r, "acme", 1, "", 1, &changed, err, sizeof err), -1);
	ck_assert_int_eq(md_tracker_label(r, "acme", 2, "x", 1, &changed, err, sizeof err),
	    MD_TRK_NOTFOUND);
}
END_TEST

static Suite *
tracker_edit_suite(void)
{
	Suite *s = suite_create("tracker_edit");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, list_filters_and_search);
	tcase_add_test(tc, notes_public_and_internal);
	tcase_add_test(tc, reply_and_unsubscribe);
	tcase_add_test(tc, close_reopen_notify);
	tcase_add_test(tc, labels);
	suite_add_tcase(s, tc);
	return s;
}

MD_RFX_MAIN(tracker_edit_suite)
