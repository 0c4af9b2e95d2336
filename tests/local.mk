# Test suites.  Every test prints TAP; see tests/README.
include tests/unit/local.mk
include tests/milter/local.mk
include tests/e2e/local.mk
EXTRA_DIST += tests/harness/lib.sh tests/harness/tap.sh
