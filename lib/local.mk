# libmaildesk: everything that is not glue.  No libmilter in here.
noinst_LIBRARIES += lib/libmaildesk.a
lib_libmaildesk_a_SOURCES = \
	lib/buf.c lib/buf.h \
	lib/log.c lib/log.h \
	lib/conf.c lib/conf_check.c lib/conf.h \
	lib/redact.c lib/redact.h \
	lib/record.c lib/record.h \
	lib/address.c lib/address.h \
	lib/keygen.c lib/keygen.h \
	lib/mime.c lib/mime_headers.c lib/mime_int.h lib/mime.h lib/mime_input.c lib/mime_input.h \
	lib/html2text.c lib/html_tag.c lib/html_tag.h lib/utf8.c lib/utf8.h \
	lib/redis.c lib/redis.h \
	lib/redis_pool.c \
	lib/redis_sentinel.c lib/redis_sentinel.h \
	lib/projects.c lib/projects.h \
	lib/inbox.c lib/inbox.h \
	lib/resolve.c lib/resolve.h \
	lib/ingest.c lib/ingest.h

# What every program linking libmaildesk needs.
MD_LIBS = lib/libmaildesk.a $(GMIME_LIBS) $(HIREDIS_LIBS) $(CURL_LIBS) $(SPF_LIBS) $(PQ_LIBS) -lpthread
lib_libmaildesk_a_SOURCES += lib/trim.c lib/trim.h lib/trim_int.h lib/trim_lang.c lib/html_trim.c
lib_libmaildesk_a_SOURCES += lib/spf.c lib/spf.h lib/spf_resolv.c lib/netlist.c lib/netlist.h lib/spamd.c lib/spamd.h lib/score.c lib/score.h lib/automated.c lib/automated.h lib/ratelimit.c lib/ratelimit.h lib/lists.c lib/lists.h lib/rcpt_gate.c lib/rcpt_gate.h
# What the desk answers a sender: pure rules over the milter's facts.
lib_libmaildesk_a_SOURCES += lib/policy.c lib/policy.h
lib_libmaildesk_a_SOURCES += lib/users.c lib/users.h lib/session.c lib/session.h
MD_LIBS += $(SODIUM_LIBS)
lib_libmaildesk_a_SOURCES += lib/alias_cache.c lib/json.c lib/json.h lib/clock.c lib/clock.h
lib_libmaildesk_a_SOURCES += lib/template.c lib/template.h lib/compose.c lib/compose.h lib/smtp.c lib/smtp.h
lib_libmaildesk_a_SOURCES += lib/tracker.c lib/tracker.h lib/tracker_int.h lib/tracker_ingest.c lib/tracker_record.c lib/tracker_edit.c lib/tracker_render.c
lib_libmaildesk_a_SOURCES += lib/tracker_mail.c lib/tracker_reply.c lib/tracker_newreq.c lib/tracker_auto.c lib/tracker_notes.c
lib_libmaildesk_a_SOURCES += lib/tracker_search.c lib/tracker_purge.c
lib_libmaildesk_a_SOURCES += lib/tracker_assign.c lib/tracker_participants.c lib/tracker_mywork.c lib/access.c lib/access.h lib/members.c lib/members.h
lib_libmaildesk_a_SOURCES += lib/present.c lib/present.h
# The inbox stream (Redis) and the outbox table (PostgreSQL) as queues.
lib_libmaildesk_a_SOURCES += lib/queue.c lib/queue.h lib/inbox_group.c lib/inbox_group.h lib/stream_names.h lib/outbox_fate.c lib/outbox_fate.h lib/outbox_store.c lib/outbox_store.h
lib_libmaildesk_a_SOURCES += lib/template_store.c lib/template_store.h
lib_libmaildesk_a_SOURCES += lib/pidfile.c lib/pidfile.h

# The tracker of record (PostgreSQL) and its schema migrations, compiled in.
lib_libmaildesk_a_SOURCES += lib/db.c lib/db.h lib/db_migrations.h lib/store.c lib/store.h
nodist_lib_libmaildesk_a_SOURCES = lib/db_migrations.c
# The Redis Lua scripts: lib/lua/*.lua with named KEYS/ARGV, compiled in
# with their slot numbers and shared constants as one generated header.
MD_LUA_FILES = \
	$(top_srcdir)/lib/lua/rate_hit.lua $(top_srcdir)/lib/lua/listed.lua \
	$(top_srcdir)/lib/lua/rate_hit_one.lua $(top_srcdir)/lib/lua/lists_check.lua \
	$(top_srcdir)/lib/lua/rcpt_gate.lua $(top_srcdir)/lib/lua/inbox_append.lua \
	$(top_srcdir)/lib/lua/queue_bury.lua $(top_srcdir)/lib/lua/queue_retry.lua \
	$(top_srcdir)/lib/lua/queue_ack.lua $(top_srcdir)/lib/lua/view_project_put.lua \
	$(top_srcdir)/lib/lua/view_project_del.lua $(top_srcdir)/lib/lua/view_keys.lua
