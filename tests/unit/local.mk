# Unit tests of lib/ (check).  One program per lib unit.
UNIT_LDADD = $(MD_LIBS) $(CHECK_LIBS)
UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)

check_PROGRAMS += tests/unit/test_conf
tests_unit_test_conf_SOURCES = tests/unit/test_conf.c tests/unit/unit.h
tests_unit_test_conf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_conf_LDADD = $(UNIT_LDADD)

check_PROGRAMS += tests/unit/test_record
tests_unit_test_record_SOURCES = tests/unit/test_record.c tests/unit/unit.h
tests_unit_test_record_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_record_LDADD = $(UNIT_LDADD)

TESTS += tests/unit/test_conf tests/unit/test_record

# Passwords out of what is logged (lib/util/redact.c).
check_PROGRAMS += tests/unit/test_redact
tests_unit_test_redact_SOURCES = tests/unit/test_redact.c tests/unit/unit.h
tests_unit_test_redact_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_redact_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_redact

# The buffer every text is built in, and its sticky error (lib/util/buf.c).
check_PROGRAMS += tests/unit/test_buf
tests_unit_test_buf_SOURCES = tests/unit/test_buf.c tests/unit/unit.h
tests_unit_test_buf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_buf_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_buf

# Every Redis Lua script loads into a real redis-server (lib/lua).
check_PROGRAMS += tests/unit/test_lua
tests_unit_test_lua_SOURCES = tests/unit/test_lua.c tests/unit/unit.h tests/unit/redis_fixture.h
tests_unit_test_lua_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_lua_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_lua

# The milter's policy, one row per rule (lib/policy/policy.c).
check_PROGRAMS += tests/unit/test_policy
tests_unit_test_policy_SOURCES = tests/unit/test_policy.c tests/unit/unit.h
tests_unit_test_policy_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_policy_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_policy

check_PROGRAMS += tests/unit/test_trim
tests_unit_test_trim_SOURCES = tests/unit/test_trim.c tests/unit/unit.h
tests_unit_test_trim_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_trim_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_trim
EXTRA_DIST += tests/fixtures/replies/apple_mail.expected \
	tests/fixtures/replies/apple_mail.txt \
	tests/fixtures/replies/french.expected \
	tests/fixtures/replies/french.txt \
	tests/fixtures/replies/german_gmail.expected \
	tests/fixtures/replies/german_gmail.txt \
	tests/fixtures/replies/gmail_top.expected \
	tests/fixtures/replies/gmail_top.txt \
	tests/fixtures/replies/gmail_wrapped.expected \
	tests/fixtures/replies/gmail_wrapped.txt \
	tests/fixtures/replies/mobile_android.expected \
	tests/fixtures/replies/mobile_android.txt \
	tests/fixtures/replies/only_quote.expected \
	tests/fixtures/replies/only_quote.txt \
	tests/fixtures/replies/outlook.expected \
	tests/fixtures/replies/outlook.txt \
	tests/fixtures/replies/outlook_original.expected \
	tests/fixtures/replies/outlook_original.txt \
	tests/fixtures/replies/plain.expected \
	tests/fixtures/replies/plain.txt \
	tests/fixtures/replies/thunderbird_bottom.expected \
	tests/fixtures/replies/thunderbird_bottom.txt
EXTRA_DIST += tests/fixtures/replies/en.cases tests/fixtures/replies/de.cases \
	tests/fixtures/replies/fr.cases tests/fixtures/replies/it_es_pt.cases \
	tests/fixtures/replies/nl_nordic.cases tests/fixtures/replies/pl_ru_uk_cs_tr.cases \
	tests/fixtures/replies/cjk.cases tests/fixtures/replies/forwards_signatures.cases \
	tests/fixtures/replies/html.cases
EXTRA_DIST += tests/fixtures/replies/more_langs_eu.cases \
	tests/fixtures/replies/rtl_asian.cases tests/fixtures/replies/clients2.cases \
	tests/fixtures/replies/html2.cases tests/fixtures/replies/signatures2.cases \
	tests/fixtures/replies/unknown_langs.cases tests/fixtures/replies/webmail.cases
EXTRA_DIST += tests/fixtures/replies/wrapped_headers.cases
EXTRA_DIST += tests/fixtures/replies/bare_blocks.cases
EXTRA_DIST += tests/fixtures/replies/html3.cases

