# Test suites.  Every test prints TAP (automake's tap-driver counts each
# assertion); shell suites use tests/harness/.
include tests/unit/local.mk
include tests/worker/local.mk
# The layering of lib/ (util, mail, store, policy, ops) and of the programs, from #include lines.
TESTS += tests/check-layers.sh
EXTRA_DIST += tests/check-layers.sh tests/lsan.supp
include tests/milter/local.mk
include tests/e2e/local.mk
EXTRA_DIST += tests/harness/lib.sh tests/harness/tap.sh tests/harness/pg-cluster tests/harness/dkim_sign.pl

# libFuzzer harnesses: `make fuzz` (FUZZ_RUNS=N or FUZZ_TIME=seconds).
EXTRA_DIST += tests/fuzz/run.sh tests/fuzz/fuzz_mime.c tests/fuzz/fuzz_address.c \
	tests/fuzz/fuzz_record.c tests/fuzz/fuzz_conf.c tests/fuzz/fuzz_trim.c \
	tests/fuzz/fuzz_template.c tests/fuzz/fuzz_html.c tests/fuzz/fuzz_spamd.c tests/fuzz/corpus
EXTRA_DIST += tests/fuzz/fuzz_html_trim.c tests/fuzz/fuzz_auth.c
EXTRA_DIST += tests/fuzz/fuzz_triage.c
EXTRA_DIST += tests/fuzz/fuzz_tnef.c
fuzz: all
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
		$(SHELL) $(top_srcdir)/tests/fuzz/run.sh
# Every harness to at least 10 million inputs (hours on 2 CPUs; results in
# doc/reliability.md).  FUZZ_LONG_RUNS changes the number.  Inputs are
# capped at 4 KiB (libFuzzer's own default): a grown MIME or reply corpus
# of 12 KiB inputs runs 2 to 3 times slower, and `make fuzz` keeps trying
# inputs up to 64 KiB.
fuzz-long: all
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
		FUZZ_RUNS=$${FUZZ_LONG_RUNS:-10000000} FUZZ_MAX_LEN=$${FUZZ_MAX_LEN:-4096} \
		$(SHELL) $(top_srcdir)/tests/fuzz/run.sh
.PHONY: fuzz fuzz-long
clean-local: clean-fuzz
clean-fuzz:
	rm -rf tests/fuzz/build
.PHONY: clean-fuzz

# Benchmarks (run by hand as root, see doc/performance.md; not part of make check).
EXTRA_DIST += tests/bench/smtp_bench.sh tests/bench/nullmilter.c tests/bench/worker_bench.sh \
	tests/bench/records.pl tests/bench/redis_cost.sh

# The search benchmark's driver (tests/bench/search_bench.sh builds it:
# `make tests/bench/search_bench`).
EXTRA_PROGRAMS = tests/bench/search_bench
tests_bench_search_bench_SOURCES = tests/bench/search_bench.c
tests_bench_search_bench_LDADD = $(MD_LIBS)
EXTRA_DIST += tests/bench/search_bench.sh tests/bench/search_data.sql