nodist_lib_libmaildesk_a_SOURCES += lib/lua_scripts.c lib/lua_scripts.h
BUILT_SOURCES += lib/lua_scripts.c lib/lua_scripts.h
CLEANFILES += lib/lua_scripts.c lib/lua_scripts.h
EXTRA_DIST += lib/lua/embed-lua.sh lib/lua/constants.def $(MD_LUA_FILES)
lib/lua_scripts.h: lib/lua_scripts.c
# BUILT_SOURCES covers "make"; this covers "make lib/libmaildesk.a" too.
$(am_lib_libmaildesk_a_OBJECTS): lib/lua_scripts.h
lib/lua_scripts.c: $(MD_LUA_FILES) $(top_srcdir)/lib/lua/constants.def $(top_srcdir)/lib/lua/embed-lua.sh
	@$(MKDIR_P) lib
	$(SHELL) $(top_srcdir)/lib/lua/embed-lua.sh lib/lua_scripts.c lib/lua_scripts.h \
		$(top_srcdir)/lib/lua/constants.def $(MD_LUA_FILES)
# Every migration, oldest first: a new one is a new file here and a line.
MD_MIGRATIONS = \
	$(top_srcdir)/db/migrations/001_tracker.sql \
	$(top_srcdir)/db/migrations/002_members.sql \
	$(top_srcdir)/db/migrations/003_notify.sql \
	$(top_srcdir)/db/migrations/004_triage.sql
BUILT_SOURCES += lib/db_migrations.c
CLEANFILES += lib/db_migrations.c
EXTRA_DIST += db/embed-sql.sh db/migrations
lib/db_migrations.c: $(MD_MIGRATIONS) $(top_srcdir)/db/embed-sql.sh
	@$(MKDIR_P) lib
	$(SHELL) $(top_srcdir)/db/embed-sql.sh $@ $(MD_MIGRATIONS)
lib_libmaildesk_a_SOURCES += lib/dns_txt.c lib/dns_txt.h lib/dkim_verify.c lib/dkim_verify.h lib/dmarc.c lib/dmarc.h lib/sender_auth.c lib/sender_auth.h
MD_LIBS += $(OPENDKIM_LIBS) $(PSL_LIBS)
# The tracker's settings side: projects, aliases, lists in PostgreSQL; the milter's view.
lib_libmaildesk_a_SOURCES += lib/project_store.c lib/project_store.h lib/view.c lib/view.h lib/view_rebuild.c lib/validate.c lib/validate.h
# Web login throttling: counters in PostgreSQL, the policy on them.
lib_libmaildesk_a_SOURCES += lib/login_throttle.c lib/login_throttle.h
# Prometheus metrics: the registry and text format, the small /metrics listener.
lib_libmaildesk_a_SOURCES += lib/metrics.c lib/metrics.h lib/metrics_http.c lib/metrics_http.h
# The daemons' shared command line, configuration loading, detaching, PID file.
lib_libmaildesk_a_SOURCES += lib/daemon.c lib/daemon.h
# `maildesk doctor`: one file per family of checks, and the milter protocol probe.
lib_libmaildesk_a_SOURCES += lib/doctor.c lib/doctor.h lib/doctor_checks_redis.c lib/doctor_checks_net.c lib/doctor_checks_mta.c lib/doctor_checks_sendmail.c lib/milter_probe.c lib/milter_probe.h
# Triage rules (pure matching; storage and application at filing) and canned replies (issue 18).
lib_libmaildesk_a_SOURCES += lib/triage.c lib/triage.h lib/triage_store.c lib/triage_store.h lib/canned_store.c lib/canned_store.h
# Notifications to responders, their answer addresses, answers by email (issue 18).
lib_libmaildesk_a_SOURCES += lib/notify.c lib/notify.h lib/notify_keys.c lib/responder_reply.c
# Non-blocking sockets against a deadline (spamd, the milter probe).
lib_libmaildesk_a_SOURCES += lib/sock.c lib/sock.h
# The named slots of the Lua scripts (lib/lua.h, over the generated lua_scripts.h).
lib_libmaildesk_a_SOURCES += lib/lua.h
