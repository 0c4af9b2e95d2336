#!/bin/bash
# chaos_short.sh - the CI-sized run of tests/chaos/chaos.sh: 400 messages
# through two MTAs with two milters and two workers while milters, workers,
# Redis and PostgreSQL are SIGKILLed (see doc/reliability.md).
: "${CHAOS_N:=400}" "${CHAOS_SESSIONS:=12}" "${CHAOS_KILL_MIN_MS:=200}"
: "${CHAOS_KILL_MAX_MS:=900}" "${CHAOS_RETRY_S:=60}" "${CHAOS_PACE_MS:=300}" "${MD_TEST_TIMEOUT:=280}"
export CHAOS_N CHAOS_SESSIONS CHAOS_KILL_MIN_MS CHAOS_KILL_MAX_MS CHAOS_RETRY_S CHAOS_PACE_MS MD_TEST_TIMEOUT
exec bash "$top_srcdir/tests/chaos/chaos.sh"
