-- 002_members.sql - responders (issue 18): project membership, one
-- assignee per issue, priority and the first-response clock.
--
-- A user sees a project's issues when they are a member of it or a site
-- admin (users.role = 'admin'); lib/store/access.c says so for the CLI and the
-- web UI alike.  A maintainer may also change the project's settings,
-- templates, aliases and lists.  doc/db-schema.md explains every column.

CREATE TABLE project_members (
	project		text NOT NULL REFERENCES projects ON DELETE CASCADE,
	username	text NOT NULL REFERENCES users (name) ON DELETE CASCADE,
	role		text NOT NULL CHECK (role IN ('responder', 'maintainer')),
	created		bigint NOT NULL,
	PRIMARY KEY (project, username)
);
-- "my projects" (the project list, my work) starts from the user.
CREATE INDEX project_members_user ON project_members (username);

-- The first-response target in seconds; NULL: none (no due time).
ALTER TABLE projects ADD COLUMN first_response integer
	CHECK (first_response > 0);

-- The due time is computed (issues.created + projects.first_response), so
-- a changed target applies to the open issues too; first_response_at
-- stops the clock (the first public reply by a responder).
ALTER TABLE issues
	ADD COLUMN assignee text REFERENCES users (name) ON DELETE SET NULL,
	ADD COLUMN priority text NOT NULL DEFAULT 'normal'
		CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
	ADD COLUMN first_response_at bigint;
CREATE INDEX issues_assignee ON issues (assignee, project) WHERE state = 'opened';