# SMTP-stage trust decisions (helper "trust").
check_PROGRAMS += tests/unit/test_spf
tests_unit_test_spf_SOURCES = tests/unit/test_spf.c tests/unit/unit.h
tests_unit_test_spf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_spf_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_spf
check_PROGRAMS += tests/unit/test_netlist
tests_unit_test_netlist_SOURCES = tests/unit/test_netlist.c tests/unit/unit.h
tests_unit_test_netlist_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_netlist_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_netlist
check_PROGRAMS += tests/unit/test_spamd
tests_unit_test_spamd_SOURCES = tests/unit/test_spamd.c tests/unit/unit.h
tests_unit_test_spamd_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_spamd_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_spamd
EXTRA_DIST += tests/fixtures/spam/gtube.eml tests/fixtures/spam/ham.eml
check_PROGRAMS += tests/unit/test_score
tests_unit_test_score_SOURCES = tests/unit/test_score.c tests/unit/unit.h
tests_unit_test_score_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_score_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_score
check_PROGRAMS += tests/unit/test_automated
tests_unit_test_automated_SOURCES = tests/unit/test_automated.c tests/unit/unit.h
tests_unit_test_automated_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_automated_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_automated
check_PROGRAMS += tests/unit/test_ratelimit
tests_unit_test_ratelimit_SOURCES = tests/unit/test_ratelimit.c tests/unit/unit.h tests/unit/redis_fixture.h
tests_unit_test_ratelimit_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ratelimit_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_ratelimit
check_PROGRAMS += tests/unit/test_lists
tests_unit_test_lists_SOURCES = tests/unit/test_lists.c tests/unit/unit.h tests/unit/pg_fixture.h tests/unit/redis_fixture.h
tests_unit_test_lists_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_lists_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_lists

check_PROGRAMS += tests/unit/test_rcpt_gate
tests_unit_test_rcpt_gate_SOURCES = tests/unit/test_rcpt_gate.c tests/unit/unit.h tests/unit/redis_fixture.h
tests_unit_test_rcpt_gate_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rcpt_gate_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_rcpt_gate

# redis, projects (real redis-server via redis_fixture.h), json
check_PROGRAMS += tests/unit/test_redis tests/unit/test_projects tests/unit/test_json
tests_unit_test_redis_SOURCES = tests/unit/test_redis.c tests/unit/redis_fixture.h tests/unit/unit.h
tests_unit_test_redis_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_redis_LDADD = $(UNIT_LDADD)
tests_unit_test_projects_SOURCES = tests/unit/test_projects.c tests/unit/pg_fixture.h tests/unit/redis_fixture.h tests/unit/unit.h
tests_unit_test_projects_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_projects_LDADD = $(UNIT_LDADD)
tests_unit_test_json_SOURCES = tests/unit/test_json.c tests/unit/unit.h
tests_unit_test_json_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_json_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_redis tests/unit/test_projects tests/unit/test_json

# Sentinel discovery and failover (real redis-server, replica, redis-sentinel).
check_PROGRAMS += tests/unit/test_redis_sentinel
tests_unit_test_redis_sentinel_SOURCES = tests/unit/test_redis_sentinel.c tests/unit/unit.h
tests_unit_test_redis_sentinel_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_redis_sentinel_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_redis_sentinel
check_PROGRAMS += tests/unit/test_db_failover
tests_unit_test_db_failover_SOURCES = tests/unit/test_db_failover.c tests/unit/pg_fixture.h tests/unit/redis_fixture.h tests/unit/unit.h
tests_unit_test_db_failover_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_db_failover_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_db_failover

# Desk addresses and keys (helper "addr").
check_PROGRAMS += tests/unit/test_address tests/unit/test_keygen
tests_unit_test_address_SOURCES = tests/unit/test_address.c tests/unit/unit.h
tests_unit_test_address_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_address_LDADD = $(UNIT_LDADD)
tests_unit_test_keygen_SOURCES = tests/unit/test_keygen.c tests/unit/unit.h
tests_unit_test_keygen_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_keygen_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_address tests/unit/test_keygen

