#!/bin/bash
# metrics.sh - the Prometheus metrics of the three daemons after a run
# through Postfix, milter, worker and web UI whose every event the test
# chose, so each count is known exactly; and the log lines that follow one
# customer's mail from the milter to its issue.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/harness/records.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"
. "$top_srcdir/tests/web/web.sh"

command -v curl >/dev/null || bail_out "curl is not installed"

md_start_redis --appendonly yes --appendfsync always
md_start_sink
MILTER_METRICS=$(md_free_port)
WORKER_METRICS=$(md_free_port)
md_write_config milter_metrics_listen=127.0.0.1:$MILTER_METRICS \
	worker_metrics_listen=127.0.0.1:$WORKER_METRICS \
	worker_max_failures=3 worker_claim_idle_ms=200 retry_base_s=3600 retry_max_s=3600
md_cli project add acme >/dev/null || bail_out "project add"
md_start_milter
md_start_postfix
md_start_worker

# scrape URL: the metrics text (nothing when it fails)
scrape() { curl -s --max-time 10 "$1"; }
# metric TEXT SERIES: the value of SERIES (name{labels} as written), 0 if absent
metric() {
	printf '%s\n' "$1" | awk -v s="$2" 'index($0, s " ") == 1 { v = $2 } END { print v == "" ? 0 : v }'
}
milter() { scrape "http://127.0.0.1:$MILTER_METRICS/metrics"; }
worker() { scrape "http://127.0.0.1:$WORKER_METRICS/metrics"; }
send() {	# send MESSAGE-ID SUBJECT [RCPT]
	md_swaks --from customer@example.org --to "${3:-support+acme@desk.test}" \
		--header "Subject: $2" --header "Message-ID: <$1>" --body "About $2." 2>&1
}

# --- mail: two requests and a duplicate, an unknown project, Redis down, a dead letter ---
like "$(send m-1@example.org 'First request')" "250 2\.0\.0 Ok: queued" "first request"
like "$(send m-2@example.org 'Second request')" "250 2\.0\.0 Ok: queued" "second request"
like "$(send m-1@example.org 'First request')" "250 2\.0\.0 Ok: queued" "the first again (a sender's retry)"
like "$(send m-x@example.org 'Nobody' support+nosuch@desk.test)" "550 5\.1\.1" "unknown project"
md_stop_redis
like "$(send m-d@example.org 'Redis down')" "451 4\.3\.0" "Redis down"
md_restart_redis
md_put_record ghost 9
md_wait_issues acme 2
md_wait_sink 2 20
md_wait_cond 20 '[ "$(rcli XLEN maildesk:dead)" = 1 ]'
ok_rc $? "the record for a project that does not exist is a dead letter"
md_wait_cond 10 '[ "$(grep -c "duplicate of acme#1" "$T/worker.log")" = 1 ]'

# --- the milter's counts --------------------------------------------------------------------
m=$(milter)
like "$m" "# TYPE maildesk_milter_verdicts_total counter" "milter: text format with TYPE lines"
is "$(metric "$m" 'maildesk_milter_verdicts_total{code="250",reason="stored"}')" 3 "milter: 3 stored (250)"
is "$(metric "$m" 'maildesk_milter_verdicts_total{code="550",reason="unknown_address"}')" 1 \
	"milter: 1 unknown address (550)"
is "$(metric "$m" 'maildesk_milter_verdicts_total{code="451",reason="unavailable"}')" 1 \
	"milter: 1 tempfail while Redis was down (451)"
is "$(metric "$m" 'maildesk_milter_records_total{kind="new"}')" 3 "milter: 3 records of kind new"
is "$(metric "$m" 'maildesk_milter_spf_total{result="pass"}')" 3 \
	"milter: SPF pass for the 3 messages that reached the check"
is "$(metric "$m" 'maildesk_milter_score_total{outcome="ham"}')" 3 "milter: 3 scored ham"
is "$(metric "$m" 'maildesk_milter_spam_score_count')" 3 "milter: score histogram has 3"
is "$(metric "$m" 'maildesk_milter_redis_eom_seconds_count')" 3 "milter: Redis time observed 3 times"
is "$(metric "$m" 'maildesk_milter_redis_eom_seconds_bucket{le="+Inf"}')" 3 "milter: +Inf bucket = count"
like "$(metric "$m" 'maildesk_milter_redis_eom_seconds_sum')" "^[0-9.e-]+$" "milter: Redis time sum is a number"

# --- one customer's mail through both logs ----------------------------------------------------
v=$(grep 'msgid=<m-2@example.org>' "$T/milter.log")
like "$v" "^.*: [0-9A-F]+: verdict=accept code=250 reason=stored from=<customer@example\.org> client=\[127\.0\.0\.1\] msgid=<m-2@example\.org> records=1" \
	"milter log: the verdict line of m-2 (queue id, verdict, reason)"
