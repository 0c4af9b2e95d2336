/*
 * test_tracker_edit.c - reading one issue (md_tracker_get, attachments,
 * raw messages) and what responders change (notes, close/reopen, labels)
 * in a real PostgreSQL, with the mails each change queues.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "issue_rows.h"

/* Outbox rows of acme#iid of one kind. */
static long
queued(const char *kind)
{
	return rows_num("SELECT count(*) FROM outbox WHERE kind = $1 AND state = 'queued'",
	    kind, NULL);
}

START_TEST(get_issue_notes_atts_subs)
{
	struct md_issue_full f;
	long nid;
	char s_nid[24];

	rows_issue(1, "carol@example.org", "Printer jam", "paper stuck", 1000);
	nid = rows_note(1, "customer", "carol@example.org", "still stuck", 1);
	rows_note(1, "internal", "", "ask facilities", 0);
	rows_att(1, 1, 0, "jam.txt", "photo");
	rows_att(1, 2, nid, "again.txt", "second photo");
	free(rows_sql("INSERT INTO participants (issue_id, email, subscribed, reply_key, "
	    "unsub_key) SELECT id, 'aaron@example.org', false, 'ra', 'ua' FROM issues "
	    "WHERE iid = 1", NULL));
	free(rows_sql("UPDATE issues SET labels = '{zeta,alpha}' WHERE iid = 1", NULL));

	ck_assert_msg(md_tracker_get(&st, "acme", 1, &f, err, sizeof err) == 0, "%s", err);
	ck_assert_str_eq(f.issue.project, "acme");
	ck_assert_int_eq(f.issue.iid, 1);
	ck_assert_str_eq(f.issue.title, "Printer jam");
	ck_assert_str_eq(f.issue.description, "paper stuck");
	ck_assert_str_eq(f.issue.customer_email, "carol@example.org");
	ck_assert_str_eq(f.issue.state, "opened");
	ck_assert_str_eq(f.issue.labels, "alpha,zeta");
	ck_assert_str_eq(f.issue.reply_key, "r1");
	ck_assert_str_eq(f.issue.unsub_key, "u1");
	ck_assert_int_eq(f.issue.confidential, 1);
	ck_assert_int_eq(f.issue.created, 1000);
	ck_assert_ptr_null(f.raw);
	ck_assert_uint_eq(f.raw_len, 100);
	ck_assert_uint_eq(f.nnotes, 2);
	ck_assert_str_eq(f.notes[0].kind, "customer");
	ck_assert_str_eq(f.notes[0].text, "still stuck");
	ck_assert_uint_eq(f.notes[0].raw_len, 50);
	ck_assert_ptr_null(f.notes[0].raw);
	ck_assert_str_eq(f.notes[1].kind, "internal");
	ck_assert_uint_eq(f.notes[1].raw_len, 0);
	ck_assert_str_eq(f.notes[1].full_text, "");
	ck_assert_uint_eq(f.natts, 2);
	ck_assert_str_eq(f.atts[0].note, "description");
	ck_assert_str_eq(f.atts[0].filename, "jam.txt");
	ck_assert_uint_eq(f.atts[0].size, 5);
	ck_assert_int_eq(f.atts[0].stored, 1);
	snprintf(s_nid, sizeof s_nid, "%ld", nid);
	ck_assert_str_eq(f.atts[1].note, s_nid);
	ck_assert_str_eq(f.notes[0].id, s_nid);
	ck_assert_uint_eq(f.nsubs, 2);
	ck_assert_str_eq(f.subs[0].email, "carol@example.org");	/* the customer first */
	ck_assert_int_eq(f.subs[0].subscribed, 1);
	ck_assert_int_eq(f.subs[1].subscribed, 0);
	md_issue_full_free(&f);

	ck_assert_int_eq(md_tracker_get(&st, "acme", 2, &f, err, sizeof err), MD_TRK_NOTFOUND);
	ck_assert_str_eq(err, "no such issue acme#2");
	ck_assert_int_eq(md_tracker_get(&st, "other", 1, &f, err, sizeof err), MD_TRK_NOTFOUND);
}
END_TEST

