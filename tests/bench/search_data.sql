-- search_data.sql - a generated project for tests/bench/search_bench.sh:
-- project "bench" with :issues issues and :notes notes (psql variables).
--
-- Text is made of words from a small vocabulary of support mail and a
-- long tail of made-up words, drawn by Zipf's law (a few words are in
-- most documents, most words in few), so common words match tens of
-- thousands of issues as in a real desk.  Every document also carries rare tokens: an order number
-- ("ord" + 6 digits, about one document in 10 per number), a customer
-- reference per customer ("cust" + number) and, in one document of 50, an
-- error code ("err" + 4 digits).  Fast: documents are glued from 20 000
-- pre-made sentences instead of word by word.

\set ON_ERROR_STOP on
SELECT setseed(0.15);

CREATE TEMP TABLE vocab (i int PRIMARY KEY, w text NOT NULL);
INSERT INTO vocab
SELECT row_number() OVER (), w FROM unnest(string_to_array(
'the to and a i of is it you for in my not on this have we with can be that '
'please but was are your from at do as if when an or me will no get our there '
'what thanks hello hi regards account login password email printer invoice '
'order payment error page update issue problem help support working works '
'again still since yesterday today morning week time screen button click '
'settings app phone version new old install installed download upload file '
'files attachment attached sent send receive received reply message mail '
'customer service team ticket number refund charge charged card credit bank '
'transfer price plan subscription cancel cancelled renew renewal trial '
'license key code access denied blocked locked reset change changed name '
'address delivery shipping shipped package tracking arrived damaged broken '
'missing wrong item product size color return exchange store online website '
'link browser chrome firefox safari windows mac linux android iphone ipad '
'laptop computer server network wifi connection slow fast crash crashes '
'freezes loading loads sync backup restore data lost deleted folder '
'calendar contact contacts share shared user users admin permission role '
'team members invite invited signup register registration verify '
'verification sms notification notifications alert report export import '
'csv pdf excel print scan paper jam toner ink cartridge tray driver firmware '
'battery charger cable screen display keyboard mouse camera microphone '
'speaker audio video call meeting schedule booking reservation appointment '
'confirm confirmation urgent asap soon waiting weeks days hours minutes '
'tried trying try restart restarted reinstall cleared cache cookies same '
'result nothing happens shows says message appears popup warning failed '
'failure timeout unavailable maintenance outage down up running stopped '
'started fixed resolved solved closed open opened pending hold escalate '
'manager supervisor complaint feedback suggestion feature request bug '
'tax vat receipt statement balance due overdue reminder discount coupon '
'voucher gift points loyalty member membership upgrade downgrade monthly '
'yearly annual billing billed twice double duplicate amount total '
'january february march april may june july august september october '
'november december monday tuesday wednesday thursday friday weekend '
'berlin london paris madrid vienna zurich amsterdam dublin oslo warsaw', ' ')) AS w;

-- The long tail: 20 000 more words (made up, 7 letters).  Ranks are drawn
-- log-uniformly over all 20 400 words, which is Zipf's law (the chance of
-- the word of rank r is about 1/r): the 400 common words make 60% of the
-- text, as the few hundred commonest words do in real mail.
INSERT INTO vocab
SELECT 400 + g, translate(substr(md5(g::text), 1, 7), '0123456789', 'aeioulnrst')
FROM generate_series(1, 20000) g;

-- 20 000 sentences of 6..14 words.
CREATE TEMP TABLE sentence (i int PRIMARY KEY, s text NOT NULL);
INSERT INTO sentence
SELECT g, (SELECT string_agg(v.w, ' ' ORDER BY ks.k)
	   FROM (SELECT k, least(20400, floor(exp(random() * ln(20400)))::int) AS r
		 FROM generate_series(1, 6 + (g % 9)) k) ks
	   JOIN vocab v ON v.i = ks.r)
FROM generate_series(1, 20000) g;
SELECT count(DISTINCT s) AS distinct_sentences FROM sentence;

INSERT INTO projects (name, created) VALUES ('bench', 1700000000);

-- Issues: a title of 4..8 vocabulary words, a description of 3 sentences.
INSERT INTO issues (project, iid, title, description, author, customer_email,
    customer_name, state, labels, message_id, created, updated, closed_at)
