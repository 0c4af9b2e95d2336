/*
 * test_conversation.c - the email conversation against a real
 * redis-server: Cc participants, per-subscriber threading, replies found
 * by key, Message-ID and subject tag, trimming, sender mismatch, replies
 * to closed issues, re-subscribing, the automatic-mail cap and bounces.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tracker_fixture.h"

/* Field name of outbox entry idx (0 = oldest) into a static buffer. */
static const char *
outbox(int idx, const char *name)
{
	static char buf[16384];
	redisReply *rep = md_redis_cmd(r, "XRANGE maildesk:outbox - +");
	const redisReply *fl;
	size_t k;

	buf[0] = '\0';
	ck_assert(rep != NULL && rep->type == REDIS_REPLY_ARRAY);
	ck_assert_msg((size_t)idx < rep->elements, "outbox has %zu entries", rep->elements);
	fl = rep->element[idx]->element[1];
	for (k = 0; k + 1 < fl->elements; k += 2)
		if (strcmp(fl->element[k]->str, name) == 0)
			snprintf(buf, sizeof buf, "%s", fl->element[k + 1]->str);
	freeReplyObject(rep);
	return buf;
}

/* The value of header h in outbox entry idx ("" if none). */
static const char *
header(int idx, const char *h)
{
	static char val[1024];
	const char *d = outbox(idx, "data"), *p;
	size_t n = strlen(h);

	val[0] = '\0';
	for (p = d; p != NULL && *p != '\0' && !(p[0] == '\r' && p[1] == '\n'); ) {
		if (strncasecmp(p, h, n) == 0 && p[n] == ':') {
			sscanf(p + n + 1, " %1023[^\r]", val);
			break;
		}
		p = strstr(p, "\r\n");
		if (p != NULL)
			p += 2;
	}
	return val;
}

/* tracker_fixture.h's record without display name and score. */
static void
mkmail(struct md_record *rec, const char *kind, const char *msgid,
    const char *from, const char *subject, const char *text)
{
	mkrec(rec, kind, msgid, from, subject, text);
	md_record_set(rec, MD_F_FROM_NAME, "");
	md_record_set(rec, MD_F_FROM, "");
	md_record_set(rec, MD_F_SCORE, "");
}

/* carol opens acme#1 with dave and eve in Cc. */
static void
request(void)
{
	struct md_record rec;

	mkmail(&rec, "new", "req@c", "carol@example.org", "Printer", "It burns.");
	md_record_set(&rec, MD_F_CC, "Dave@Example.org, support+acme@desk.example, "
	    "carol@example.org, dave@example.org, eve@example.org");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_CREATED);
	md_record_free(&rec);
}

static const char *
key_of(const char *email, int unsub)
{
	static char k[64];
	const char *v = str("HGET maildesk:issue:acme:1:keys %s%s", email, "");

	ck_assert(strlen(v) == 53);
	snprintf(k, sizeof k, "%.26s", unsub ? v + 27 : v);
	return k;
}

START_TEST(participants_and_threading)
{
	char conf[256], rk[64], vrp[128];
	int mailed;

	request();
	ck_assert_int_eq(num("HLEN %s", "maildesk:issue:acme:1:subscribers"), 3);
	ck_assert_str_eq(str("HGET maildesk:issue:acme:1:subscribers %s%s",
	    "dave@example.org", ""), "subscribed");
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 1);	/* confirmation to carol only */
	snprintf(conf, sizeof conf, "%s", outbox(0, "message_id"));
	snprintf(rk, sizeof rk, "%s", key_of("carol@example.org", 0));
	snprintf(vrp, sizeof vrp, "support+r-%s@desk.example", rk);
	ck_assert_str_eq(outbox(0, "mail_from"), vrp);		/* VERP */

	ck_assert_int_eq(md_tracker_note(r, &cfg, "acme", 1, "Unplug it.", 0, "Dan", NULL, 0,
	    &mailed, err, sizeof err), 0);
	ck_assert_int_eq(mailed, 3);
	/* carol's mail answers her confirmation and lists request + confirmation */
	for (int i = 1; i <= 3; i++) {
		if (strcmp(outbox(i, "rcpt"), "carol@example.org") == 0) {
			char want[300];

			snprintf(want, sizeof want, "<%s>", conf);
			ck_assert_str_eq(header(i, "In-Reply-To"), want);
			snprintf(want, sizeof want, "<req@c> <%s>", conf);
			ck_assert_str_eq(header(i, "References"), want);
			ck_assert_ptr_nonnull(strstr(header(i, "Reply-To"), rk));
		} else {
			ck_assert_str_eq(header(i, "In-Reply-To"), "<req@c>");
			ck_assert_ptr_null(strstr(header(i, "Reply-To"), rk));
		}
	}
}
END_TEST

