/*
 * test_members.c - responders (issue 18) in a real PostgreSQL: the access
 * rule, membership, one assignee, priority, the first-response due time
 * and overdue, title, participants, blocking the sender, "my work", the
 * system note every change leaves, and lib/policy/present.c's issue JSON.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "issue_rows.h"
#include "access.h"
#include "members.h"
#include "present.h"
#include "projects.h"
#include "validate.h"

/* A user row (the password is never checked here). */
static void
user(const char *name, const char *role)
{
	free(rows_sql("INSERT INTO users (name, password, role, created) "
	    "VALUES ($1, 'x', $2, 1)", name, role, NULL));
}

static void
users_and_members(void)
{
	user("root", "admin");
	user("ann", "responder");
	user("bob", "responder");
	user("max", "responder");
	free(rows_sql("INSERT INTO projects (name, created) VALUES ('other', 1)", NULL));
	ck_assert_msg(md_member_set(&st, "acme", "ann", "responder", "root", NULL, err,
	    sizeof err) == 0, "%s", err);
	ck_assert_int_eq(md_member_set(&st, "acme", "max", "maintainer", "root", NULL, err,
	    sizeof err), 0);
}

/* The system notes of acme#iid as "author: text|...". */
static char *
sys_notes(long iid)
{
	char s_iid[24];

	snprintf(s_iid, sizeof s_iid, "%ld", iid);
	return rows_sql("SELECT string_agg(n.author || ': ' || n.text, '|' ORDER BY n.id) "
	    "FROM notes n JOIN issues i ON i.id = n.issue_id WHERE i.iid = $1::bigint "
	    "AND i.project = 'acme' AND n.kind = 'system'", s_iid, NULL);
}

#define NOTES_EQ(iid, want) do {				\
	char *sys_ = sys_notes(iid);				\
	ck_assert_str_eq(sys_, (want));				\
	free(sys_);						\
} while (0)

