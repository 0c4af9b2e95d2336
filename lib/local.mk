# libmaildesk: everything that is not glue.  No libmilter in here.
noinst_LIBRARIES += lib/libmaildesk.a
lib_libmaildesk_a_SOURCES = \
	lib/util/buf.c lib/util/buf.h \
	lib/util/log.c lib/util/log.h \
	lib/util/conf.c lib/util/conf_check.c lib/util/conf.h \
	lib/util/conf_keys.c lib/util/conf_keys.h lib/util/conf_table.h \
	lib/util/conf_check.h lib/util/conf_credentials.c lib/util/conf_credentials.h \
	lib/util/redact.c lib/util/redact.h \
	lib/mail/record.c lib/mail/record.h \
	lib/mail/address.c lib/mail/address.h \
	lib/mail/keygen.c lib/mail/keygen.h \
	lib/mail/mime.c lib/mail/mime_headers.c lib/mail/mime_int.h lib/mail/mime.h lib/mail/mime_input.c lib/mail/mime_input.h \
	lib/mail/mime_charset.c lib/mail/mime_charset.h lib/mail/mime_flowed.c lib/mail/mime_uu.c lib/mail/mime_parts.c \
	lib/mail/mime_decode.c lib/mail/tnef.c lib/mail/tnef.h lib/mail/file_type.c lib/mail/file_type.h \
	lib/mail/html2text.c lib/mail/html_tag.c lib/mail/html_tag.h lib/mail/utf8.c lib/mail/utf8.h \
	lib/store/redis.c lib/store/redis.h lib/store/redis_cmd.c lib/store/redis_eval.c lib/store/redis_int.h \
	lib/store/redis_pool.c \
	lib/store/redis_sentinel.c lib/store/redis_sentinel.h lib/util/sentinel_addr.c lib/util/sentinel_addr.h \
	lib/store/projects.c lib/store/projects.h \
	lib/store/inbox.c lib/store/inbox.h \
	lib/store/resolve.c lib/store/resolve.h \
	lib/store/ingest.c lib/store/ingest.h

# What every program linking libmaildesk needs.
MD_LIBS = lib/libmaildesk.a $(GMIME_LIBS) $(HIREDIS_LIBS) $(CURL_LIBS) $(SPF_LIBS) $(PQ_LIBS) -lpthread
lib_libmaildesk_a_SOURCES += lib/mail/trim.c lib/mail/trim.h lib/mail/trim_int.h lib/mail/trim_lang.c lib/mail/html_trim.c
lib_libmaildesk_a_SOURCES += lib/mail/trim_words.c lib/mail/trim_norm.c lib/mail/trim_lines.c
lib_libmaildesk_a_SOURCES += lib/mail/trim_blocks.c
lib_libmaildesk_a_SOURCES += lib/mail/spf.c lib/mail/spf.h lib/mail/spf_resolv.c lib/util/netlist.c lib/util/netlist.h lib/mail/spamd.c lib/mail/spamd.h lib/mail/score.c lib/mail/score.h lib/mail/automated.c lib/mail/automated.h lib/store/ratelimit.c lib/store/ratelimit.h lib/store/lists.c lib/store/lists.h lib/store/rcpt_gate.c lib/store/rcpt_gate.h
# What the desk answers a sender: pure rules over the milter's facts.
lib_libmaildesk_a_SOURCES += lib/policy/policy.c lib/policy/policy.h
lib_libmaildesk_a_SOURCES += lib/store/users.c lib/store/users.h lib/store/session.c lib/store/session.h
MD_LIBS += $(SODIUM_LIBS)
lib_libmaildesk_a_SOURCES += lib/store/alias_cache.c lib/util/json.c lib/util/json.h lib/util/clock.c lib/util/clock.h
lib_libmaildesk_a_SOURCES += lib/mail/template.c lib/mail/template.h lib/mail/compose.c lib/mail/compose.h lib/mail/compose_fold.c lib/mail/compose_qp.c lib/mail/compose_int.h lib/mail/smtp.c lib/mail/smtp.h
lib_libmaildesk_a_SOURCES += lib/store/tracker.c lib/store/tracker.h lib/store/tracker_int.h lib/store/tracker_ingest.c lib/store/tracker_record.c lib/store/tracker_edit.c lib/store/tracker_render.c
lib_libmaildesk_a_SOURCES += lib/store/tracker_mail.c lib/store/tracker_reply.c lib/store/tracker_newreq.c lib/store/tracker_auto.c lib/store/tracker_notes.c
lib_libmaildesk_a_SOURCES += lib/store/tracker_search.c lib/store/tracker_purge.c
lib_libmaildesk_a_SOURCES += lib/store/tracker_lock.c
lib_libmaildesk_a_SOURCES += lib/store/tracker_change.c lib/store/tracker_change.h lib/store/tracker_signature.c lib/store/tracker_signature.h
lib_libmaildesk_a_SOURCES += lib/store/tracker_get.c lib/store/tracker_bytes.c lib/store/tracker_rows.c lib/store/tracker_rows.h
lib_libmaildesk_a_SOURCES += lib/store/tracker_assign.c lib/store/tracker_participants.c lib/store/tracker_mywork.c lib/store/access.c lib/store/access.h lib/store/members.c lib/store/members.h
lib_libmaildesk_a_SOURCES += lib/policy/present.c lib/policy/present.h
# The inbox stream (Redis) and the outbox table (PostgreSQL) as queues.
lib_libmaildesk_a_SOURCES += lib/store/queue.c lib/store/queue.h lib/store/queue_retry.c lib/store/queue_int.h lib/store/inbox_group.c lib/store/inbox_group.h lib/store/stream_names.h lib/policy/outbox_fate.c lib/policy/outbox_fate.h lib/policy/sender_policy.c lib/policy/sender_policy.h lib/store/outbox_store.c lib/store/outbox_store.h lib/store/outbox_listen.c lib/store/outbox_admin.c
lib_libmaildesk_a_SOURCES += lib/store/template_store.c lib/store/template_store.h
lib_libmaildesk_a_SOURCES += lib/util/pidfile.c lib/util/pidfile.h

