#!/bin/bash
# pg_failover.sh - the CI-sized run of tests/chaos/failover.sh with
# FAILOVER=pg: a synchronous streaming standby of the tracker's
# PostgreSQL is promoted after the primary is SIGKILLed under SMTP load;
# the workers and maildesk-web reconnect through a multi-host conninfo.
# Nothing accepted is lost or stored twice, no confirmation goes out twice
# (doc/scaling.md).
: "${FAILOVER_N:=240}" "${FAILOVER_SESSIONS:=6}" "${FAILOVER_PACE_MS:=200}"
: "${FAILOVER_KILL_AT:=60}" "${CHAOS_RETRY_S:=60}" "${MD_TEST_TIMEOUT:=240}"
FAILOVER=pg
export FAILOVER FAILOVER_N FAILOVER_SESSIONS FAILOVER_PACE_MS FAILOVER_KILL_AT CHAOS_RETRY_S \
	MD_TEST_TIMEOUT
exec bash "$top_srcdir/tests/chaos/failover.sh"