check_PROGRAMS += tests/unit/test_mime tests/unit/test_html2text
tests_unit_test_mime_SOURCES = tests/unit/test_mime.c tests/unit/mime_fixture.h tests/unit/unit.h
tests_unit_test_mime_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_mime_LDADD = $(UNIT_LDADD)
check_PROGRAMS += tests/unit/test_mime_hostile
tests_unit_test_mime_hostile_SOURCES = tests/unit/test_mime_hostile.c \
	tests/unit/mime_fixture.h tests/unit/unit.h
tests_unit_test_mime_hostile_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_mime_hostile_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_mime_hostile
check_PROGRAMS += tests/unit/test_mime_realworld
tests_unit_test_mime_realworld_SOURCES = tests/unit/test_mime_realworld.c \
	tests/unit/mime_fixture.h tests/unit/unit.h
tests_unit_test_mime_realworld_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_mime_realworld_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_mime_realworld
check_PROGRAMS += tests/unit/test_mime_charsets
tests_unit_test_mime_charsets_SOURCES = tests/unit/test_mime_charsets.c \
	tests/unit/mime_fixture.h tests/unit/unit.h
tests_unit_test_mime_charsets_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_mime_charsets_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_mime_charsets
check_PROGRAMS += tests/unit/test_mime_decode
tests_unit_test_mime_decode_SOURCES = tests/unit/test_mime_decode.c tests/unit/unit.h
tests_unit_test_mime_decode_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_mime_decode_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_mime_decode
# TNEF (winmail.dat) read, and its files in md_mime_parse (lib/mail/tnef.c).
check_PROGRAMS += tests/unit/test_tnef
tests_unit_test_tnef_SOURCES = tests/unit/test_tnef.c tests/unit/tnef_builder.h \
	tests/unit/mime_fixture.h tests/unit/unit.h
tests_unit_test_tnef_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tnef_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_tnef
# Attached messages named after their Subject (lib/mail/mime_parts.c).
check_PROGRAMS += tests/unit/test_mime_attachments
tests_unit_test_mime_attachments_SOURCES = tests/unit/test_mime_attachments.c \
	tests/unit/mime_fixture.h tests/unit/unit.h
tests_unit_test_mime_attachments_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_mime_attachments_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_mime_attachments
EXTRA_DIST += tests/fixtures/mime/outlook_winmail.eml
tests_unit_test_html2text_SOURCES = tests/unit/test_html2text.c tests/unit/unit.h
tests_unit_test_html2text_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_html2text_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_mime tests/unit/test_html2text
EXTRA_DIST += tests/fixtures/mime/alternative.eml \
	tests/fixtures/mime/autoreply.eml \
	tests/fixtures/mime/binary_junk.eml \
	tests/fixtures/mime/boundary_unclosed.eml \
	tests/fixtures/mime/boundary_unused.eml \
	tests/fixtures/mime/cp1252_as_latin1.eml \
	tests/fixtures/mime/dsn.eml \
	tests/fixtures/mime/empty.eml \
	tests/fixtures/mime/headers_only.eml \
	tests/fixtures/mime/html_only.eml \
	tests/fixtures/mime/latin1_qp.eml \
	tests/fixtures/mime/missing_headers.eml \
	tests/fixtures/mime/mixed_pdf.eml \
	tests/fixtures/mime/plain_utf8.eml \
	tests/fixtures/mime/two_from.eml \
	tests/fixtures/mime/unknown_charset.eml