START_TEST(reply_by_message_id_and_tag)
{
	struct md_issue_full f;
	struct md_record rec;
	struct md_ingest res;
	char conf[256];

	request();
	snprintf(conf, sizeof conf, "%s", outbox(0, "message_id"));
	num("DEL %s", "maildesk:outbox");

	/* a "new" mail whose In-Reply-To is our confirmation */
	mkmail(&rec, "new", "rep1@c", "carol@example.org", "Re: Printer [acme#1]",
	    "Thanks!\n\nOn Mon, Carol wrote:\n> It burns.\n");
	md_record_set(&rec, MD_F_IN_REPLY_TO, conf);
	res = run(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_NOTE);
	ck_assert_int_eq(res.iid, 1);
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_DUP);
	md_record_free(&rec);
	/* forwarded to dave and eve, not back to carol */
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 2);
	ck_assert_str_eq(outbox(0, "kind"), "forward");
	ck_assert_str_ne(outbox(0, "rcpt"), "carol@example.org");
	ck_assert_str_ne(outbox(1, "rcpt"), "carol@example.org");

	/* subject tag from a subscriber: a note; from a stranger: a new issue */
	mkmail(&rec, "new", "rep2@d", "dave@example.org", "Re: Printer [acme#1]", "Me too.");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_NOTE);
	md_record_free(&rec);
	mkmail(&rec, "new", "rep3@m", "mallory@example.org", "Re: Printer [acme#1]", "Hi");
	res = run(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_CREATED);
	ck_assert_int_eq(res.iid, 2);
	md_record_free(&rec);
	/* the last tag is ours: "Re: <customer's subject> [acme#n]" */
	mkmail(&rec, "new", "rep4@m", "mallory@example.org",
	    "Re: About [acme#1] [acme#2]", "More");
	res = run(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_NOTE);
	ck_assert_int_eq(res.iid, 2);
	md_record_free(&rec);

	ck_assert_int_eq(md_tracker_get(r, "acme", 1, &f, err, sizeof err), 0);
	ck_assert_uint_eq(f.nnotes, 3);		/* Cc system note + 2 answers */
	ck_assert_str_eq(f.notes[1].kind, "customer");
	ck_assert_str_eq(f.notes[1].text, "Thanks!");
	ck_assert_ptr_nonnull(strstr(f.notes[1].full_text, "> It burns."));
	ck_assert_str_eq(f.notes[1].flags, "");
	ck_assert_str_eq(f.notes[2].author_email, "dave@example.org");
	md_issue_full_free(&f);
}
END_TEST

START_TEST(key_from_stranger_flagged)
{
	struct md_issue_full f;
	struct md_record rec;

	request();
	num("DEL %s", "maildesk:outbox");
	mkmail(&rec, "reply", "x1@m", "mallory@example.org", "Re: Printer", "Buy pills");
	md_record_set(&rec, MD_F_KEY, key_of("carol@example.org", 0));
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_NOTE);
	md_record_free(&rec);
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 0);	/* not passed on */
	ck_assert_int_eq(md_tracker_get(r, "acme", 1, &f, err, sizeof err), 0);
	ck_assert_str_eq(f.notes[f.nnotes - 1].flags, "sender_mismatch");
	ck_assert_str_eq(f.issue.customer_email, "carol@example.org");
	md_issue_full_free(&f);
}
END_TEST

