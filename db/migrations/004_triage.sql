-- 004_triage.sql - per-project triage rules and canned replies (issue 18).
--
-- Triage rules are evaluated in position order when a request is filed as
-- a new issue (lib/store/triage.c decides, lib/store/triage_store.c applies); every
-- rule that matches applies, labels add up, and assignee and priority come
-- from the first matching rule that sets them (doc/design.md, Triage).
-- Patterns are checked when a rule is saved (length, and a regex must
-- compile), so filing never meets a bad one.

CREATE TABLE triage_rules (
	id		bigserial PRIMARY KEY,
	project		text NOT NULL REFERENCES projects ON DELETE CASCADE,
	position	integer NOT NULL CHECK (position > 0),
	field		text NOT NULL CHECK (field IN ('recipient', 'sender', 'subject', 'body')),
	match		text NOT NULL CHECK (match IN ('substring', 'regex')),
	pattern		text NOT NULL CHECK (length(pattern) BETWEEN 1 AND 256),
	labels		text[] NOT NULL DEFAULT '{}',
	assign		text,		-- a user name; NULL: no assignment
	priority	text CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
	created		bigint NOT NULL,
	-- Checked at the end of each statement, so a move renumbers in one.
	UNIQUE (project, position) DEFERRABLE INITIALLY IMMEDIATE
);

-- Saved replies a responder inserts into a comment; text may use the
-- template placeholders (lib/mail/template.h), filled in for the issue.
CREATE TABLE canned_replies (
	project		text NOT NULL REFERENCES projects ON DELETE CASCADE,
	name		text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
	text		text NOT NULL CHECK (text <> ''),
	updated		bigint NOT NULL,
	PRIMARY KEY (project, name)
);