EXTRA_DIST += \
	tests/fixtures/mime/apple_mail_interleaved.eml \
	tests/fixtures/mime/apple_mail_html_interleaved.eml \
	tests/fixtures/mime/ascii_label_utf8_body.eml \
	tests/fixtures/mime/big5_comment.eml \
	tests/fixtures/mime/broken_encodings.eml \
	tests/fixtures/mime/calendar_invite.eml \
	tests/fixtures/mime/cp1250_latin2.eml \
	tests/fixtures/mime/cp1251_split_words.eml \
	tests/fixtures/mime/euc_kr_qp.eml \
	tests/fixtures/mime/flowed_delsp.eml \
	tests/fixtures/mime/forward_tnef.eml \
	tests/fixtures/mime/gb18030_big5.eml \
	tests/fixtures/mime/gb2312_gbk.eml \
	tests/fixtures/mime/gmail_alternative.eml \
	tests/fixtures/mime/html_meta_charset.eml \
	tests/fixtures/mime/iso2022jp.eml \
	tests/fixtures/mime/iso2022jp_nec.eml \
	tests/fixtures/mime/iso2022jp_raw_headers.eml \
	tests/fixtures/mime/koi8r_qp_lower.eml \
	tests/fixtures/mime/ks_c_5601.eml \
	tests/fixtures/mime/mdn_read_receipt.eml \
	tests/fixtures/mime/ndr_nested_report.eml \
	tests/fixtures/mime/outlook_html_related.eml \
	tests/fixtures/mime/pgp_signed_flowed.eml \
	tests/fixtures/mime/raw_8bit_gb2312_headers.eml \
	tests/fixtures/mime/rfc2047_glued_words.eml \
	tests/fixtures/mime/rfc2047_long_folded.eml \
	tests/fixtures/mime/rfc2231_filenames.eml \
	tests/fixtures/mime/shift_jis_cp932.eml \
	tests/fixtures/mime/smime_signed_nested.eml \
	tests/fixtures/mime/utf8_label_latin1_body.eml \
	tests/fixtures/mime/uuencoded_attachment.eml

# outbound mail: templates, composition, SMTP submission
check_PROGRAMS += tests/unit/test_template tests/unit/test_compose tests/unit/test_smtp
tests_unit_test_template_SOURCES = tests/unit/test_template.c tests/unit/unit.h
tests_unit_test_template_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_template_LDADD = $(UNIT_LDADD)
tests_unit_test_compose_SOURCES = tests/unit/test_compose.c tests/unit/unit.h
tests_unit_test_compose_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_compose_LDADD = $(UNIT_LDADD)
tests_unit_test_smtp_SOURCES = tests/unit/test_smtp.c tests/unit/unit.h \
	tests/unit/smtp_peer.c tests/unit/smtp_peer.h
tests_unit_test_smtp_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_smtp_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_template tests/unit/test_compose tests/unit/test_smtp

# How an outbound mail ends (lib/policy/outbox_fate.c), one row per case.
check_PROGRAMS += tests/unit/test_outbox_fate
tests_unit_test_outbox_fate_SOURCES = tests/unit/test_outbox_fate.c tests/unit/unit.h
tests_unit_test_outbox_fate_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_outbox_fate_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_outbox_fate

# Which sender-identity policy a message gets (lib/policy/sender_policy.c).
check_PROGRAMS += tests/unit/test_sender_policy
tests_unit_test_sender_policy_SOURCES = tests/unit/test_sender_policy.c tests/unit/unit.h
tests_unit_test_sender_policy_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sender_policy_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_sender_policy

# The tracker against a real redis-server (helper "tracker").
check_PROGRAMS += tests/unit/test_tracker
tests_unit_test_tracker_SOURCES = tests/unit/test_tracker.c tests/unit/tracker_fixture.h \
	tests/unit/redis_fixture.h tests/unit/unit.h
tests_unit_test_tracker_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tracker_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_tracker
# Two workers' reads crossing replies and new requests: one lock order.
check_PROGRAMS += tests/unit/test_lock_order
tests_unit_test_lock_order_SOURCES = tests/unit/test_lock_order.c \
	tests/unit/tracker_fixture.h tests/unit/pg_fixture.h tests/unit/redis_fixture.h \
	tests/unit/unit.h
tests_unit_test_lock_order_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_lock_order_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_lock_order
check_PROGRAMS += tests/unit/test_tracker_edit
tests_unit_test_tracker_edit_SOURCES = tests/unit/test_tracker_edit.c \
	tests/unit/issue_rows.h tests/unit/pg_fixture.h tests/unit/redis_fixture.h tests/unit/unit.h
tests_unit_test_tracker_edit_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tracker_edit_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_tracker_edit
# Responders (issue 18): access, membership, assignee, priority, due, notes.
check_PROGRAMS += tests/unit/test_members
tests_unit_test_members_SOURCES = tests/unit/test_members.c \
	tests/unit/issue_rows.h tests/unit/pg_fixture.h tests/unit/redis_fixture.h tests/unit/unit.h
tests_unit_test_members_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_members_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_members
check_PROGRAMS += tests/unit/test_tracker_search tests/unit/test_purge
tests_unit_test_tracker_search_SOURCES = tests/unit/test_tracker_search.c \
	tests/unit/issue_rows.h tests/unit/pg_fixture.h tests/unit/redis_fixture.h tests/unit/unit.h
