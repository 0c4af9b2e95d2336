# Manual pages and design notes.
dist_man_MANS += doc/maildesk-milter.8 doc/maildesk.conf.5
EXTRA_DIST += doc/redis-schema.md
