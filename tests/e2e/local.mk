# end-to-end suites
TESTS += tests/e2e/ingest.sh
dist_check_SCRIPTS += tests/e2e/ingest.sh
EXTRA_DIST += tests/fixtures/e2e/latin1.eml tests/fixtures/e2e/utf8.eml \
	tests/fixtures/e2e/html.eml tests/fixtures/e2e/attachment.eml \
	tests/fixtures/e2e/broken_boundary.eml tests/fixtures/e2e/no_headers.eml \
	tests/fixtures/e2e/junk.eml
TESTS += tests/e2e/cli_project.sh
dist_check_SCRIPTS += tests/e2e/cli_project.sh
TESTS += tests/e2e/cli_members.sh
dist_check_SCRIPTS += tests/e2e/cli_members.sh
TESTS += tests/e2e/replica_wait.sh
dist_check_SCRIPTS += tests/e2e/replica_wait.sh

# maildesk-web: JSON API and security headers (curl), front-end (Chromium).
check_PROGRAMS += tests/web/mkissue
tests_web_mkissue_SOURCES = tests/web/mkissue.c
tests_web_mkissue_LDADD = $(MD_LIBS)
EXTRA_DIST += tests/web/web.sh tests/web/browser.mjs tests/web/package.json \
	tests/web/package-lock.json tests/fixtures/web/attachment.eml

TESTS += tests/web/api.sh
dist_check_SCRIPTS += tests/web/api.sh
# The responders' API (issue 18): membership, 404 for strangers, ownership.
TESTS += tests/web/api_members.sh
dist_check_SCRIPTS += tests/web/api_members.sh
# GET/POST /api/me: notification address, notify, signature (issue 18).
TESTS += tests/web/api_me.sh
dist_check_SCRIPTS += tests/web/api_me.sh

# Login throttling without lockout: per address, per (name, address), delays
# per name, 60 parallel guesses (clients on 127.0.0.x with curl --interface).
TESTS += tests/web/login_throttle.sh
dist_check_SCRIPTS += tests/web/login_throttle.sh

TESTS += tests/web/browser.sh
dist_check_SCRIPTS += tests/web/browser.sh

# The responders' pages (issue 18): team, triage, canned replies, My work.
TESTS += tests/web/browser_responders.sh
dist_check_SCRIPTS += tests/web/browser_responders.sh
EXTRA_DIST += tests/web/browser_responders.mjs

# maildesk-worker: records -> issues -> mail (helper "tracker").
EXTRA_DIST += tests/e2e/worker_common.sh
TESTS += tests/e2e/worker_basic.sh
dist_check_SCRIPTS += tests/e2e/worker_basic.sh

TESTS += tests/e2e/worker_crash.sh
dist_check_SCRIPTS += tests/e2e/worker_crash.sh

TESTS += tests/e2e/worker_poison.sh
dist_check_SCRIPTS += tests/e2e/worker_poison.sh

TESTS += tests/e2e/queue_retry.sh
dist_check_SCRIPTS += tests/e2e/queue_retry.sh

TESTS += tests/e2e/worker_relay.sh
dist_check_SCRIPTS += tests/e2e/worker_relay.sh

TESTS += tests/e2e/worker_parallel.sh
dist_check_SCRIPTS += tests/e2e/worker_parallel.sh

# the harness's own test (tests/harness/*.sh)
TESTS += tests/e2e/harness_selftest.sh
dist_check_SCRIPTS += tests/e2e/harness_selftest.sh
EXTRA_DIST += tests/harness/postfix.sh tests/harness/netns.sh

# Trust decisions end to end: SPF, rate limits, spam score, block/allow
# lists, automated mail, and the -n configuration check (helper "trust-e2e").
TESTS += tests/e2e/trust_spf.sh tests/e2e/trust_rate.sh tests/e2e/trust_spam.sh \
	tests/e2e/trust_lists.sh tests/e2e/trust_automated.sh tests/e2e/config_check.sh
dist_check_SCRIPTS += tests/e2e/trust_spf.sh tests/e2e/trust_rate.sh tests/e2e/trust_spam.sh \
	tests/e2e/trust_lists.sh tests/e2e/trust_automated.sh tests/e2e/config_check.sh

# the email conversation (helper "conversation")
EXTRA_DIST += tests/fixtures/conversation/sink.sh
TESTS += tests/e2e/conversation.sh
dist_check_SCRIPTS += tests/e2e/conversation.sh
# replies built from tests/fixtures/replies/*.cases through Postfix: the notes' text
TESTS += tests/e2e/conversation_trim.sh
dist_check_SCRIPTS += tests/e2e/conversation_trim.sh
EXTRA_DIST += tests/fixtures/conversation/autoresponder.sh
TESTS += tests/e2e/loops.sh
dist_check_SCRIPTS += tests/e2e/loops.sh

