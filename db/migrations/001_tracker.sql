-- 001_tracker.sql - the tracker of record: projects, users, issues, notes,
-- participants, attachments, raw messages, threading, outbound mail.
--
-- Times are Unix seconds (bigint), as the programs and the JSON API use
-- them.  Big columns (bodies, raw messages, attachments, outgoing mail)
-- are compressed with lz4, not the default pglz: filing an issue stores
-- each of them once, and pglz cost a sixth of the database's CPU per issue
-- (doc/performance.md).  Text search uses the 'simple' configuration: a desk receives mail
-- in every language, and stemming for one would mis-rank the others.
-- doc/db-schema.md explains every table and index.

CREATE TABLE projects (
	name		text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
	enabled		boolean NOT NULL DEFAULT true,
	created		bigint NOT NULL,
	last_iid	bigint NOT NULL DEFAULT 0,
	verified_senders boolean NOT NULL DEFAULT false,
	reopen_on_reply	boolean NOT NULL DEFAULT true,
	notify_state	boolean NOT NULL DEFAULT true,
	automated_policy text NOT NULL DEFAULT 'default'
			CHECK (automated_policy IN ('default', 'accept', 'reject')),
	spam_mark	double precision,	-- NULL: maildesk.conf's
	spam_reject	double precision,
	retention_days	integer CHECK (retention_days > 0)	-- NULL: keep
);

-- Alias addresses, lower case; one table for all projects, as the milter's
-- view has it.
CREATE TABLE aliases (
	address		text PRIMARY KEY,
	project		text NOT NULL REFERENCES projects ON DELETE CASCADE
);
CREATE INDEX aliases_project ON aliases (project);

CREATE TABLE sender_lists (
	project		text NOT NULL REFERENCES projects ON DELETE CASCADE,
	list		text NOT NULL CHECK (list IN ('block', 'allow')),
	entry		text NOT NULL,
	PRIMARY KEY (project, list, entry)
);

CREATE TABLE templates (
	project		text NOT NULL REFERENCES projects ON DELETE CASCADE,
	kind		text NOT NULL,
	body		text NOT NULL DEFAULT '',
	subject		text NOT NULL DEFAULT '',
	PRIMARY KEY (project, kind)
);

CREATE TABLE users (
	name		text PRIMARY KEY,
	password	text NOT NULL,		-- crypto_pwhash_str (argon2id)
	role		text NOT NULL CHECK (role IN ('admin', 'responder')),
	created		bigint NOT NULL
);

CREATE TABLE sessions (
	id		text PRIMARY KEY,	-- 256 random bits, hex
	username	text NOT NULL REFERENCES users ON DELETE CASCADE,
	csrf		text NOT NULL,
	created		bigint NOT NULL,
	expires		bigint NOT NULL
);
CREATE INDEX sessions_user ON sessions (username);

-- Failed logins per throttling key (client address, user+address, user)
-- in the current window.
CREATE TABLE login_failures (
	key		text PRIMARY KEY,
	window_start	bigint NOT NULL,
	count		integer NOT NULL
);

-- An issue's own words: the title weighs A, the description B.
CREATE FUNCTION issue_search_doc(title text, description text) RETURNS tsvector
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
	    setweight(to_tsvector('simple', left(coalesce(description, ''), 200000)), 'B')
$$;