START_TEST(closed_issue_reopen_or_new)
{
	struct md_issue_full f;
	struct md_record rec;
	struct md_ingest res;
	int changed;

	request();
	ck_assert_int_eq(md_tracker_set_state(r, &cfg, "acme", 1, 1, "Dan", &changed, NULL,
	    err, sizeof err), 0);
	num("DEL %s", "maildesk:outbox");
	/* reopen_on_reply (the default) */
	mkmail(&rec, "reply", "a1@c", "carol@example.org", "Re: Printer", "Again!");
	md_record_set(&rec, MD_F_KEY, key_of("carol@example.org", 0));
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_NOTE);
	md_record_free(&rec);
	ck_assert_str_eq(str("HGET maildesk:issue:acme:1 %s%s", "state", ""), "opened");
	ck_assert_str_eq(outbox(0, "kind"), "notice");
	ck_assert_str_eq(outbox(0, "rcpt"), "carol@example.org");
	ck_assert_ptr_nonnull(strstr(outbox(0, "data"), "Your reply reopened this ticket."));

	/* reopen_on_reply = no: a new issue that follows the old one */
	ck_assert_int_eq(md_project_set(r, "acme", "reopen_on_reply", "no", err, sizeof err), 0);
	ck_assert_int_eq(md_tracker_set_state(r, &cfg, "acme", 1, 1, "Dan", &changed, NULL,
	    err, sizeof err), 0);
	num("DEL %s", "maildesk:outbox");
	mkmail(&rec, "reply", "a2@c", "carol@example.org", "Re: Printer",
	    "Still broken.\n\n> old stuff\n");
	md_record_set(&rec, MD_F_KEY, key_of("carol@example.org", 0));
	res = run(&rec);
	ck_assert_int_eq(res.kind, MD_INGEST_CREATED);
	ck_assert_int_eq(res.iid, 2);
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_DUP);
	md_record_free(&rec);
	ck_assert_str_eq(str("HGET maildesk:issue:acme:1 %s%s", "state", ""), "closed");
	ck_assert_str_eq(str("HGET maildesk:issue:acme:2 %s%s", "follows", ""), "1");
	ck_assert_str_eq(str("HGET maildesk:issue:acme:2 %s%s", "description", ""),
	    "Still broken.");
	ck_assert_ptr_nonnull(strstr(outbox(0, "data"), "so we opened a new ticket #2"));
	ck_assert_int_eq(md_tracker_get(r, "acme", 1, &f, err, sizeof err), 0);
	ck_assert_ptr_nonnull(strstr(f.notes[f.nnotes - 1].text, "became acme#2"));
	md_issue_full_free(&f);
}
END_TEST

START_TEST(unsubscribe_then_write_again)
{
	struct md_record rec;
	int mailed;

	request();
	mkmail(&rec, "unsubscribe", "", "", "", "");
	md_record_set(&rec, MD_F_KEY, key_of("dave@example.org", 1));
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_UNSUBSCRIBED);
	md_record_free(&rec);
	ck_assert_int_eq(md_tracker_note(r, &cfg, "acme", 1, "x", 0, "Dan", NULL, 0,
	    &mailed, err, sizeof err), 0);
	ck_assert_int_eq(mailed, 2);
	mkmail(&rec, "reply", "d1@d", "dave@example.org", "Re: Printer", "I'm back");
	md_record_set(&rec, MD_F_KEY, key_of("dave@example.org", 0));
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_NOTE);
	md_record_free(&rec);
	ck_assert_str_eq(str("HGET maildesk:issue:acme:1:subscribers %s%s",
	    "dave@example.org", ""), "subscribed");
}
END_TEST

START_TEST(automatic_mail_cap)
{
	struct md_issue_full f;
	struct md_record rec;
	char mid[32];
	int i;

	cfg.max_auto_mails_per_hour = 2;
	request();		/* carol: 1 confirmation */
	num("DEL %s", "maildesk:outbox");
	for (i = 0; i < 4; i++) {	/* dave writes 4 times: 4 forwards to carol */
		snprintf(mid, sizeof mid, "loop%d@d", i);
		mkmail(&rec, "reply", mid, "dave@example.org", "Re: Printer", "auto");
		md_record_set(&rec, MD_F_KEY, key_of("dave@example.org", 0));
		run(&rec);
		md_record_free(&rec);
	}
	/* carol: 1 more (cap 2); eve: 2 */
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 3);
	ck_assert_int_eq(num("GET %s", "maildesk:automail:carol@example.org"), 5);
	ck_assert_int_le(num("TTL %s", "maildesk:automail:carol@example.org"), 3600);
	ck_assert_int_eq(md_tracker_get(r, "acme", 1, &f, err, sizeof err), 0);
	ck_assert_ptr_nonnull(strstr(f.notes[f.nnotes - 1].text, "Mail loop protection"));
	md_issue_full_free(&f);
}
END_TEST

