/*
 * tracker_participants.c - who an issue's mail goes to, changed by a
 * responder (issue 18): adding and removing a participant (Cc), and
 * blocking the issue's sender on the project's block list.
 *
 * A participant is a subscriber like the customer: their own reply and
 * unsubscribe keys, written to the milter's view before the commit (a key
 * the view lacks would refuse their reply) and removed from it after the
 * commit that deletes them (view.h's ordering rule).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "keygen.h"
#include "lists.h"
#include "tracker.h"
#include "tracker_change.h"
#include "tracker_int.h"
#include "view.h"

/* addr normalized and lower-cased (as participants are stored); 0 or -1. */
static int
participant_addr(const struct md_config *cfg, const char *in, char *out,
    size_t outlen, char *err, size_t errlen)
{
	size_t i;

	if (in == NULL || md_addr_normalize(in, out, outlen) < 0 || *out == '\0' ||
	    strchr(out, '@') == NULL) {
		snprintf(err, errlen, "not an address: %.80s", in != NULL ? in : "");
		return -1;
	}
	for (i = 0; out[i] != '\0'; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
	if (md_trk_is_desk(cfg, out)) {
		snprintf(err, errlen, "%s is a desk address, never a participant", out);
		return -1;
	}
	return 0;
}

/* Inserts the participant with new keys, the keys into the view; 1, 0, -1. */
static int
participant_add(struct md_store *st, const struct md_trk_issue *b,
    const char *addr, char *err, size_t errlen)
{
	char rkey[MD_KEY_LEN + 1], ukey[MD_KEY_LEN + 1];
	struct md_view_key k;
	struct md_sqlp p;
	long n;

	if (md_keygen(rkey, sizeof rkey) < 0 || md_keygen(ukey, sizeof ukey) < 0) {
		snprintf(err, errlen, "cannot make keys");
		return -1;
	}
	md_sqlp_init(&p);
	md_sqlp_long(&p, b->id);
	md_sqlp_str(&p, addr);
	md_sqlp_str(&p, rkey);
	md_sqlp_str(&p, ukey);
	n = md_db_exec_count(st->db, "INSERT INTO participants (issue_id, email, reply_key, "
	    "unsub_key) VALUES ($1, $2, $3, $4) ON CONFLICT (issue_id, email) DO NOTHING",
	    &p, err, errlen);
	md_sqlp_free(&p);
	if (n <= 0)
		return n < 0 ? -1 : 0;
	k.rkey = rkey;
	k.ukey = ukey;
	k.project = b->project;
	k.iid = b->iid;
	k.email = addr;
	return md_view_keys_put(st->redis, &k, 1, err, errlen) < 0 ? -1 : 1;
}

/* Deletes the participant (never the customer); 1 (keys filled), 0, -1. */
static int
participant_del(struct md_store *st, const struct md_trk_issue *b,
    const char *addr, char *rkey, char *ukey, char *err, size_t errlen)
{
	struct md_sqlp p;
	PGresult *res;
	int n;

	if (strcmp(addr, b->customer_email) == 0) {
		snprintf(err, errlen, "%s is the customer of %s#%ld: they unsubscribe "
		    "themselves", addr, b->project, b->iid);
		return -1;
	}
	md_sqlp_init(&p);
	md_sqlp_long(&p, b->id);
	md_sqlp_str(&p, addr);
	res = md_db_query(st->db, "DELETE FROM participants WHERE issue_id = $1 "
	    "AND email = $2 RETURNING reply_key, unsub_key", &p, err, errlen);
	md_sqlp_free(&p);
	if (res == NULL)
		return -1;
	if ((n = PQntuples(res) > 0)) {
		snprintf(rkey, MD_KEY_LEN + 1, "%s", md_db_val(res, 0, 0));
		snprintf(ukey, MD_KEY_LEN + 1, "%s", md_db_val(res, 0, 1));
	}
	PQclear(res);
	return n;
}

int
md_tracker_participant(struct md_store *st, const struct md_config *cfg,
    const char *project, long iid, const char *email, int add,
    const char *author, int *changed, char *err, size_t errlen)
{
	char addr[MD_ADDR_MAX + 1], text[MD_ADDR_MAX + 32];
	char rkey[MD_KEY_LEN + 1] = "", ukey[MD_KEY_LEN + 1] = "";
	struct md_trk_issue b;
	struct md_view_key k;
	int rc, n;

	if (changed != NULL)
		*changed = 0;
	if (participant_addr(cfg, email, addr, sizeof addr, err, errlen) < 0)
		return -1;
	if ((rc = md_trk_edit_begin(st, project, iid, &b, err, errlen)) != 0)
		return rc;
	n = add ? participant_add(st, &b, addr, err, errlen) :
	    participant_del(st, &b, addr, rkey, ukey, err, errlen);
	if (n > 0) {
		snprintf(text, sizeof text, "%s participant %s", add ? "added" : "removed",
		    addr);
		n = md_trk_change_note(st, &b, author, text, err, errlen) < 0 ? -1 : 1;
	}
	if ((rc = md_trk_edit_end(st, &b, n < 0 ? -1 : 0, err, errlen)) != 0)
		return rc;
	if (changed != NULL)
		*changed = n > 0;
	if (!add && n > 0) {
		k.rkey = rkey;
		k.ukey = ukey;
		k.project = project;
		k.iid = iid;
		k.email = addr;
		/* A key left behind names no subscriber: the worker ignores it. */
		if (md_view_keys_del(st->redis, &k, 1, err, errlen) < 0) {
			size_t len = strlen(err);

			snprintf(err + len, errlen - len, " (removed: run `maildesk view "
			    "rebuild` once Redis is back)");
			return -1;
		}
	}
	return 0;
}

int
md_tracker_block_sender(struct md_store *st, const char *project, long iid,
    const char *author, char *entry, size_t entrylen, int *changed, char *err,
    size_t errlen)
{
	char norm[MD_LIST_ENTRY_MAX + 2], text[MD_LIST_ENTRY_MAX + 64];
	struct md_trk_issue b;
	struct md_sqlp p;
	long n = -1;
	int rc;

	if (changed != NULL)
		*changed = 0;
	if ((rc = md_trk_edit_begin(st, project, iid, &b, err, errlen)) != 0)
		return rc;
	if (md_list_entry(b.customer_email, norm, sizeof norm) < 0) {
		snprintf(err, errlen, "%s#%ld has no sender address to block", project, iid);
		return md_trk_edit_end(st, &b, -1, err, errlen);
	}
	md_sqlp_init(&p);
	md_sqlp_str(&p, project);
	md_sqlp_str(&p, norm);
	n = md_db_exec_count(st->db, "INSERT INTO sender_lists (project, list, entry) "
	    "VALUES ($1, 'block', $2) ON CONFLICT DO NOTHING", &p, err, errlen);
	md_sqlp_free(&p);
	if (n > 0) {
		snprintf(text, sizeof text, "blocked sender %s", norm);
		if (md_trk_change_note(st, &b, author, text, err, errlen) < 0)
			n = -1;
	}
	if ((rc = md_trk_edit_end(st, &b, n < 0 ? -1 : 0, err, errlen)) != 0)
		return rc;
	if (entry != NULL)
		snprintf(entry, entrylen, "%s", norm);
	if (changed != NULL)
		*changed = n > 0;
	/* A block keeps mail out: the view after the commit (lists.c's rule);
	 * written even when the table had it, the view may have lost it. */
	if (md_view_list_put(st->redis, project, MD_LIST_BLOCK, norm, err, errlen) < 0) {
		size_t len = strlen(err);

		snprintf(err + len, errlen - len, " (the block is saved: run `maildesk view "
		    "rebuild` once Redis is back)");
		return -1;
	}
	return 0;
}
