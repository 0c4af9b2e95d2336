# The worker's outbox sender loop (worker/outbox*.c) against a real
# PostgreSQL and a real SMTP peer.  Unit tests of lib/ are in tests/unit;
# these compile the daemon's own code, so they live apart from them.
WORKER_TEST_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/worker -I$(top_srcdir)/tests/unit
WORKER_TEST_OUTBOX = tests/unit/unit.h tests/unit/pg_fixture.h \
	tests/unit/smtp_peer.c tests/unit/smtp_peer.h tests/worker/outbox_fixture.h \
	worker/outbox.c worker/outbox.h worker/outbox_steps.c worker/outbox_int.h \
	worker/metrics.c worker/wk_metrics.h
check_PROGRAMS += tests/worker/test_outbox tests/worker/test_outbox_senders
tests_worker_test_outbox_SOURCES = tests/worker/test_outbox.c $(WORKER_TEST_OUTBOX)
tests_worker_test_outbox_CFLAGS = $(WORKER_TEST_CFLAGS)
tests_worker_test_outbox_LDADD = $(UNIT_LDADD)
tests_worker_test_outbox_senders_SOURCES = tests/worker/test_outbox_senders.c $(WORKER_TEST_OUTBOX)
tests_worker_test_outbox_senders_CFLAGS = $(WORKER_TEST_CFLAGS)
tests_worker_test_outbox_senders_LDADD = $(UNIT_LDADD)
TESTS += tests/worker/test_outbox tests/worker/test_outbox_senders
