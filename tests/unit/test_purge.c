/*
 * test_purge.c - retention (bytes of issues closed long ago) and the
 * erasure of one customer's data, in a real PostgreSQL and Redis (the
 * view's keys).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "issue_rows.h"
#include "view.h"

#define DAY	86400L
#define NOW	(1000L * DAY)

/* Closes acme#iid (or other#iid) at time t. */
static void
closed_at(const char *project, long iid, long t)
{
	char s_iid[24], s_t[24];

	snprintf(s_iid, sizeof s_iid, "%ld", iid);
	snprintf(s_t, sizeof s_t, "%ld", t);
	free(rows_sql("UPDATE issues SET state = 'closed', closed_at = $3::bigint "
	    "WHERE project = $1 AND iid = $2::bigint", project, s_iid, s_t, NULL));
}

START_TEST(retention_of_closed_issues)
{
	struct md_issue_full f;
	long raws, atts, nid;

	free(rows_sql("UPDATE projects SET retention_days = 30", NULL));
	rows_issue(1, "carol@example.org", "old", "closed long ago", 1);
	nid = rows_note(1, "customer", "carol@example.org", "more", 1);
	rows_att(1, 1, 0, "a.txt", "aaaa");
	rows_att(1, 2, nid, "b.txt", "bbbb");
	closed_at("acme", 1, NOW - 40 * DAY);
	rows_issue(2, "dave@example.org", "recent", "closed lately", 1);
	rows_att(2, 1, 0, "c.txt", "cccc");
	closed_at("acme", 2, NOW - 10 * DAY);
	rows_issue(3, "erin@example.org", "open", "never closed", 1);
	rows_issue(4, "fred@example.org", "old too", "closed long ago", 1);
	closed_at("acme", 4, NOW - 50 * DAY);
	/* a project without retention keeps everything */
	free(rows_sql("INSERT INTO projects (name, created) VALUES ('other', 1)", NULL));
	free(rows_sql("INSERT INTO issues (project, iid, title, author, state, closed_at, "
	    "created, updated) VALUES ('other', 1, 't', 'a', 'closed', 1, 1, 1)", NULL));
	free(rows_sql("INSERT INTO raw_messages (issue_id, size, data) SELECT id, 3, 'abc' "
	    "FROM issues WHERE project = 'other'", NULL));

	/* batches: the oldest closed first */
	ck_assert_msg(md_tracker_retention(&st, NOW, 1, &raws, &atts, err, sizeof err) == 0,
	    "%s", err);
	ck_assert_int_eq(raws, 1);		/* acme#4's request */
	ck_assert_int_eq(atts, 0);
	ck_assert_int_eq(md_tracker_retention(&st, NOW, 0, &raws, &atts, err, sizeof err), 0);
	ck_assert_int_eq(raws, 2);		/* acme#1's request and note */
	ck_assert_int_eq(atts, 2);
	ck_assert_int_eq(md_tracker_retention(&st, NOW, 0, &raws, &atts, err, sizeof err), 0);
	ck_assert_int_eq(raws, 0);
	ck_assert_int_eq(atts, 0);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM raw_messages WHERE data IS NOT NULL",
	    NULL), 3);			/* acme#2, acme#3, other#1 */
	ck_assert_int_eq(rows_num("SELECT count(*) FROM attachments WHERE data IS NOT NULL",
	    NULL), 1);

	/* rows and sizes stay; the bytes are gone */
	ck_assert_int_eq(md_tracker_get(&st, "acme", 1, &f, err, sizeof err), 0);
	ck_assert_uint_eq(f.raw_len, 0);
	ck_assert_uint_eq(f.nnotes, 1);
	ck_assert_str_eq(f.notes[0].text, "more");
	ck_assert_uint_eq(f.notes[0].raw_len, 0);
	ck_assert_uint_eq(f.natts, 2);
	ck_assert_uint_eq(f.atts[0].size, 4);
	ck_assert_int_eq(f.atts[0].stored, 0);
	md_issue_full_free(&f);

	/* 21 days later acme#2 is due too */
	ck_assert_int_eq(md_tracker_retention(&st, NOW + 21 * DAY, 0, &raws, &atts, err,
	    sizeof err), 0);
	ck_assert_int_eq(raws, 1);
	ck_assert_int_eq(atts, 1);
}
END_TEST

