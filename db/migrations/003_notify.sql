-- 003_notify.sql - notifications to responders and answering them by
-- email (issue 18).  doc/conversation.md ("Responders") explains the
-- rules, doc/db-schema.md every column.

-- A responder's own address (where notifications go, and the only From:
-- accepted on their answers by email), what they want to hear about, and
-- the signature put under their public replies.  notify defaults to
-- 'all': nobody gets mail before they set an address, and a responder who
-- sets one wants to hear of new requests (the complaint of issue 18 was
-- that nobody is told); 'mine' is one command away.
ALTER TABLE users
	ADD COLUMN email text NOT NULL DEFAULT '',
	ADD COLUMN notify text NOT NULL DEFAULT 'all'
		CHECK (notify IN ('all', 'mine', 'none')),
	ADD COLUMN signature text NOT NULL DEFAULT '';
-- One address, one responder (stored lower case): an answer's From:
-- names exactly one user.
CREATE UNIQUE INDEX users_email ON users (email) WHERE email <> '';

-- The two answer addresses of one responder for one issue (128-bit keys,
-- like the participants' reply keys, in the same view namespace
-- <p>rkey:<key>): a mail to support+r-<reply_key>@ becomes a public
-- comment, one to support+r-<comment_key>@ an internal note.  Made with
-- the first notification about the issue to that responder.
CREATE TABLE responder_keys (
	issue_id	bigint NOT NULL REFERENCES issues ON DELETE CASCADE,
	username	text NOT NULL REFERENCES users (name) ON DELETE CASCADE,
	reply_key	text NOT NULL UNIQUE,
	comment_key	text NOT NULL UNIQUE,
	created		bigint NOT NULL,
	PRIMARY KEY (issue_id, username)
);
CREATE INDEX responder_keys_user ON responder_keys (username);

-- Every notification queued: one row per (event, user), so one event
-- never mails one responder twice (a replayed record, two code paths).
-- event is 'new:<issues.id>', 'reply:<notes.id>' or 'assign:<notes.id>'.
CREATE TABLE notifications (
	event		text NOT NULL,
	username	text NOT NULL REFERENCES users (name) ON DELETE CASCADE,
	issue_id	bigint NOT NULL REFERENCES issues ON DELETE CASCADE,
	created		bigint NOT NULL,
	PRIMARY KEY (event, username)
);
CREATE INDEX notifications_issue ON notifications (issue_id);