CREATE TABLE issues (
	id		bigserial PRIMARY KEY,
	project		text NOT NULL REFERENCES projects ON DELETE CASCADE,
	iid		bigint NOT NULL,
	title		text NOT NULL,
	description	text COMPRESSION lz4 NOT NULL DEFAULT '',
	author		text NOT NULL,
	customer_email	text NOT NULL DEFAULT '',
	customer_name	text NOT NULL DEFAULT '',
	confidential	boolean NOT NULL DEFAULT true,
	state		text NOT NULL DEFAULT 'opened' CHECK (state IN ('opened', 'closed')),
	labels		text[] NOT NULL DEFAULT '{}',
	message_id	text NOT NULL DEFAULT '',
	spf		text NOT NULL DEFAULT '',
	score		text NOT NULL DEFAULT '',
	rules		text NOT NULL DEFAULT '',
	flags		text NOT NULL DEFAULT '',
	received	text NOT NULL DEFAULT '',
	source		text NOT NULL DEFAULT '',	-- inbox entry id
	follows		bigint,				-- iid of the closed issue a reply opened this from
	raw_id		bigint,				-- raw_messages: the request as received
	created		bigint NOT NULL,
	updated		bigint NOT NULL,
	closed_at	bigint,
	-- issue_search_doc(title, description), written by the worker's
	-- indexer (md_tracker_index) shortly after the issue is filed; NULL
	-- until then, and searches compute it for those few rows.  Parsing a
	-- 10 KB description costs as much as filing the rest of the issue, and
	-- filing must keep ahead of the mail server (doc/performance.md).
	search		tsvector,
	UNIQUE (project, iid)
);
CREATE INDEX issues_created ON issues (project, created DESC, iid DESC);
CREATE INDEX issues_updated ON issues (project, updated DESC, iid DESC);
CREATE INDEX issues_state ON issues (project, state);
CREATE INDEX issues_customer ON issues (project, customer_email);
CREATE INDEX issues_labels ON issues USING gin (labels);
CREATE INDEX issues_search ON issues USING gin (search);
CREATE INDEX issues_unindexed ON issues (project, id) WHERE search IS NULL;
CREATE INDEX issues_closed ON issues (closed_at) WHERE state = 'closed';

-- Raw messages (requests and customer notes), apart from the rows that
-- show them: lists never read them, downloads stream them.
CREATE TABLE raw_messages (
	id		bigserial PRIMARY KEY,
	issue_id	bigint NOT NULL REFERENCES issues ON DELETE CASCADE,
	size		bigint NOT NULL,
	data		bytea COMPRESSION lz4	-- NULL: removed by retention or purge
);
CREATE INDEX raw_messages_issue ON raw_messages (issue_id);
ALTER TABLE issues ADD FOREIGN KEY (raw_id) REFERENCES raw_messages ON DELETE SET NULL
	DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE notes (
	id		bigserial PRIMARY KEY,
	issue_id	bigint NOT NULL REFERENCES issues ON DELETE CASCADE,
	project		text NOT NULL,		-- copied, so search stays inside one project's index range
	author		text NOT NULL,
	author_email	text NOT NULL DEFAULT '',
	kind		text NOT NULL CHECK (kind IN ('customer', 'public', 'internal', 'system')),
	text		text COMPRESSION lz4 NOT NULL DEFAULT '',
	full_text	text COMPRESSION lz4 NOT NULL DEFAULT '',	-- before trimming, "" when nothing was cut
	message_id	text NOT NULL DEFAULT '',
	via		text NOT NULL DEFAULT '',
	flags		text NOT NULL DEFAULT '',
	attachments	integer NOT NULL DEFAULT 0,
	raw_id		bigint REFERENCES raw_messages ON DELETE SET NULL,
	created		bigint NOT NULL,
	search		tsvector GENERATED ALWAYS AS (
			    to_tsvector('simple', left(coalesce(text, ''), 200000))) STORED
);
CREATE INDEX notes_issue ON notes (issue_id, id);