SELECT 'bench', g,
    (SELECT string_agg(w, ' ') FROM (SELECT split_part(s, ' ', k) AS w
	FROM sentence, generate_series(1, (4 + g % 5)::int) k
	WHERE sentence.i = 1 + abs(hashint8extended(g, 7919)) % 20000) t WHERE w <> ''),
    s1.s || '. ' || s2.s || ' ord' || lpad(((g * 104729) % 1000000)::text, 6, '0') ||
	'. ' || s3.s || '. ' || s2.s || '. ' || s1.s || ' cust' || (g % 20000) ||
	CASE WHEN g % 50 = 0 THEN ' err' || lpad((g % 9973)::text, 4, '0') ELSE '' END,
    'Support Bot', 'customer' || (g % 20000) || '@example.org', 'Customer ' || (g % 20000),
    CASE WHEN g % 10 < 7 THEN 'closed' ELSE 'opened' END,
    CASE g % 7 WHEN 0 THEN '{bug}'::text[] WHEN 1 THEN '{billing}' WHEN 2 THEN '{bug,urgent}'
	ELSE '{}' END,
    'm' || g || '@bench.example',
    1700000000 + g * 300, 1700000000 + g * 300 + (g % 97) * 600,
    CASE WHEN g % 10 < 7 THEN 1700000000 + g * 300 + 86400 END
FROM generate_series(1::bigint, :issues) g
JOIN sentence s1 ON s1.i = 1 + abs(hashint8extended(g, 31)) % 20000
JOIN sentence s2 ON s2.i = 1 + abs(hashint8extended(g, 131)) % 20000
JOIN sentence s3 ON s3.i = 1 + abs(hashint8extended(g, 1031)) % 20000;
UPDATE projects SET last_iid = :issues WHERE name = 'bench';
-- What the worker's indexer does shortly after filing (worker/indexer.c).
UPDATE issues SET search = issue_search_doc(title, description) WHERE project = 'bench';

-- Notes: :notes spread over the issues; kinds in a desk's proportions.
-- The per-issue search documents are made in one pass afterwards (what
-- the trigger would have made note by note, in a fraction of the time).
ALTER TABLE notes DISABLE TRIGGER notes_search_add;
INSERT INTO notes (issue_id, project, author, author_email, kind, text, created)
SELECT i.id, 'bench',
    CASE WHEN n % 20 < 8 THEN i.customer_name WHEN n % 20 < 15 THEN 'Dan' ELSE 'Support Bot' END,
    CASE WHEN n % 20 < 8 THEN i.customer_email ELSE '' END,
    CASE WHEN n % 20 < 8 THEN 'customer' WHEN n % 20 < 13 THEN 'public'
	WHEN n % 20 < 15 THEN 'internal' ELSE 'system' END,
    CASE WHEN n % 20 >= 15 THEN 'closed by Dan'
	ELSE s1.s || '. ' || s2.s || ' ord' || lpad(((n * 7907) % 1000000)::text, 6, '0') ||
	    '. ' || s3.s || '. ' || s4.s ||
	    CASE WHEN n % 3 = 0 THEN '. ' || s5.s || '. ' || s1.s ELSE '' END ||
	    CASE WHEN n % 50 = 0 THEN ' err' || lpad((n % 9973)::text, 4, '0') ELSE '' END END,
    i.created + 60 * (n % 1000)
FROM generate_series(1::bigint, :notes) n
JOIN issues i ON i.project = 'bench' AND i.iid = 1 + (n * 7) % :issues
JOIN sentence s1 ON s1.i = 1 + abs(hashint8extended(n, 37)) % 20000
JOIN sentence s2 ON s2.i = 1 + abs(hashint8extended(n, 173)) % 20000
JOIN sentence s3 ON s3.i = 1 + abs(hashint8extended(n, 1327)) % 20000
JOIN sentence s4 ON s4.i = 1 + abs(hashint8extended(n, 2459)) % 20000
JOIN sentence s5 ON s5.i = 1 + abs(hashint8extended(n, 4493)) % 20000;

CREATE AGGREGATE pg_temp.tsv_agg(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector,
    INITCOND = '');
INSERT INTO issue_notes_search (issue_id, project, state, labels, customer_email, size,
    search)
SELECT g.issue_id, 'bench', i.state, i.labels, i.customer_email, g.size, g.search
FROM (SELECT issue_id, sum(octet_length(text)) AS size,
	pg_temp.tsv_agg(search ORDER BY id) AS search FROM notes GROUP BY issue_id) g
JOIN issues i ON i.id = g.issue_id;
ALTER TABLE notes ENABLE TRIGGER notes_search_add;