# The tracker of record (PostgreSQL) and its schema migrations, compiled in.
lib_libmaildesk_a_SOURCES += lib/store/db.c lib/store/db.h lib/store/db_values.c lib/store/db_schema.c lib/store/db_migrations.h lib/store/store.c lib/store/store.h
nodist_lib_libmaildesk_a_SOURCES = lib/db_migrations.c
# The Redis Lua scripts: lib/lua/*.lua with named KEYS/ARGV, compiled in
# with their slot numbers and shared constants as one generated header.
MD_LUA_FILES = \
	$(top_srcdir)/lib/lua/rate_hit.lua $(top_srcdir)/lib/lua/listed.lua \
	$(top_srcdir)/lib/lua/rate_hit_one.lua $(top_srcdir)/lib/lua/lists_check.lua \
	$(top_srcdir)/lib/lua/rcpt_gate.lua $(top_srcdir)/lib/lua/inbox_append.lua \
	$(top_srcdir)/lib/lua/queue_bury.lua $(top_srcdir)/lib/lua/queue_retry.lua \
	$(top_srcdir)/lib/lua/queue_ack.lua $(top_srcdir)/lib/lua/view_project_put.lua \
	$(top_srcdir)/lib/lua/view_project_del.lua $(top_srcdir)/lib/lua/view_keys.lua \
	$(top_srcdir)/lib/lua/responder_keys.lua
nodist_lib_libmaildesk_a_SOURCES += lib/lua_scripts.c lib/lua_scripts.h
BUILT_SOURCES += lib/lua_scripts.c lib/lua_scripts.h
CLEANFILES += lib/lua_scripts.c lib/lua_scripts.h
EXTRA_DIST += lib/lua/embed-lua.sh lib/lua/constants.def $(MD_LUA_FILES)
lib/lua_scripts.h: lib/lua_scripts.c
# BUILT_SOURCES covers "make"; this covers "make lib/libmaildesk.a" too.
$(am_lib_libmaildesk_a_OBJECTS) $(am_cli_maildesk_OBJECTS) $(am_milter_maildesk_milter_OBJECTS) \
	$(am_worker_maildesk_worker_OBJECTS) $(am_web_maildesk_web_OBJECTS): lib/lua_scripts.h
lib/lua_scripts.c: $(MD_LUA_FILES) $(top_srcdir)/lib/lua/constants.def $(top_srcdir)/lib/lua/embed-lua.sh
	@$(MKDIR_P) lib
	$(SHELL) $(top_srcdir)/lib/lua/embed-lua.sh lib/lua_scripts.c lib/lua_scripts.h \
		$(top_srcdir)/lib/lua/constants.def $(MD_LUA_FILES)