-- Search over notes: one document per issue with the words of all its
-- notes (notes.search, oldest first) and copies of the issue's state,
-- labels and customer, kept by the triggers below.  A search reads one row per matching issue, not
-- one per matching note (a common word is in a tenth of a desk's notes),
-- and finds the matching issues and their states in the small heap
-- without reading the documents (toast_tuple_target keeps them out of
-- line; GIN needs no recheck for plain words), filtered there too; only
-- the ranking of issues that match in their notes alone reads them (lib/store/tracker_search.c,
-- doc/performance.md "Search on PostgreSQL").  size counts the text bytes
-- behind the document: a tsvector holds at most 1 MB (about 4.5 bytes per
-- byte of text at worst), so a note that would take an issue past 220 000
-- bytes is not added, and search does not find words only it has.  Notes
-- are never deleted alone (only with their issue, which takes its document
-- along).
CREATE TABLE issue_notes_search (
	issue_id	bigint PRIMARY KEY REFERENCES issues ON DELETE CASCADE,
	project		text NOT NULL,
	state		text NOT NULL,		-- copies of the issue's, for the filters
	labels		text[] NOT NULL,
	customer_email	text NOT NULL,
	size		integer NOT NULL,
	search		tsvector NOT NULL
) WITH (toast_tuple_target = 128);
CREATE INDEX issue_notes_search_gin ON issue_notes_search USING gin (search);

CREATE FUNCTION notes_search_add() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	n integer := octet_length(left(NEW.text, 200000));
BEGIN
	INSERT INTO issue_notes_search AS s (issue_id, project, state, labels,
	    customer_email, size, search)
	SELECT NEW.issue_id, NEW.project, i.state, i.labels, i.customer_email, n,
	    NEW.search FROM issues i WHERE i.id = NEW.issue_id
	ON CONFLICT (issue_id) DO UPDATE
	SET size = s.size + n, search = s.search || EXCLUDED.search
	WHERE s.size + n <= 220000;
	RETURN NULL;
END $$;
CREATE TRIGGER notes_search_add AFTER INSERT ON notes
	FOR EACH ROW EXECUTE FUNCTION notes_search_add();

-- A note's text changed (a customer purge): the issue's document again.
CREATE FUNCTION notes_search_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	r record;
	v tsvector := '';
	total integer := 0;
BEGIN
	FOR r IN SELECT octet_length(left(text, 200000)) AS n, search FROM notes
	    WHERE issue_id = NEW.issue_id ORDER BY id LOOP
		CONTINUE WHEN total + r.n > 220000;
		v := v || r.search;
		total := total + r.n;
	END LOOP;
	UPDATE issue_notes_search SET size = total, search = v WHERE issue_id = NEW.issue_id;
	RETURN NULL;
END $$;
CREATE TRIGGER notes_search_rebuild AFTER UPDATE OF text ON notes
	FOR EACH ROW WHEN (OLD.text IS DISTINCT FROM NEW.text)
	EXECUTE FUNCTION notes_search_rebuild();

-- The copies follow the issue.
CREATE FUNCTION notes_search_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE issue_notes_search SET state = NEW.state, labels = NEW.labels,
	    customer_email = NEW.customer_email WHERE issue_id = NEW.id;
	RETURN NULL;
END $$;
CREATE TRIGGER notes_search_copy AFTER UPDATE OF state, labels, customer_email ON issues
	FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state
	    OR OLD.labels IS DISTINCT FROM NEW.labels
	    OR OLD.customer_email IS DISTINCT FROM NEW.customer_email)
	EXECUTE FUNCTION notes_search_copy();

CREATE TABLE attachments (
	issue_id	bigint NOT NULL REFERENCES issues ON DELETE CASCADE,
	n		integer NOT NULL,		-- 1, 2, ... within the issue
	note_id		bigint REFERENCES notes ON DELETE CASCADE,	-- NULL: the request
	filename	text NOT NULL DEFAULT '',
	content_type	text NOT NULL DEFAULT '',
	size		bigint NOT NULL,
	stored		boolean NOT NULL,		-- false: over attachment_max_size
	data		bytea COMPRESSION lz4,		-- NULL when not stored or removed
	PRIMARY KEY (issue_id, n)
);

-- Subscribers (customer and Cc participants) with their own keys and the
-- chain of Message-IDs their mails continue.
CREATE TABLE participants (
	issue_id	bigint NOT NULL REFERENCES issues ON DELETE CASCADE,
	email		text NOT NULL,
	subscribed	boolean NOT NULL DEFAULT true,
	reply_key	text NOT NULL UNIQUE,
	unsub_key	text NOT NULL UNIQUE,
	chain		text NOT NULL DEFAULT '',	-- up to 10 Message-IDs, oldest first
	PRIMARY KEY (issue_id, email)
);
CREATE INDEX participants_email ON participants (email);