qid=$(printf '%s\n' "$v" | sed -n 's/.*: \([0-9A-F]*\): verdict=.*/\1/p' | head -n 1)
like "$(grep "queue_id=$qid " "$T/worker.log")" "created acme#2, confirmation queued queue_id=$qid msgid=<m-2@example\.org>" \
	"worker log: the same queue id became acme#2"
like "$(grep 'NOQUEUE: verdict=reject' "$T/milter.log")" \
	"code=550 xcode=5\.1\.1 reason=unknown_address from=<customer@example\.org> rcpt=<support\+nosuch@desk\.test>" \
	"milter log: a refusal at RCPT names the recipient"

# --- the inbox lag while the database is away ---------------------------------------------------
w=$(worker)
is "$(metric "$w" 'maildesk_worker_inbox_lag_seconds')" 0 "worker: no lag with an empty inbox"
is "$(metric "$w" 'maildesk_worker_inbox_entries')" 0 "worker: inbox empty"
md_stop_postgres
like "$(send m-3@example.org 'Third request')" "250 2\.0\.0 Ok: queued" "a request while PostgreSQL is down"
sleep 2
w=$(worker)
is "$(metric "$w" 'maildesk_worker_inbox_entries')" 1 "worker: it waits in the inbox"
ok_run "worker: inbox lag is its age (>= 2 s)" \
	awk -v v="$(metric "$w" 'maildesk_worker_inbox_lag_seconds')" 'BEGIN { exit !(v >= 2 && v < 60) }'
unlike "$w" "maildesk_worker_outbox_backlog [0-9]" "worker: outbox gauges left out while the database is away"
md_restart_postgres
md_wait_issues acme 3 30
md_wait_sink 3 20

# --- outbound mail: the relay down, a mail deferred --------------------------------------------
md_stop_sink
like "$(send m-4@example.org 'Fourth request')" "250 2\.0\.0 Ok: queued" "a request while the relay is down"
md_wait_issues acme 4
md_wait_cond 20 'grep -q "status=deferred" "$T/worker.log"'
ok_rc $? "its confirmation is deferred"
w=$(worker)
is "$(metric "$w" 'maildesk_worker_records_total{result="created"}')" 4 "worker: 4 created"
is "$(metric "$w" 'maildesk_worker_records_total{result="duplicate"}')" 1 "worker: 1 duplicate"
is "$(metric "$w" 'maildesk_worker_records_total{result="failed"}')" 3 "worker: 3 failed deliveries (worker_max_failures)"
is "$(metric "$w" 'maildesk_worker_records_total{result="dead"}')" 1 "worker: 1 dead letter"
is "$(metric "$w" 'maildesk_worker_dead_letters')" 1 "worker: dead-letter gauge"
is "$(metric "$w" 'maildesk_worker_outbox_total{result="sent"}')" 3 "worker: 3 mails sent"
ok_run "worker: a send failure counted (deferred)" \
	awk -v v="$(metric "$w" 'maildesk_worker_outbox_total{result="deferred"}')" 'BEGIN { exit !(v >= 1) }'
is "$(metric "$w" 'maildesk_worker_outbox_backlog')" 1 "worker: outbox backlog 1"
ok_run "worker: the oldest queued mail has an age" \
	awk -v v="$(metric "$w" 'maildesk_worker_outbox_oldest_seconds')" 'BEGIN { exit !(v >= 0 && v < 600) }'

# --- the web UI: logins, /metrics for loopback clients that were not proxied -----------------
printf 'metrics-pw-1\n' | md_cli user add mia >/dev/null || bail_out "user add"
md_start_web
login() { curl -s -o /dev/null -w '%{http_code}' --max-time 20 -d "user=mia&password=$1" "$WEB/api/login"; }
is "$(login metrics-pw-1)" 200 "web: login"
for i in 1 2 3 4 5; do login wrong >/dev/null; done
is "$(login wrong)" 429 "web: the sixth wrong password is throttled"
web=$(curl -s --max-time 10 "$WEB/metrics")
is "$(metric "$web" 'maildesk_web_logins_total{result="success"}')" 1 "web: 1 successful login"
is "$(metric "$web" 'maildesk_web_logins_total{result="failure"}')" 5 "web: 5 failed logins"
is "$(metric "$web" 'maildesk_web_logins_total{result="throttled"}')" 1 "web: 1 throttled login"
is "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Real-IP: 203.0.113.9' "$WEB/metrics")" 404 \
	"web: /metrics through a proxy is 404"

# --- the listener answers GET /metrics only ------------------------------------------------------
is "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MILTER_METRICS/")" 404 "listener: other paths 404"
is "$(curl -s -o /dev/null -w '%{http_code}' -d x=1 "http://127.0.0.1:$MILTER_METRICS/metrics")" 405 \
	"listener: POST 405"
md_milter_alive; ok_rc $? "milter still running"
done_testing