TESTS += tests/e2e/cli_template.sh
dist_check_SCRIPTS += tests/e2e/cli_template.sh

# chaos: SIGKILLs of milters, workers, Redis and PostgreSQL under SMTP load (helper
# "chaos"); tests/chaos/chaos.sh alone is the 10 000-message run.
TESTS += tests/e2e/chaos_short.sh
dist_check_SCRIPTS += tests/e2e/chaos_short.sh
EXTRA_DIST += tests/chaos/chaos.sh tests/chaos/gen.pl tests/chaos/client.pl \
	tests/chaos/check.pl
# High availability (issue 20): the Redis primary killed under load, Sentinel
# promotes a replica; the PostgreSQL primary killed, its standby promoted.
# tests/chaos/failover.sh alone is the long run.
TESTS += tests/e2e/redis_failover.sh tests/e2e/pg_failover.sh
dist_check_SCRIPTS += tests/e2e/redis_failover.sh tests/e2e/pg_failover.sh
EXTRA_DIST += tests/chaos/failover.sh tests/chaos/verify.sh

TESTS += tests/e2e/milter_leaks.sh
dist_check_SCRIPTS += tests/e2e/milter_leaks.sh

# maildesk-web with real mail: request through Postfix + milter + worker,
# comments in Chromium, the public one mailed, the internal one not.
TESTS += tests/web/browser_mail.sh
dist_check_SCRIPTS += tests/web/browser_mail.sh
EXTRA_DIST += tests/web/browser_mail.mjs tests/web/chromium.mjs

# Sender identity: DKIM signatures made in the test, DMARC records in dnsmasq.
TESTS += tests/e2e/trust_dmarc.sh
dist_check_SCRIPTS += tests/e2e/trust_dmarc.sh
# ... and issue 17's forged reply through the worker to the CLI and the web API.
TESTS += tests/e2e/trust_forged_reply.sh
dist_check_SCRIPTS += tests/e2e/trust_forged_reply.sh

# the tracker in PostgreSQL: schema migrations, backup and restore (with the
# Redis view rebuilt), searches under SMTP load.
TESTS += tests/e2e/db_migrate.sh tests/e2e/backup.sh tests/e2e/search_load.sh
dist_check_SCRIPTS += tests/e2e/db_migrate.sh tests/e2e/backup.sh tests/e2e/search_load.sh

# Hardening: each program's Redis ACL user (contrib/redis-users.acl),
# the milter's 451 when Redis refuses writes for lack of memory, and the
# PostgreSQL roles (contrib/postgresql-roles.sql).
TESTS += tests/e2e/redis_acl.sh tests/e2e/redis_oom.sh tests/e2e/pg_roles.sh
dist_check_SCRIPTS += tests/e2e/redis_acl.sh tests/e2e/redis_oom.sh tests/e2e/pg_roles.sh
EXTRA_DIST += contrib/redis-users.acl contrib/postgresql-roles.sql

# Responders' notifications and answers by email through Postfix (issue 18).
TESTS += tests/e2e/notify.sh
dist_check_SCRIPTS += tests/e2e/notify.sh

# contrib/sandbox.sh run as a new user would (--no-build): the printed URL and
# credentials log in to maildesk-web; SIGTERM leaves nothing running.
TESTS += tests/e2e/sandbox.sh
dist_check_SCRIPTS += tests/e2e/sandbox.sh
# Triage rules and canned replies in the CLI, and rules applied at filing (issue 18).
TESTS += tests/e2e/cli_triage.sh
dist_check_SCRIPTS += tests/e2e/cli_triage.sh

# Sendmail 8.17 (Debian's packages extracted by contrib/install-deps.sh, not
# installed) with contrib/sendmail/maildesk.mc in front of the milter; the
# ground of ingest.sh plus the root-dot address (issue 19).
TESTS += tests/e2e/sendmail.sh
dist_check_SCRIPTS += tests/e2e/sendmail.sh
EXTRA_DIST += tests/harness/sendmail.sh
# maildesk doctor: a healthy installation, then each fault on its line (issue 19).
TESTS += tests/e2e/doctor.sh
dist_check_SCRIPTS += tests/e2e/doctor.sh
# The triage and canned-reply endpoints of the JSON API (issue 18).
TESTS += tests/web/api_triage.sh
dist_check_SCRIPTS += tests/web/api_triage.sh

# Prometheus metrics of the milter, the worker and the web UI after an e2e
# run whose counts are known, and one mail followed through both logs.
TESTS += tests/e2e/metrics.sh
dist_check_SCRIPTS += tests/e2e/metrics.sh

# -h/--help, -V/--version and exit 2 for a bad option on every program; the
# bash completion of maildesk (contrib/bash-completion).  No servers.
TESTS += tests/e2e/program_options.sh
dist_check_SCRIPTS += tests/e2e/program_options.sh
