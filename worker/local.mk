# maildesk-worker(8): inbox records -> issues (main thread), outbox -> SMTP
# relay (second thread), search index catch-up (third thread).
sbin_PROGRAMS += worker/maildesk-worker
worker_maildesk_worker_SOURCES = worker/main.c worker/inbox.c worker/wk_inbox.h \
	worker/outbox.c worker/outbox.h worker/outbox_steps.c worker/outbox_int.h \
	worker/indexer.c worker/indexer.h worker/retry.c worker/retry.h \
	worker/metrics.c worker/wk_metrics.h
worker_maildesk_worker_LDADD = $(MD_LIBS)
dist_man_MANS += doc/maildesk-worker.8
