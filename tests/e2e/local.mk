# end-to-end suites
TESTS += tests/e2e/ingest.sh
dist_check_SCRIPTS += tests/e2e/ingest.sh
EXTRA_DIST += tests/fixtures/e2e/latin1.eml tests/fixtures/e2e/utf8.eml \
	tests/fixtures/e2e/html.eml tests/fixtures/e2e/attachment.eml \
	tests/fixtures/e2e/broken_boundary.eml tests/fixtures/e2e/no_headers.eml \
	tests/fixtures/e2e/junk.eml
