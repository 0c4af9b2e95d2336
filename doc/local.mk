# Manual pages and design notes.  (maildesk-worker.8 and maildesk-web.8 are
# listed by worker/local.mk and web/local.mk.)
dist_man_MANS += doc/maildesk-milter.8 doc/maildesk.conf.5 doc/maildesk.1
EXTRA_DIST += doc/redis-schema.md doc/design.md doc/conversation.md doc/screenshot-issue.png
EXTRA_DIST += doc/reliability.md doc/scaling.md doc/performance.md
EXTRA_DIST += doc/db-schema.md doc/sender-identity.md
