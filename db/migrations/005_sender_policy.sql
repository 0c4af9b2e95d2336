-- 005_sender_policy.sql - sender identity policy per project (issue 17).
--
-- Each column overrides the maildesk.conf key of the same name for mail
-- to the project; NULL (the default) follows the configuration.  The
-- milter reads them from the project's hash in the Redis view; a message
-- to several projects gets the strictest of their policies
-- (doc/sender-identity.md, "Policy").

ALTER TABLE projects
	ADD COLUMN dmarc_reject boolean,
	ADD COLUMN dmarc_quarantine text CHECK (dmarc_quarantine IN ('accept', 'reject')),
	ADD COLUMN desk_from_auth boolean;