# Every migration, oldest first: a new one is a new file here and a line.
MD_MIGRATIONS = \
	$(top_srcdir)/db/migrations/001_tracker.sql \
	$(top_srcdir)/db/migrations/002_members.sql \
	$(top_srcdir)/db/migrations/003_notify.sql \
	$(top_srcdir)/db/migrations/004_triage.sql \
	$(top_srcdir)/db/migrations/005_sender_policy.sql
BUILT_SOURCES += lib/db_migrations.c
CLEANFILES += lib/db_migrations.c
EXTRA_DIST += db/embed-sql.sh db/migrations
lib/db_migrations.c: $(MD_MIGRATIONS) $(top_srcdir)/db/embed-sql.sh
	@$(MKDIR_P) lib
	$(SHELL) $(top_srcdir)/db/embed-sql.sh $@ $(MD_MIGRATIONS)
lib_libmaildesk_a_SOURCES += lib/mail/dns_txt.c lib/mail/dns_txt.h lib/mail/dkim_verify.c lib/mail/dkim_verify.h lib/mail/dmarc.c lib/mail/dmarc.h lib/mail/sender_auth.c lib/mail/sender_auth.h
MD_LIBS += $(OPENDKIM_LIBS) $(PSL_LIBS)
# The tracker's settings side: projects, aliases, lists in PostgreSQL; the milter's view.
lib_libmaildesk_a_SOURCES += lib/store/project_store.c lib/store/project_store.h lib/store/view.c lib/store/view.h lib/store/view_rebuild.c lib/mail/validate.c lib/mail/validate.h
lib_libmaildesk_a_SOURCES += lib/store/view_domains.c
# Web login throttling: counters in PostgreSQL, the policy on them.
lib_libmaildesk_a_SOURCES += lib/policy/login_throttle.c lib/policy/login_throttle.h
# Prometheus metrics: the registry and text format, the small /metrics listener.
lib_libmaildesk_a_SOURCES += lib/util/metrics.c lib/util/metrics.h lib/util/metrics_http.c lib/util/metrics_http.h
# The daemons' shared command line, configuration loading, detaching, PID file.
lib_libmaildesk_a_SOURCES += lib/ops/daemon.c lib/ops/daemon.h
# `maildesk doctor`: one file per family of checks, and the milter protocol probe.
lib_libmaildesk_a_SOURCES += lib/ops/doctor.c lib/ops/doctor.h lib/ops/doctor_checks_redis.c lib/ops/doctor_checks_net.c lib/ops/doctor_checks_mta.c lib/ops/doctor_checks_sendmail.c lib/ops/milter_probe.c lib/ops/milter_probe.h
lib_libmaildesk_a_SOURCES += lib/ops/doctor_report.c lib/ops/doctor_report.h lib/ops/doctor_checks.h lib/ops/doctor_milter_addr.c lib/ops/doctor_milter_addr.h
lib_libmaildesk_a_SOURCES += lib/ops/doctor_redis.c lib/ops/doctor_redis.h lib/ops/doctor_redis_acl.c lib/ops/doctor_redis_server.c lib/ops/doctor_redis_sentinel.c
# Triage rules (pure matching; storage and application at filing) and canned replies (issue 18).
lib_libmaildesk_a_SOURCES += lib/store/triage.c lib/store/triage.h lib/store/triage_store.c lib/store/triage_store.h lib/store/canned_store.c lib/store/canned_store.h
# Notifications to responders, their answer addresses, answers by email (issue 18).
lib_libmaildesk_a_SOURCES += lib/store/notify.c lib/store/notify.h lib/store/notify_keys.c lib/store/responder_reply.c
lib_libmaildesk_a_SOURCES += lib/store/responder_reply.h lib/store/tracker_assign.h lib/store/notify_keys.h
# Non-blocking sockets against a deadline (spamd, the milter probe).
lib_libmaildesk_a_SOURCES += lib/util/sock.c lib/util/sock.h
# The named slots of the Lua scripts (lib/store/lua.h, over the generated lua_scripts.h).
lib_libmaildesk_a_SOURCES += lib/store/lua.h
