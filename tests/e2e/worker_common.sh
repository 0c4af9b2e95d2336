# worker_common.sh - helpers of the tests/e2e/worker_*.sh suites (sourced
# after lib.sh).  Records are XADDed straight into the inbox with
# redis-cli, exactly as the milter would write them, so these suites test
# the worker without depending on the milter.

# md_put_record PROJECT N [FIELD VALUE ...]: a "new" request from
# customer N (c<N>@example.test, Message-ID <req-<N>@example.test>); extra
# FIELD VALUE pairs replace the defaults (an empty value removes a field).
md_put_record() {
	local project=$1 n=$2
	shift 2
	local -A f=(
		[v]=1 [id]="Q$n:support+$project@desk.test" [queue_id]="Q$n"
		[received]="2026-01-01T00:00:00Z" [client_ip]=192.0.2.1
		[helo]=client.example.test [mail_from]="c$n@example.test"
		[rcpt]="support+$project@desk.test" [kind]=new [project]="$project"
		[spf]=pass [score]=0.0 [message_id]="req-$n@example.test"
		[from]="Customer $n <c$n@example.test>" [from_addr]="c$n@example.test"
		[from_name]="Customer $n" [subject]="Request number $n"
		[text]="Please help with thing $n." [attachments]=0 [flags]=
	)
	while [ $# -ge 2 ]; do
		f[$1]=$2
		shift 2
	done
	f[raw]="From: ${f[from]}
To: support+$project@desk.test
Subject: ${f[subject]}
Message-ID: <${f[message_id]}>

${f[text]}
"
	local -a args=()
	local k
	for k in "${!f[@]}"; do
		[ -n "${f[$k]}" ] || [ "$k" = flags ] || [ "$k" = mail_from ] || continue
		args+=("$k" "${f[$k]}")
	done
	rcli XADD maildesk:inbox '*' "${args[@]}" >/dev/null
}

# md_issue_count PROJECT: issues of the project (all states), from
# PostgreSQL (0 while the database does not answer).
md_issue_count() {
	local n
	n=$(md_psql "SELECT count(*) FROM issues WHERE project = :'p'" p="$1" 2>/dev/null)
	echo "${n:-0}"
}

# md_outbox_count [STATE]: rows of the outbox table (in STATE: queued,
# sent, failed, dropped).
md_outbox_count() {
	if [ $# -gt 0 ]; then
		md_psql "SELECT count(*) FROM outbox WHERE state = :'s'" s="$1"
	else
		md_psql "SELECT count(*) FROM outbox"
	fi
}

# md_issue_field PROJECT IID COLUMN: one column of an issue (text).
md_issue_field() {
	md_psql "SELECT $3 FROM issues WHERE project = :'p' AND iid = :'i'" p="$1" i="$2"
}

# md_reply_key PROJECT IID EMAIL / md_unsub_key ...: a subscriber's keys.
md_reply_key() {
	md_psql "SELECT reply_key FROM participants p JOIN issues i ON i.id = p.issue_id
		WHERE i.project = :'p' AND i.iid = :'i' AND p.email = :'e'" p="$1" i="$2" e="$3"
}

md_unsub_key() {
	md_psql "SELECT unsub_key FROM participants p JOIN issues i ON i.id = p.issue_id
		WHERE i.project = :'p' AND i.iid = :'i' AND p.email = :'e'" p="$1" i="$2" e="$3"
}

# md_wait_issues PROJECT N [TIMEOUT_S=30]
md_wait_issues() {
	local p=$1 want=$2 n=$((${3:-30} * 10)) have
	while :; do
		have=$(md_issue_count "$p")
		[ "$have" -ge "$want" ] && return 0
		[ $n -le 0 ] && break
		sleep 0.1
		n=$((n - 1))
	done
	diag "timeout: $have issues in $p, waited for $want"
	return 1
}

# md_wait_cond TIMEOUT_S 'SHELL CODE': polls the code (eval'd each time,
# so $(...) inside single quotes is re-run) until it succeeds.
md_wait_cond() {
	local n=$(($1 * 10))
	shift
	until eval "$*"; do
		[ $n -le 0 ] && return 1
		sleep 0.1
		n=$((n - 1))
	done
}
