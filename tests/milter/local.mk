# miltertest (Lua) suite: one milter, one script per scenario.
TESTS += tests/milter/miltertest.sh
dist_check_SCRIPTS += tests/milter/miltertest.sh
EXTRA_DIST += tests/milter/common.lua tests/milter/accept.lua tests/milter/unknown.lua \
	tests/milter/oversize.lua tests/milter/ipv6.lua tests/milter/two_messages.lua tests/milter/recipients.lua \
	tests/milter/abort.lua tests/milter/mixed.lua tests/milter/redis_down_eom.lua \
	tests/milter/redis_down_rcpt.lua tests/harness/records.sh
