-- postgresql-roles.sql - least privilege for maildesk in PostgreSQL.
--
-- One role per program, so that a compromised program can do no more than
-- its job needs (maildesk.conf(5), "PostgreSQL roles"):
--
--   maildesk_owner   owns the schema: runs `maildesk db migrate` (DDL).
--   maildesk_worker  files mail and sends it: rows of the tracker tables
--                    (SELECT, INSERT, UPDATE, DELETE), no DDL, and nothing
--                    at all of users, sessions and login_failures
--                    (password hashes and session tokens).
--   maildesk_web     the web UI: rows of every table, no DDL.
--   maildesk_cli     maildesk(1): rows of every table, no DDL.
--
-- The milter has no role: it never talks to PostgreSQL.  None of the three
-- program roles may TRUNCATE, create or alter tables, or write md_schema
-- (the record of applied migrations).
--
-- Run it as a superuser in the maildesk database, once before the first
-- migration and again after each one (it is idempotent):
--
--   sudo -u postgres psql -d maildesk -v ON_ERROR_STOP=1 -f postgresql-roles.sql
--
-- The roles are created with LOGIN and no password: give each one a
-- password (ALTER ROLE maildesk_web PASSWORD '...', or \password in psql),
-- or map the programs' system users to them with peer authentication
-- (pg_ident.conf).  Then in maildesk.conf:
--
--   worker_database = dbname=maildesk user=maildesk_worker
--   web_database    = dbname=maildesk user=maildesk_web
--   cli_database    = dbname=maildesk user=maildesk_cli
--
-- and migrate as the owner, e.g. with a file only the admin can read that
-- sets cli_database = dbname=maildesk user=maildesk_owner:
--
--   maildesk -c /etc/maildesk/owner.conf db migrate

DO $$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['maildesk_owner', 'maildesk_worker', 'maildesk_web',
	    'maildesk_cli'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I LOGIN', r);
		END IF;
	END LOOP;
END
$$;

-- Connecting to this database; nobody else creates anything in it.
DO $$
BEGIN
	EXECUTE format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM PUBLIC',
	    current_database());
	EXECUTE format('GRANT CONNECT ON DATABASE %I TO maildesk_owner, maildesk_worker, '
	    'maildesk_web, maildesk_cli', current_database());
	EXECUTE format('GRANT CREATE ON DATABASE %I TO maildesk_owner', current_database());
END
$$;

-- Only the owner creates tables (PostgreSQL 15 already revokes CREATE on
-- public from PUBLIC; older versions do not).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO maildesk_worker, maildesk_web, maildesk_cli;
GRANT USAGE, CREATE ON SCHEMA public TO maildesk_owner;

-- The tables and sequences that exist now (none before the first
-- migration: then the default privileges below do it)...
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public
	TO maildesk_worker, maildesk_web, maildesk_cli;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public
	TO maildesk_worker, maildesk_web, maildesk_cli;

-- ... and those later migrations create as maildesk_owner.
ALTER DEFAULT PRIVILEGES FOR ROLE maildesk_owner IN SCHEMA public
	GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES
	TO maildesk_worker, maildesk_web, maildesk_cli;
ALTER DEFAULT PRIVILEGES FOR ROLE maildesk_owner IN SCHEMA public
	GRANT USAGE, SELECT ON SEQUENCES
	TO maildesk_worker, maildesk_web, maildesk_cli;

-- What the grants above give too much of, once the tables exist: the
-- migration record is read (the schema check) but only the owner writes
-- it; the worker never needs accounts, sessions or login throttling.
DO $$
DECLARE
	t text;
BEGIN
	IF to_regclass('public.md_schema') IS NOT NULL THEN
		REVOKE INSERT, UPDATE, DELETE ON public.md_schema
			FROM maildesk_worker, maildesk_web, maildesk_cli;
	END IF;
	FOREACH t IN ARRAY ARRAY['users', 'sessions', 'login_failures'] LOOP
		IF to_regclass('public.' || t) IS NOT NULL THEN
			EXECUTE format('REVOKE ALL ON public.%I FROM maildesk_worker', t);
		END IF;
	END LOOP;
	-- Except who the responders are, for their notifications and their
	-- answers by email (003_notify.sql): never the password hash.
	IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'public'
	    AND table_name = 'users' AND column_name = 'signature') THEN
		GRANT SELECT (name, role, email, notify, signature) ON public.users
			TO maildesk_worker;
	END IF;
END
$$;