START_TEST(attachment_and_raw_bytes)
{
	struct md_issue_att a;
	char *data, s_nid[24];
	size_t len;
	long nid;

	rows_issue(1, "carol@example.org", "Help", "please", 1000);
	nid = rows_note(1, "customer", "carol@example.org", "more", 1);
	rows_att(1, 1, 0, "a.txt", "hello");
	free(rows_sql("INSERT INTO attachments (issue_id, n, filename, content_type, size, stored) "
	    "SELECT id, 2, 'big.iso', 'application/x-iso', 99999999, false FROM issues", NULL));

	ck_assert_int_eq(md_tracker_attachment(&st, "acme", 1, 1, &a, &data, err, sizeof err), 0);
	ck_assert_str_eq(a.filename, "a.txt");
	ck_assert_str_eq(a.content_type, "text/plain");
	ck_assert_uint_eq(a.size, 5);
	ck_assert_mem_eq(data, "hello", 5);
	free(data);
	md_issue_att_free(&a);
	ck_assert_int_eq(md_tracker_attachment(&st, "acme", 1, 2, &a, &data, err, sizeof err), 0);
	ck_assert_int_eq(a.stored, 0);
	ck_assert_ptr_null(data);
	md_issue_att_free(&a);
	ck_assert_int_eq(md_tracker_attachment(&st, "acme", 1, 2, &a, NULL, err, sizeof err), 0);
	ck_assert_uint_eq(a.size, 99999999);
	md_issue_att_free(&a);
	ck_assert_int_eq(md_tracker_attachment(&st, "acme", 1, 3, &a, &data, err, sizeof err),
	    MD_TRK_NOTFOUND);
	ck_assert_int_eq(md_tracker_attachment(&st, "acme", 2, 1, &a, &data, err, sizeof err),
	    MD_TRK_NOTFOUND);

	ck_assert_int_eq(md_tracker_raw(&st, "acme", 1, NULL, &data, &len, err, sizeof err), 0);
	ck_assert_uint_eq(len, 100);
	ck_assert_int_eq(data[0], 'x');
	free(data);
	snprintf(s_nid, sizeof s_nid, "%ld", nid);
	ck_assert_int_eq(md_tracker_raw(&st, "acme", 1, s_nid, &data, &len, err, sizeof err), 0);
	ck_assert_uint_eq(len, 50);
	ck_assert_int_eq(data[49], 'y');
	free(data);
	ck_assert_int_eq(md_tracker_raw(&st, "acme", 1, "99999", &data, &len, err, sizeof err),
	    MD_TRK_NOTFOUND);
	ck_assert_int_eq(md_tracker_raw(&st, "acme", 1, "1-0", &data, &len, err, sizeof err),
	    MD_TRK_NOTFOUND);
	/* removed by retention: gone, and get says so */
	free(rows_sql("UPDATE raw_messages SET data = NULL", NULL));
	ck_assert_int_eq(md_tracker_raw(&st, "acme", 1, "", &data, &len, err, sizeof err),
	    MD_TRK_NOTFOUND);
	ck_assert_ptr_null(data);
}
END_TEST

START_TEST(notes_public_and_internal)
{
	struct md_issue_full f;
	char nid[32];
	int mailed;

	rows_issue(1, "carol@example.org", "Help", "please", 1000);
	ck_assert_msg(md_tracker_note(&st, &cfg, "acme", 1, "secret", 1, "Dan", nid,
	    sizeof nid, &mailed, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(mailed, 0);
	ck_assert_int_eq(queued("note"), 0);
	ck_assert_msg(md_tracker_note(&st, &cfg, "acme", 1, "Try turning it off", 0, "Dan",
	    nid, sizeof nid, &mailed, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(mailed, 1);
	ck_assert_int_eq(queued("note"), 1);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM outbox WHERE rcpt = 'carol@example.org' "
	    "AND iid = 1 AND project = 'acme'", NULL), 1);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM notes WHERE id = $1::bigint "
	    "AND kind = 'public'", nid, NULL), 1);
	ck_assert_int_eq(md_tracker_note(&st, &cfg, "acme", 9, "x", 0, NULL, NULL, 0, &mailed,
	    err, sizeof err), MD_TRK_NOTFOUND);
	ck_assert_str_eq(err, "no such issue acme#9");
	ck_assert_int_eq(md_tracker_note(&st, &cfg, "acme", 1, "", 0, NULL, NULL, 0, &mailed,
	    err, sizeof err), -1);

	ck_assert_int_eq(md_tracker_get(&st, "acme", 1, &f, err, sizeof err), 0);
	ck_assert_uint_eq(f.nnotes, 2);
	ck_assert_str_eq(f.notes[0].kind, "internal");
	ck_assert_str_eq(f.notes[1].kind, "public");
	ck_assert_str_eq(f.notes[1].author, "Dan");
	ck_assert_str_eq(f.notes[1].text, "Try turning it off");
	ck_assert_int_gt(f.issue.updated, 1000);
	md_issue_full_free(&f);

	/* unsubscribed or bounced: a public note mails nobody */
	free(rows_sql("UPDATE participants SET subscribed = false", NULL));
	ck_assert_int_eq(md_tracker_note(&st, &cfg, "acme", 1, "hello?", 0, NULL, NULL, 0,
	    &mailed, err, sizeof err), 0);
	ck_assert_int_eq(mailed, 0);
	free(rows_sql("UPDATE participants SET subscribed = true", NULL));
	free(rows_sql("INSERT INTO bounced VALUES ('carol@example.org', '550', 1)", NULL));
	ck_assert_int_eq(md_tracker_note(&st, &cfg, "acme", 1, "hello??", 0, NULL, NULL, 0,
	    &mailed, err, sizeof err), 0);
	ck_assert_int_eq(mailed, 0);
	ck_assert_int_eq(queued("note"), 1);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM notes WHERE author = 'Support'", NULL), 2);
}
END_TEST