/* A participant row with keys the view can hold. */
static void
cc(long iid, const char *email, const char *rkey, const char *ukey)
{
	char s_iid[24];

	snprintf(s_iid, sizeof s_iid, "%ld", iid);
	free(rows_sql("INSERT INTO participants (issue_id, email, reply_key, unsub_key) "
	    "SELECT id, $2, $3, $4 FROM issues WHERE project = 'acme' AND iid = $1::bigint",
	    s_iid, email, rkey, ukey, NULL));
}

static long
rkey_exists(const char *key)
{
	redisReply *rep = md_rfx_cmd(&rfx, "EXISTS maildesk:rkey:%s", key);
	long n = rep != NULL ? (long)rep->integer : -1;

	if (rep != NULL)
		freeReplyObject(rep);
	return n;
}

START_TEST(purge_customer)
{
	static const char rk[] = "aaaaaaaaaaaaaaaaaaaaaaaaaa", uk[] = "bbbbbbbbbbbbbbbbbbbbbbbbbb";
	struct md_view_key vk = { rk, uk, "acme", 2, "carol@example.org" };
	struct md_purge_stats ps;
	struct md_issue_filter flt;
	struct md_issue_list l;
	char *v;
	long nid;

	/* carol's own issue; dave's issue with carol in Cc */
	rows_issue(1, "carol@example.org", "Carol's printer", "my address is Elm Street", 1);
	nid = rows_note(1, "customer", "carol@example.org", "zanzibar details", 1);
	rows_att(1, 1, 0, "passport.pdf", "scan");
	rows_att(1, 2, nid, "id.pdf", "scan2");
	rows_note(1, "public", "", "Hello Carol, we are on it", 0);
	rows_issue(2, "dave@example.org", "Dave's issue", "office printer", 1);
	cc(2, "carol@example.org", rk, uk);
	rows_note(2, "customer", "carol@example.org", "zanzibar me too", 1);
	rows_note(2, "system", "", "carol@example.org unsubscribed", 0);
	ck_assert_int_eq(md_view_keys_put(st.redis, &vk, 1, err, sizeof err), 0);
	ck_assert_int_eq(rkey_exists(rk), 1);
	free(rows_sql("INSERT INTO bounced VALUES ('carol@example.org', '550', 1)", NULL));
	free(rows_sql("INSERT INTO unsubscribed VALUES ('carol@example.org', 1)", NULL));
	free(rows_sql("INSERT INTO automail VALUES ('carol@example.org', 1, 3)", NULL));
	free(rows_sql("INSERT INTO automated (mail_from, from_hdr, text, created) VALUES "
	    "('carol@example.org', 'Carol <carol@example.org>', 'out of office', 1), "
	    "('x@example.org', 'x@example.org', 'other', 1)", NULL));
	free(rows_sql("INSERT INTO outbox (project, iid, kind, rcpt, mail_from, message_id, "
	    "data, created, state) VALUES "
	    "('acme', 1, 'note', 'carol@example.org', 'a@d', 'm1', 'Hello Carol', 1, 'queued'), "
	    "('acme', 1, 'note', 'carol@example.org', 'a@d', 'm2', 'Hello Carol', 1, 'sent'), "
	    "('acme', 2, 'note', 'dave@example.org', 'a@d', 'm3', 'Hello Dave', 1, 'queued')",
	    NULL));

	ck_assert_msg(md_tracker_purge_customer(&st, "Carol@Example.org", "admin", &ps, err,
	    sizeof err) == 0, "%s", err);
	ck_assert_int_eq(ps.issues, 1);
	ck_assert_int_eq(ps.notes, 2);
	ck_assert_int_eq(ps.attachments, 2);
	ck_assert_int_eq(ps.raws, 3);		/* request, 2 customer notes */

	/* her issue: kept, erased */
	ck_assert_str_eq((v = rows_sql("SELECT title || '|' || description || '|' || "
	    "customer_name FROM issues WHERE iid = 1", NULL)), "[purged]||");
	free(v);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM issues WHERE customer_email LIKE "
	    "'purged-%@invalid'", NULL), 1);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM notes WHERE text = '[purged]'", NULL), 2);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM notes WHERE text LIKE '%zanzibar%' "
	    "OR author_email = 'carol@example.org'", NULL), 0);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM notes WHERE text LIKE 'purged-%@invalid "
	    "unsubscribed'", NULL), 1);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM raw_messages WHERE data IS NOT NULL",
	    NULL), 1);			/* dave's request */
	ck_assert_int_eq(rows_num("SELECT count(*) FROM attachments WHERE data IS NOT NULL "
	    "OR filename <> '[purged]'", NULL), 0);
	/* the responders' notes stay */
	ck_assert_int_eq(rows_num("SELECT count(*) FROM notes WHERE text LIKE 'Hello Carol%'",
	    NULL), 1);
	/* dave's issue stays */
	ck_assert_int_eq(rows_num("SELECT count(*) FROM issues WHERE title = 'Dave''s issue' "
	    "AND customer_email = 'dave@example.org'", NULL), 1);

	/* nothing anywhere names her */
	ck_assert_int_eq(rows_num("SELECT count(*) FROM participants WHERE email LIKE '%carol%'",
	    NULL), 0);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM participants WHERE subscribed "
	    "AND email LIKE 'purged-%'", NULL), 0);
	ck_assert_int_eq(rows_num("SELECT (SELECT count(*) FROM bounced) + "
	    "(SELECT count(*) FROM unsubscribed) + (SELECT count(*) FROM automail)", NULL), 0);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM automated", NULL), 1);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM outbox WHERE rcpt LIKE '%carol%' "
	    "OR octet_length(data) > 0 AND rcpt NOT LIKE 'dave%'", NULL), 0);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM outbox WHERE state = 'dropped'", NULL), 1);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM outbox WHERE state = 'sent'", NULL), 1);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM outbox WHERE state = 'queued'", NULL), 1);
	/* search no longer finds her words */
	memset(&flt, 0, sizeof flt);
	flt.search = "zanzibar";
	ck_assert_int_eq(md_tracker_list(&st, "acme", &flt, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 0);
	md_issue_list_free(&l);
	flt.search = "elm";
	ck_assert_int_eq(md_tracker_list(&st, "acme", &flt, &l, err, sizeof err), 0);
	ck_assert_int_eq(l.total, 0);
	md_issue_list_free(&l);
	/* her keys left the view (after the commit) */
	ck_assert_int_eq(rkey_exists(rk), 0);

	/* one audit line, with the counts and no address */
	ck_assert_int_eq(rows_num("SELECT count(*) FROM audit_log WHERE actor = 'admin' "
	    "AND action = 'customer purge'", NULL), 1);
	ck_assert_str_eq((v = rows_sql("SELECT detail FROM audit_log", NULL)),
	    "issues=1 notes=2 attachments=2 raws=3");
	free(v);

	/* again: nothing left to erase, still one line more */
	ck_assert_int_eq(md_tracker_purge_customer(&st, "carol@example.org", "admin", &ps, err,
	    sizeof err), 0);
	ck_assert_int_eq(ps.issues + ps.notes + ps.attachments + ps.raws, 0);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM audit_log", NULL), 2);
	ck_assert_int_eq(md_tracker_purge_customer(&st, "not an address", "admin", &ps, err,
	    sizeof err), -1);
}
END_TEST

static Suite *
purge_suite(void)
{
	Suite *s = suite_create("purge");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, retention_of_closed_issues);
	tcase_add_test(tc, purge_customer);
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(purge_suite)