START_TEST(bounce_report_at_reply_key)
{
	struct md_issue_full f;
	struct md_record rec;
	struct md_ingest res;
	char rcpt[128];
	int i, mailed;

	request();
	for (i = 0; i < 3; i++) {
		md_record_init(&rec);
		md_record_set(&rec, MD_F_KIND, "automated");
		md_record_set(&rec, MD_F_PROJECT, "acme");
		md_record_set(&rec, MD_F_KEY, key_of("eve@example.org", 0));
		snprintf(rcpt, sizeof rcpt, "support+r-%s@desk.example", key_of("eve@example.org", 0));
		md_record_set(&rec, MD_F_RCPT, rcpt);
		md_record_set(&rec, MD_F_AUTO_REASON, "null sender");
		md_record_set(&rec, MD_F_RAW, "Subject: failure\r\nContent-Type: multipart/report;\r\n"
		    " report-type=delivery-status; boundary=x\r\n\r\n"
		    "Final-Recipient: rfc822; eve@example.org\r\nAction: failed\r\n"
		    "Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 no such user\r\n");
		res = run(&rec);
		ck_assert_int_eq(res.kind, MD_INGEST_BOUNCE);
		md_record_free(&rec);
	}
	ck_assert_str_eq(str("HGET maildesk:bounced %s%s", "eve@example.org", ""),
	    "delivery report, status 5.1.1: smtp; 550 no such user");
	ck_assert_int_eq(num("XLEN %s", "maildesk:automated"), 3);
	ck_assert_int_eq(md_tracker_get(r, "acme", 1, &f, err, sizeof err), 0);
	ck_assert_uint_eq(f.nnotes, 2);		/* Cc note + one bounce note */
	md_issue_full_free(&f);
	ck_assert_int_eq(md_tracker_note(r, &cfg, "acme", 1, "x", 0, "Dan", NULL, 0,
	    &mailed, err, sizeof err), 0);
	ck_assert_int_eq(mailed, 2);

	/* a delay report marks nobody */
	md_record_init(&rec);
	md_record_set(&rec, MD_F_KIND, "automated");
	md_record_set(&rec, MD_F_KEY, key_of("dave@example.org", 0));
	snprintf(rcpt, sizeof rcpt, "support+r-%s@desk.example", key_of("dave@example.org", 0));
	md_record_set(&rec, MD_F_RCPT, rcpt);
	md_record_set(&rec, MD_F_AUTO_REASON, "delivery report (multipart/report)");
	md_record_set(&rec, MD_F_RAW, "Action: delayed\r\nStatus: 4.4.1\r\n");
	ck_assert_int_eq(run(&rec).kind, MD_INGEST_AUTOMATED);
	md_record_free(&rec);
	ck_assert_int_eq(num("HEXISTS maildesk:bounced %s", "dave@example.org"), 0);
}
END_TEST

/*
 * One inbox read filed as a batch: new requests share their round trips,
 * and whatever depends on an earlier record of the read comes out as it
 * would one by one: a second copy is a duplicate that takes no number, a
 * reply to a request of the same read becomes its note.
 */