tests_unit_test_tracker_search_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tracker_search_LDADD = $(UNIT_LDADD)
tests_unit_test_purge_SOURCES = tests/unit/test_purge.c \
	tests/unit/issue_rows.h tests/unit/pg_fixture.h tests/unit/redis_fixture.h tests/unit/unit.h
tests_unit_test_purge_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_purge_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_tracker_search tests/unit/test_purge

# users, sessions (web UI accounts; real redis-server)
check_PROGRAMS += tests/unit/test_users
tests_unit_test_users_SOURCES = tests/unit/test_users.c tests/unit/pg_fixture.h tests/unit/redis_fixture.h tests/unit/unit.h
tests_unit_test_users_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_users_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_users

check_PROGRAMS += tests/unit/test_conversation
tests_unit_test_conversation_SOURCES = tests/unit/test_conversation.c \
	tests/unit/tracker_fixture.h tests/unit/redis_fixture.h tests/unit/unit.h
tests_unit_test_conversation_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_conversation_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_conversation
check_PROGRAMS += tests/unit/test_dmarc
tests_unit_test_dmarc_SOURCES = tests/unit/test_dmarc.c tests/unit/unit.h tests/unit/dkim_fixture.h
tests_unit_test_dmarc_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dmarc_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_dmarc
EXTRA_DIST += tests/fixtures/dkim/sel.private tests/fixtures/dkim/sel.txt tests/fuzz/fuzz_auth.c
check_PROGRAMS += tests/unit/test_dkim_attacks
tests_unit_test_dkim_attacks_SOURCES = tests/unit/test_dkim_attacks.c tests/unit/unit.h \
	tests/unit/dkim_fixture.h
tests_unit_test_dkim_attacks_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dkim_attacks_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_dkim_attacks
EXTRA_DIST += tests/fixtures/dkim/small512.private tests/fixtures/dkim/small512.txt
EXTRA_DIST += tests/fixtures/dkim/ed.private tests/fixtures/dkim/ed.txt

# Web login throttling: the policy (table driven) and its counters in PostgreSQL.
check_PROGRAMS += tests/unit/test_login_throttle
tests_unit_test_login_throttle_SOURCES = tests/unit/test_login_throttle.c \
	tests/unit/pg_fixture.h tests/unit/redis_fixture.h tests/unit/unit.h
tests_unit_test_login_throttle_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_login_throttle_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_login_throttle

# Metrics registry, text exposition and the /metrics listener (lib/metrics*.c).
check_PROGRAMS += tests/unit/test_metrics
tests_unit_test_metrics_SOURCES = tests/unit/test_metrics.c tests/unit/unit.h
tests_unit_test_metrics_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_metrics_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_metrics
# Triage rules and canned replies (issue 18): the pure matching, then the
# store and the rules applied at filing on a real PostgreSQL.
check_PROGRAMS += tests/unit/test_triage tests/unit/test_triage_store
tests_unit_test_triage_SOURCES = tests/unit/test_triage.c tests/unit/unit.h
tests_unit_test_triage_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_triage_LDADD = $(UNIT_LDADD)
tests_unit_test_triage_store_SOURCES = tests/unit/test_triage_store.c \
	tests/unit/tracker_fixture.h tests/unit/pg_fixture.h tests/unit/redis_fixture.h tests/unit/unit.h
tests_unit_test_triage_store_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_triage_store_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_triage tests/unit/test_triage_store
# responders' notifications and answers by email (issue 18; PostgreSQL, redis-server)
check_PROGRAMS += tests/unit/test_notify
tests_unit_test_notify_SOURCES = tests/unit/test_notify.c \
	tests/unit/tracker_fixture.h tests/unit/pg_fixture.h tests/unit/redis_fixture.h tests/unit/unit.h
tests_unit_test_notify_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_notify_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_notify
# maildesk doctor: smtpd_milters, socket names, the milter protocol probe (issue 19).
check_PROGRAMS += tests/unit/test_doctor_mta
tests_unit_test_doctor_mta_SOURCES = tests/unit/test_doctor_mta.c tests/unit/unit.h
tests_unit_test_doctor_mta_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_doctor_mta_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_doctor_mta