START_TEST(close_reopen_notify)
{
	int changed, mailed;

	rows_issue(1, "carol@example.org", "Help", "please", 1000);
	free(rows_sql("UPDATE projects SET notify_state = false", NULL));
	ck_assert_msg(md_tracker_set_state(&st, &cfg, "acme", 1, 1, "Dan", &changed, &mailed,
	    err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(mailed, 0);		/* notify_state is off */
	ck_assert_int_eq(rows_num("SELECT count(*) FROM issues WHERE state = 'closed' "
	    "AND closed_at > 0", NULL), 1);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM notes WHERE kind = 'system' "
	    "AND text = 'closed by Dan' AND author = 'Dan'", NULL), 1);
	ck_assert_int_eq(md_tracker_set_state(&st, &cfg, "acme", 1, 1, "Dan", &changed, &mailed,
	    err, sizeof err), 0);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM notes", NULL), 1);

	free(rows_sql("UPDATE projects SET notify_state = true", NULL));
	ck_assert_msg(md_tracker_set_state(&st, &cfg, "acme", 1, 0, NULL, &changed, &mailed,
	    err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(mailed, 1);
	ck_assert_int_eq(queued("reopen"), 1);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM issues WHERE state = 'opened' "
	    "AND closed_at IS NULL", NULL), 1);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM notes WHERE text = 'reopened by Support'",
	    NULL), 1);
	ck_assert_int_eq(md_tracker_set_state(&st, &cfg, "acme", 1, 1, "Dan", &changed, &mailed,
	    err, sizeof err), 0);
	ck_assert_int_eq(mailed, 1);
	ck_assert_int_eq(queued("close"), 1);
	ck_assert_int_eq(md_tracker_set_state(&st, &cfg, "acme", 7, 0, "Dan", &changed, &mailed,
	    err, sizeof err), MD_TRK_NOTFOUND);
}
END_TEST

START_TEST(labels)
{
	int changed;

	rows_issue(1, "carol@example.org", "Help", "please", 1000);
	ck_assert_msg(md_tracker_label(&st, "acme", 1, "zeta", 1, &changed, err, sizeof err) == 0,
	    "%s", err);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(md_tracker_label(&st, "acme", 1, "alpha", 1, &changed, err, sizeof err), 0);
	ck_assert_int_eq(md_tracker_label(&st, "acme", 1, "alpha", 1, &changed, err, sizeof err), 0);
	ck_assert_int_eq(changed, 0);
	md_pgfx_str_eq("SELECT array_to_string(labels, ',') FROM issues", NULL, "alpha,zeta");
	ck_assert_int_eq(md_tracker_label(&st, "acme", 1, "zeta", 0, &changed, err, sizeof err), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(md_tracker_label(&st, "acme", 1, "zeta", 0, &changed, err, sizeof err), 0);
	ck_assert_int_eq(changed, 0);
	md_pgfx_str_eq("SELECT array_to_string(labels, ',') FROM issues", NULL, "alpha");
	/* every change left a note, by "Support" */
	md_pgfx_str_eq("SELECT string_agg(text, '|' ORDER BY id) FROM notes "
	    "WHERE kind = 'system' AND author = 'Support'", NULL,
	    "added label zeta|added label alpha|removed label zeta");
	ck_assert_int_eq(md_tracker_label(&st, "acme", 1, "a,b", 1, &changed, err, sizeof err), -1);
	ck_assert_int_eq(md_tracker_label(&st, "acme", 1, "", 1, &changed, err, sizeof err), -1);
	ck_assert_int_eq(md_tracker_label(&st, "acme", 2, "x", 1, &changed, err, sizeof err),
	    MD_TRK_NOTFOUND);
	ck_assert_int_eq(md_label_valid("tab\there"), 0);
}
END_TEST

START_TEST(ref_parse)
{
	char p[MD_PROJECT_MAX + 1];
	long iid;

	ck_assert_int_eq(md_issue_ref_parse("acme#12", p, sizeof p, &iid), 0);
	ck_assert_str_eq(p, "acme");
	ck_assert_int_eq(iid, 12);
	ck_assert_int_eq(md_issue_ref_parse("acme#0", p, sizeof p, &iid), -1);
	ck_assert_int_eq(md_issue_ref_parse("#3", p, sizeof p, &iid), -1);
	ck_assert_int_eq(md_issue_ref_parse("acme#3x", p, sizeof p, &iid), -1);
}
END_TEST

static Suite *
tracker_edit_suite(void)
{
	Suite *s = suite_create("tracker_edit");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, get_issue_notes_atts_subs);
	tcase_add_test(tc, attachment_and_raw_bytes);
	tcase_add_test(tc, notes_public_and_internal);
	tcase_add_test(tc, close_reopen_notify);
	tcase_add_test(tc, labels);
	tcase_add_test(tc, ref_parse);
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(tracker_edit_suite)