START_TEST(one_read_filed_as_batch)
{
	static const char *const spec[][4] = {	/* msgid, from, subject, project */
		{ "a@x", "carol@example.org", "Printer", "acme" },
		{ "b@x", "dave@example.org", "Scanner", "acme" },
		{ "a@x", "carol@example.org", "Printer", "acme" },	/* copy */
		{ "d@x", "carol@example.org", "Re: Printer", "acme" },	/* reply to a@x */
		{ "", "erin@example.org", "No id", "acme" },
		{ "f@x", "frank@example.org", "Lost", "ghost" },	/* no such project */
		{ "g@x", "gina@example.org", "Fax", "acme" },
	};
	enum { N = sizeof spec / sizeof spec[0] };
	struct md_record recs[N], *ptrs[N];
	struct md_ingest_item it[N];
	char ids[N][32];
	redisReply *rep;
	size_t i;

	memset(it, 0, sizeof it);
	for (i = 0; i < N; i++) {
		mkmail(&recs[i], "new", spec[i][0], spec[i][1], spec[i][2], "Help.");
		md_record_set(&recs[i], MD_F_PROJECT, spec[i][3]);
		ptrs[i] = &recs[i];
	}
	md_record_set(&recs[3], MD_F_IN_REPLY_TO, "a@x");
	ck_assert_int_eq(md_inbox_append(r, 100000, ptrs, N, ids, err, sizeof err), MD_INBOX_OK);
	rep = md_redis_cmd(r, "XREADGROUP GROUP workers t COUNT 1000 STREAMS maildesk:inbox >");
	freeReplyObject(rep);
	for (i = 0; i < N; i++) {
		it[i].entry_id = ids[i];
		it[i].rec = &recs[i];
	}
	md_tracker_ingest_batch(r, &cfg, it, N);

	ck_assert_msg(it[0].rc == 0 && it[0].out.kind == MD_INGEST_CREATED &&
	    it[0].out.iid == 1, "a: %s", it[0].err);
	ck_assert(it[1].rc == 0 && it[1].out.kind == MD_INGEST_CREATED && it[1].out.iid == 2);
	ck_assert(it[2].rc == 0 && it[2].out.kind == MD_INGEST_DUP && it[2].out.iid == 1);
	ck_assert_msg(it[3].rc == 0 && it[3].out.kind == MD_INGEST_NOTE && it[3].out.iid == 1,
	    "reply: rc %d kind %d iid %ld %s", it[3].rc, it[3].out.kind, it[3].out.iid, it[3].err);
	ck_assert(it[4].rc == 0 && it[4].out.kind == MD_INGEST_CREATED && it[4].out.iid == 3);
	ck_assert_int_eq(it[5].rc, -1);
	ck_assert_str_eq(it[5].err, "no such project: ghost");
	ck_assert(it[6].rc == 0 && it[6].out.kind == MD_INGEST_CREATED && it[6].out.iid == 4);
	ck_assert_int_eq(num("HGET maildesk:project:acme %s", "last_iid"), 4);	/* no gap */
	ck_assert_int_eq(num("XLEN %s", "maildesk:outbox"), 4);	/* one confirmation each */
	ck_assert_int_eq(num("XLEN %s", "maildesk:inbox"), 1);	/* only the lost one */
	ck_assert_int_eq(num("EXISTS %s", "maildesk:iidres:acme"), 0);
	rep = md_redis_cmd(r, "KEYS maildesk:stage:*");
	ck_assert_int_eq(rep->elements, 0);
	freeReplyObject(rep);
	ck_assert_str_eq(str("HGET maildesk:issue:acme:%s %s", "2", "title"), "Scanner");
	ck_assert_str_eq(str("HGET maildesk:issue:acme:%s %s", "3", "description"), "Help.");
	ck_assert_int_gt(num("STRLEN %s", "maildesk:issue:acme:4:raw"), 20);
	for (i = 0; i < N; i++)
		md_record_free(&recs[i]);
}
END_TEST

static Suite *
conversation_suite(void)
{
	Suite *s = suite_create("conversation");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, participants_and_threading);
	tcase_add_test(tc, reply_by_message_id_and_tag);
	tcase_add_test(tc, key_from_stranger_flagged);
	tcase_add_test(tc, closed_issue_reopen_or_new);
	tcase_add_test(tc, unsubscribe_then_write_again);
	tcase_add_test(tc, automatic_mail_cap);
	tcase_add_test(tc, bounce_report_at_reply_key);
	tcase_add_test(tc, one_read_filed_as_batch);
	suite_add_tcase(s, tc);
	return s;
}

MD_RFX_MAIN(conversation_suite)