START_TEST(access_rule)
{
	struct md_user root = { "root", MD_ROLE_ADMIN, 1 };
	struct md_user ann = { "ann", MD_ROLE_RESPONDER, 1 };
	struct md_user bob = { "bob", MD_ROLE_RESPONDER, 1 };
	struct md_user max = { "max", MD_ROLE_RESPONDER, 1 };
	enum md_member_role r;
	char **names;
	int *roles;
	size_t n, k;

	users_and_members();
	ck_assert_int_eq(md_access_issue(&st, NULL, "acme", err, sizeof err), 0);
	ck_assert_int_eq(md_access_issue(&st, &root, "other", err, sizeof err), 0);
	ck_assert_int_eq(md_access_issue(&st, &ann, "acme", err, sizeof err), 0);
	/* a stranger and a project that does not exist: the same answer */
	ck_assert_int_eq(md_access_issue(&st, &bob, "acme", err, sizeof err), MD_TRK_NOTFOUND);
	ck_assert_str_eq(err, "no such project: acme");
	ck_assert_int_eq(md_access_issue(&st, &ann, "nope", err, sizeof err), MD_TRK_NOTFOUND);
	ck_assert_str_eq(err, "no such project: nope");
	ck_assert_int_eq(md_access_issue(&st, &ann, "other", err, sizeof err), MD_TRK_NOTFOUND);
	/* maintainers and admins change settings, responders do not */
	ck_assert_int_eq(md_access_maintain(&st, &ann, "acme", err, sizeof err),
	    MD_ACCESS_DENIED);
	ck_assert_int_eq(md_access_maintain(&st, &max, "acme", err, sizeof err), 0);
	ck_assert_int_eq(md_access_maintain(&st, &root, "acme", err, sizeof err), 0);
	ck_assert_int_eq(md_access_maintain(&st, &bob, "acme", err, sizeof err),
	    MD_TRK_NOTFOUND);
	ck_assert_int_eq(md_access_role(&st, &max, "acme", &r, err, sizeof err), 1);
	ck_assert_str_eq(md_member_role_name(r), "maintainer");
	/* the project list: an admin sees all, a member their own */
	ck_assert_int_eq(md_member_projects(&st, &ann, &names, &roles, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(names[0], "acme");
	ck_assert_int_eq(roles[0], MD_MEMBER_RESPONDER);
	free(names[0]);
	free(names);
	free(roles);
	ck_assert_int_eq(md_member_projects(&st, &root, &names, &roles, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(roles[1], MD_MEMBER_ADMIN);
	for (k = 0; k < n; k++)
		free(names[k]);
	free(names);
	free(roles);
	ck_assert_int_eq(md_member_projects(&st, &bob, &names, &roles, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(membership)
{
	struct md_member *m;
	size_t n;
	int changed;

	users_and_members();
	ck_assert_int_eq(md_member_set(&st, "acme", "ann", "responder", "root", &changed,
	    err, sizeof err), 0);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(md_member_set(&st, "acme", "ann", "maintainer", "root", &changed,
	    err, sizeof err), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(md_member_set(&st, "acme", "ann", "boss", "root", NULL, err,
	    sizeof err), -1);
	ck_assert_int_eq(md_member_set(&st, "acme", "nobody", "responder", "root", NULL, err,
	    sizeof err), MD_TRK_NOTFOUND);
	ck_assert_str_eq(err, "no such user: nobody");
	ck_assert_int_eq(md_member_set(&st, "nope", "ann", "responder", "root", NULL, err,
	    sizeof err), MD_TRK_NOTFOUND);
	ck_assert_int_eq(md_member_list(&st, "acme", &m, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(m[0].user, "ann");
	ck_assert_str_eq(m[0].role, "maintainer");
	ck_assert_str_eq(m[1].user, "max");
	free(m);
	/* who changed membership, and when: the audit log */
	md_pgfx_str_eq("SELECT string_agg(actor || ' ' || detail, '|' ORDER BY id) "
	    "FROM audit_log WHERE action = 'member'", NULL,
	    "root acme: ann responder|root acme: max maintainer|root acme: ann maintainer");
	/* a removed member's open issues lose their assignee, with a note */
	rows_issue(1, "carol@example.org", "Help", "please", 1000);
	ck_assert_int_eq(md_tracker_assign(&st, "acme", 1, "ann", "max", NULL, err,
	    sizeof err), 0);
	ck_assert_int_eq(md_member_set(&st, "acme", "ann", "none", "max", &changed, err,
	    sizeof err), 0);
	ck_assert_int_eq(changed, 1);
	md_pgfx_str_eq("SELECT coalesce(assignee, '-') FROM issues", NULL, "-");
	NOTES_EQ(1, "max: assigned to ann|max: unassigned ann (no longer a member)");
}
END_TEST

START_TEST(assign_take_unassign)
{
	int changed;

	users_and_members();
	rows_issue(1, "carol@example.org", "Help", "please", 1000);
	ck_assert_msg(md_tracker_assign(&st, "acme", 1, "ann", "max", &changed, err,
	    sizeof err) == 0, "%s", err);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(md_tracker_assign(&st, "acme", 1, "ann", "max", &changed, err,
	    sizeof err), 0);
	ck_assert_int_eq(changed, 0);
	/* only members (and admins) own issues */
	ck_assert_int_eq(md_tracker_assign(&st, "acme", 1, "bob", "max", &changed, err,
	    sizeof err), MD_TRK_NOTFOUND);
	ck_assert_str_eq(err, "no such member of acme: bob");
	ck_assert_int_eq(md_tracker_assign(&st, "acme", 1, "root", "root", &changed, err,
	    sizeof err), 0);
	ck_assert_int_eq(md_tracker_assign(&st, "acme", 1, "", "root", &changed, err,
	    sizeof err), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(md_tracker_assign(&st, "acme", 1, NULL, "root", &changed, err,
	    sizeof err), 0);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(md_tracker_assign(&st, "acme", 9, "ann", "ann", &changed, err,
	    sizeof err), MD_TRK_NOTFOUND);
	NOTES_EQ(1, "max: assigned to ann|root: assigned to root (was ann)|root: unassigned root");
}
END_TEST

START_TEST(priority_labels_title_notes)
{
	char title[4 * 256 + 1], *big;
	int changed, i;

	users_and_members();
	rows_issue(1, "carol@example.org", "Help", "please", 1000);
	ck_assert_int_eq(md_tracker_set_priority(&st, "acme", 1, "urgent", "ann", &changed,
	    err, sizeof err), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(md_tracker_set_priority(&st, "acme", 1, "soon", "ann", &changed,
	    err, sizeof err), -1);
	ck_assert_int_eq(md_tracker_label_by(&st, "acme", 1, "billing", 1, "ann", &changed,
	    err, sizeof err), 0);
	ck_assert_int_eq(md_tracker_set_title(&st, "acme", 1, "Printer jam", "ann", &changed,
	    err, sizeof err), 0);
	ck_assert_int_eq(changed, 1);
	md_pgfx_str_eq("SELECT title || ' ' || priority || ' ' || (search IS NULL)::text "
	    "FROM issues", NULL, "Printer jam urgent true");
	ck_assert_int_eq(md_tracker_set_title(&st, "acme", 1, "", "ann", NULL, err,
	    sizeof err), -1);
	ck_assert_str_eq(err, "the title is empty");
	ck_assert_int_eq(md_tracker_set_title(&st, "acme", 1, "a\tb", "ann", NULL, err,
	    sizeof err), -1);
	ck_assert_int_eq(md_tracker_set_title(&st, "acme", 1, "\xff", "ann", NULL, err,
	    sizeof err), -1);
	/* 255 characters (of two bytes each) are a title, 256 are not */
	for (i = 0; i < 256; i++)
		memcpy(title + 2 * i, "\xc3\xa9", 2);
	title[2 * 256] = '\0';
	ck_assert_int_eq(md_tracker_set_title(&st, "acme", 1, title, "ann", NULL, err,
	    sizeof err), -1);
	ck_assert_str_eq(err, "the title is longer than 255 characters");
	NOTES_EQ(1, "ann: priority urgent (was normal)|ann: added label billing|"
	    "ann: changed title from \"Help\" to \"Printer jam\"");
	title[2 * 255] = '\0';
	ck_assert_int_eq(md_tracker_set_title(&st, "acme", 1, title, "ann", NULL, err,
	    sizeof err), 0);
	md_pgfx_str_eq("SELECT char_length(title) FROM issues", NULL, "255");
	ck_assert_int_eq(md_priority_valid("high"), 1);
	ck_assert_int_eq(md_priority_valid("High"), 0);
	/* one size limit of a note for the CLI and the web UI (lib) */
	big = malloc(MD_NOTE_MAX + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', MD_NOTE_MAX + 1);
	ck_assert_ptr_null(md_note_text_problem(big, MD_NOTE_MAX));
	ck_assert_str_eq(md_note_text_problem(big, MD_NOTE_MAX + 1),
	    "the note text is longer than 1 MiB");
	free(big);
}
END_TEST

START_TEST(due_overdue_first_response)
{
	struct md_issue_filter f;
	struct md_issue_list l;
	struct md_issue_full full;
	long now = (long)time(NULL), secs;
	char s_now[24];

	users_and_members();
	rows_issue(1, "carol@example.org", "Old", "x", now - 7200);
	rows_issue(2, "dave@example.org", "New", "x", now - 60);
	/* no target: no due time, nothing overdue */
	ck_assert_int_eq(md_tracker_get(&st, "acme", 1, &full, err, sizeof err), 0);
	ck_assert_int_eq(full.issue.due, 0);
	ck_assert_int_eq(full.issue.overdue, 0);
	md_issue_full_free(&full);
	ck_assert_msg(md_project_set(&st, "acme", "first_response", "1h", err, sizeof err) == 0,
	    "%s", err);
	ck_assert_int_eq(md_project_set(&st, "acme", "first_response", "soon", err,
	    sizeof err), -1);
	ck_assert_int_eq(md_tracker_get(&st, "acme", 1, &full, err, sizeof err), 0);
	ck_assert_int_eq(full.issue.due, now - 7200 + 3600);
	ck_assert_int_eq(full.issue.overdue, 1);
	md_issue_full_free(&full);
	memset(&f, 0, sizeof f);
	f.overdue = 1;
	ck_assert_int_eq(md_tracker_list(&st, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(l.items[0].iid, 1);
	md_issue_list_free(&l);
	/* an internal note does not stop the clock, a public reply does */
	ck_assert_int_eq(md_tracker_note(&st, &cfg, "acme", 1, "looking", 1, "ann", NULL, 0,
	    NULL, err, sizeof err), 0);
	md_pgfx_str_eq("SELECT coalesce(first_response_at, 0) FROM issues WHERE iid = 1",
	    NULL, "0");
	ck_assert_int_eq(md_tracker_note(&st, &cfg, "acme", 1, "on it", 0, "ann", NULL, 0,
	    NULL, err, sizeof err), 0);
	snprintf(s_now, sizeof s_now, "%ld", now);
	ck_assert_int_eq(rows_num("SELECT (first_response_at >= $1::bigint)::int FROM issues "
	    "WHERE iid = 1", s_now, NULL), 1);
	ck_assert_int_eq(md_tracker_list(&st, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_uint_eq(l.n, 0);
	md_issue_list_free(&l);
	ck_assert_int_eq(md_duration_parse("30m", &secs), 0);
	ck_assert_int_eq(secs, 1800);
	ck_assert_int_eq(md_duration_parse("2d", &secs), 0);
	ck_assert_int_eq(secs, 172800);
	ck_assert_int_eq(md_duration_parse("off", &secs), 0);
	ck_assert_int_eq(secs, 0);
	ck_assert_int_eq(md_duration_parse("8x", &secs), -1);
	ck_assert_int_eq(md_duration_parse("-1h", &secs), -1);
}
END_TEST

START_TEST(list_filters_and_mywork)
{
	struct md_issue_filter f;
	struct md_issue_list l;
	long now = (long)time(NULL);

	users_and_members();
	free(rows_sql("UPDATE projects SET first_response = 3600", NULL));
	rows_issue(1, "a@example.org", "Mine", "printer", now - 100);
	rows_issue(2, "b@example.org", "Nobody's", "printer", now - 5000);
	rows_issue(3, "c@example.org", "Max's", "printer", now - 50);
	ck_assert_int_eq(md_tracker_assign(&st, "acme", 1, "ann", "ann", NULL, err,
	    sizeof err), 0);
	ck_assert_int_eq(md_tracker_assign(&st, "acme", 3, "max", "max", NULL, err,
	    sizeof err), 0);
	ck_assert_int_eq(md_tracker_set_priority(&st, "acme", 3, "high", "max", NULL, err,
	    sizeof err), 0);
	memset(&f, 0, sizeof f);
	f.assignee = "ann";
	ck_assert_int_eq(md_tracker_list(&st, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.items[0].assignee, "ann");
	md_issue_list_free(&l);
	f.assignee = "";
	ck_assert_int_eq(md_tracker_list(&st, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(l.items[0].iid, 2);
	md_issue_list_free(&l);
	f.assignee = NULL;
	f.priority = "high";
	f.search = "printer";	/* the filters hold in a search too */
	ck_assert_int_eq(md_tracker_list(&st, "acme", &f, &l, err, sizeof err), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(l.items[0].iid, 3);
	md_issue_list_free(&l);
	/* ann's work: her issue and the unassigned one, oldest due first */
	ck_assert_int_eq(md_tracker_mywork(&st, "ann", 0, 0, &l, err, sizeof err), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_int_eq(l.items[0].iid, 2);
	ck_assert_int_eq(l.items[0].overdue, 1);
	ck_assert_int_eq(l.items[1].iid, 1);
	md_issue_list_free(&l);
	/* bob is in no project: nothing */
	ck_assert_int_eq(md_tracker_mywork(&st, "bob", 0, 0, &l, err, sizeof err), 0);
	ck_assert_uint_eq(l.n, 0);
	md_issue_list_free(&l);
}
END_TEST

START_TEST(participants_and_block)
{
	redisReply *rep;
	char entry[400], *key;
	int changed;

	users_and_members();
	rows_issue(1, "carol@example.org", "Help", "please", 1000);
	ck_assert_msg(md_tracker_participant(&st, &cfg, "acme", 1, "Dan@Example.ORG", 1,
	    "ann", &changed, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(md_tracker_participant(&st, &cfg, "acme", 1, "dan@example.org", 1,
	    "ann", &changed, err, sizeof err), 0);
	ck_assert_int_eq(changed, 0);
	/* the new subscriber's reply key is in the milter's view */
	key = md_pgfx_value("SELECT reply_key FROM participants WHERE email = "
	    "'dan@example.org'", NULL);
	rep = md_rfx_cmd(&rfx, "HGET maildesk:rkey:%s email", key);
	free(key);
	ck_assert_ptr_nonnull(rep);
	ck_assert_str_eq(rep->str != NULL ? rep->str : "", "dan@example.org");
	freeReplyObject(rep);
	ck_assert_int_eq(md_tracker_participant(&st, &cfg, "acme", 1, "x@desk.example", 1,
	    "ann", NULL, err, sizeof err), -1);
	ck_assert_int_eq(md_tracker_participant(&st, &cfg, "acme", 1, "carol@example.org", 0,
	    "ann", NULL, err, sizeof err), -1);
	ck_assert_int_eq(md_tracker_participant(&st, &cfg, "acme", 1, "dan@example.org", 0,
	    "ann", &changed, err, sizeof err), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(rows_num("SELECT count(*) FROM participants", NULL), 1);
	ck_assert_msg(md_tracker_block_sender(&st, "acme", 1, "max", entry, sizeof entry,
	    &changed, err, sizeof err) == 0, "%s", err);
	ck_assert_str_eq(entry, "carol@example.org");
	ck_assert_int_eq(changed, 1);
	md_pgfx_str_eq("SELECT entry FROM sender_lists WHERE list = 'block'", NULL,
	    "carol@example.org");
	rep = md_rfx_cmd(&rfx, "SISMEMBER maildesk:project:acme:block carol@example.org");
	ck_assert_int_eq(rep->integer, 1);
	freeReplyObject(rep);
	NOTES_EQ(1, "ann: added participant dan@example.org|"
	    "ann: removed participant dan@example.org|max: blocked sender carol@example.org");
}
END_TEST

START_TEST(present_issue_json)
{
	struct md_issue_full f;
	md_buf b = MD_BUF_INIT;
	struct md_json j;

	users_and_members();
	rows_issue(1, "carol@example.org", "Help", "please", 1000);
	ck_assert_int_eq(md_tracker_assign(&st, "acme", 1, "ann", "ann", NULL, err,
	    sizeof err), 0);
	ck_assert_int_eq(md_tracker_get(&st, "acme", 1, &f, err, sizeof err), 0);
	md_json_init(&j, &b);
	md_present_issue(&j, &f.issue, 0);
	ck_assert_int_eq(md_json_error(&j), 0);
	ck_assert_ptr_nonnull(strstr(md_buf_str(&b), "\"assignee\":\"ann\",\"priority\":"
	    "\"normal\",\"due\":null,\"overdue\":false,\"first_response_at\":null"));
	ck_assert_ptr_null(strstr(md_buf_str(&b), "\"description\""));
	md_buf_reset(&b);
	md_json_init(&j, &b);
	md_json_open_object(&j);
	md_present_issue_parts(&j, &f);
	md_json_close_object(&j);
	ck_assert_ptr_nonnull(strstr(md_buf_str(&b), "\"has_raw\":true}"));
	md_buf_free(&b);
	md_issue_full_free(&f);
}
END_TEST

static Suite *
members_suite(void)
{
	Suite *s = suite_create("members");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, access_rule);
	tcase_add_test(tc, membership);
	tcase_add_test(tc, assign_take_unassign);
	tcase_add_test(tc, priority_labels_title_notes);
	tcase_add_test(tc, due_overdue_first_response);
	tcase_add_test(tc, list_filters_and_mywork);
	tcase_add_test(tc, participants_and_block);
	tcase_add_test(tc, present_issue_json);
	suite_add_tcase(s, tc);
	return s;
}

MD_PGFX_MAIN(members_suite)
