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