-- Idempotency: every record filed, by project and Message-ID (or the
-- sha1: key of a message without one).  A replayed inbox entry finds its
-- row and is only acknowledged.
CREATE TABLE filed_messages (
	project		text NOT NULL,
	msg_key		text NOT NULL,
	issue_id	bigint REFERENCES issues ON DELETE CASCADE,
	PRIMARY KEY (project, msg_key)
);

-- Threading: every Message-ID we sent and every customer Message-ID filed.
CREATE TABLE threads (
	message_id	text NOT NULL,
	issue_id	bigint NOT NULL REFERENCES issues ON DELETE CASCADE,
	created		bigint NOT NULL,
	PRIMARY KEY (message_id, issue_id)
);
CREATE INDEX threads_issue ON threads (issue_id);

CREATE TABLE bounced (
	email		text PRIMARY KEY,
	reason		text NOT NULL,
	created		bigint NOT NULL
);

CREATE TABLE unsubscribed (
	email		text PRIMARY KEY,
	created		bigint NOT NULL
);

-- Automatic mails queued per address in the current hour.
CREATE TABLE automail (
	email		text PRIMARY KEY,
	window_start	bigint NOT NULL,
	count		integer NOT NULL
);

-- Automated mail kept for admins (no issue was made of it).
CREATE TABLE automated (
	id		bigserial PRIMARY KEY,
	received	text NOT NULL DEFAULT '',
	mail_from	text NOT NULL DEFAULT '',
	from_hdr	text NOT NULL DEFAULT '',
	subject		text NOT NULL DEFAULT '',
	project		text NOT NULL DEFAULT '',
	rcpt		text NOT NULL DEFAULT '',
	auto_reason	text NOT NULL DEFAULT '',
	message_id	text NOT NULL DEFAULT '',
	text		text NOT NULL DEFAULT '',
	source		text NOT NULL DEFAULT '',
	created		bigint NOT NULL
);
CREATE INDEX automated_created ON automated (created);
-- A replayed inbox entry finds its row and adds none.
CREATE INDEX automated_source ON automated (source) WHERE source <> '';

-- The transactional outbox: written in the transaction of the issue or
-- note that causes the mail, sent by maildesk-worker's senders.
CREATE TABLE outbox (
	id		bigserial PRIMARY KEY,
	project		text NOT NULL,
	iid		bigint NOT NULL DEFAULT 0,
	kind		text NOT NULL,
	rcpt		text NOT NULL,
	mail_from	text NOT NULL,
	message_id	text NOT NULL,
	data		bytea COMPRESSION lz4 NOT NULL,
	created		bigint NOT NULL,
	state		text NOT NULL DEFAULT 'queued'
			CHECK (state IN ('queued', 'sent', 'failed', 'dropped')),
	attempts	integer NOT NULL DEFAULT 0,
	next_attempt	bigint NOT NULL DEFAULT 0,
	claimed_by	text,
	claimed_until	bigint,
	handover	text,		-- sender that was inside the final "." when it died
	last_error	text NOT NULL DEFAULT '',
	done_at		bigint
);
CREATE INDEX outbox_due ON outbox (next_attempt, id) WHERE state = 'queued';
CREATE INDEX outbox_issue ON outbox (project, iid);

-- What purges and other irreversible admin actions did (no personal data).
CREATE TABLE audit_log (
	id		bigserial PRIMARY KEY,
	at		bigint NOT NULL,
	actor		text NOT NULL,
	action		text NOT NULL,
	detail		text NOT NULL DEFAULT ''
);

-- New outbox rows wake the senders (delivered at commit).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('maildesk_outbox', '');
	RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
	FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
