#!/bin/bash
# worker_relay.sh - with the relay down, issues are still created and
# their mails wait in the outbox; once the relay is back each mail is
# delivered exactly once.  The relay URL carries a password (a relay
# without AUTH is used without it): it must never reach the log.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"

md_start_redis
SINK_PORT=$(md_free_port)
md_write_config retry_base_s=1 retry_max_s=2 relay_timeout_ms=2000 \
	"relay=smtp://desk:Relay-Secret-77@127.0.0.1:$SINK_PORT"
md_cli project add acme >/dev/null || bail_out "project add failed"
md_start_worker

for i in 1 2 3; do
	md_put_record acme "$i"
done
md_wait_issues acme 3
ok_rc $? "issues are created while the relay is down"
md_wait_cond 10 '[ "$(md_outbox_count queued)" = 3 ]'
ok_rc $? "three confirmations wait in the outbox"
sleep 2	# let the sender fail against the closed port a few times
is "$(md_outbox_count queued)" 3 "nothing lost while the relay is down"
# A sender may hold the other rows back while the relay is down: only the
# first try of one of them is certain.
like "$(md_psql "SELECT max(attempts) FROM outbox")" '^[1-9]' "the relay was tried and the mail deferred"
like "$(md_psql "SELECT last_error FROM outbox WHERE attempts > 0 LIMIT 1")" . "with the error recorded"
like "$(md_cli queue stats)" "outbox +3" "queue stats shows the waiting mail"

md_start_sink
md_wait_sink 3 60
ok_rc $? "mails delivered once the relay is back"
md_wait_cond 10 '[ "$(md_outbox_count queued)" = 0 ]'
ok_rc $? "nothing queued afterwards"
is "$(md_outbox_count sent)" 3 "all three marked sent"
sleep 3	# a duplicate would arrive now
is "$(md_sink_count)" 3 "each mail delivered exactly once"
like "$(cat "$T/worker.log")" 'via smtp://desk:\*\*\*@127' "the relay is logged without its password"
unlike "$(cat "$T"/*.log)" 'Relay-Secret-77' "the password is in no log"
done_testing
