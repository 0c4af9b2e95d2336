# postfix.sh - private Postfix instances for the e2e harness (sourced by
# lib.sh, which defines the helpers used here).  md_start_postfix is the
# MTA under test, wired to the milter; md_start_sink is the outbound relay
# whose Maildir the tests read.

# --- Postfix -----------------------------------------------------------------------

# _md_pf_prepare DIR PORT NAME: a private Postfix instance in DIR (etc,
# spool, data) listening on 127.0.0.1:PORT, logging to $T/NAME.log; main.cf
# gets the common part, the caller appends its own.  Written without
# postconf and `postfix check`: under load each postconf call costs 0.1-0.3 s
# and the first-start integrity check several seconds.
_md_pf_prepare() {
	local dir=$1 port=$2 name=$3 path type owner group mode
	mkdir -p "$dir/etc"
	install -d -m 755 "$dir/spool"
	install -d -o postfix -m 700 "$dir/data"
	# The queue directories, as post-install would create them.
	while IFS=: read -r path type owner group mode _; do
		[ "$type" = d ] || continue
		case $path in
		'$queue_directory/'*) path=$dir/spool/${path#\$queue_directory/} ;;
		*) continue ;;
		esac
		owner=${owner/\$mail_owner/postfix}
		group=${group/\$setgid_group/postdrop}
		[ "$group" = - ] && group=$owner
		install -d -o "$owner" -g "$group" -m "$mode" "$path"
	done </etc/postfix/postfix-files
	# Debian's master.cf with chroot off everywhere (the private spool has
	# no etc/ and lib/ copies) and the port-25 listener replaced by PORT.
	awk -v port="$port" '
		/^[^#[:space:]]/ {
			skip = ($1 == "smtp" && $2 == "inet")
			if (!skip && NF >= 8) { $5 = "n" }
		}
		/^[[:space:]]/ && skip { next }
		!skip { print }
		END { print port " inet n - n - - smtpd" }
	' /etc/postfix/master.cf >"$dir/etc/master.cf"
	cat >"$dir/etc/main.cf" <<-EOF
	# private test instance written by tests/harness/lib.sh
	compatibility_level = 3.6
	queue_directory = $dir/spool
	data_directory = $dir/data
	mail_owner = postfix
	setgid_group = postdrop
	syslog_name = md-$name
	maillog_file = $T/$name.log
	maillog_file_prefixes = $T
	inet_interfaces = 127.0.0.1
	inet_protocols = ipv4
	mynetworks = 127.0.0.0/8
	alias_maps =
	alias_database =
	local_recipient_maps =
	biff = no
	smtpd_banner = \$myhostname ESMTP $name
	in_flow_delay = 0
	smtpd_error_sleep_time = 0
	smtpd_soft_error_limit = 1000
	smtpd_hard_error_limit = 1000
	smtpd_peername_lookup = no
	smtp_dns_support_level = disabled
	queue_run_delay = 2s
	minimal_backoff_time = 2s
	maximal_backoff_time = 4s
	virtual_uid_maps = static:65534
	virtual_gid_maps = static:65534
	EOF
}

# _md_pf_start DIR PORT NAME: starts (or restarts) the instance, waits for SMTP.
_md_pf_start() {
	local dir=$1 port=$2 name=$3
	_md_started=1
	# quick-start: skip the integrity check, the spool is ours and complete.
	touch "$dir/spool/quick-start"
	postfix -c "$dir/etc" start </dev/null >>"$T/$name.start.log" 2>&1 ||
		_md_start_failed "postfix ($name)" "$T/$name.start.log"
	md_wait_port "$port" 15 || _md_start_failed "postfix ($name)" "$T/$name.log"
}

# _md_pf_stop DIR: stops the instance (SIGTERM to master, as `postfix
# stop` does), SIGKILL for a master that does not go in 10 s.
_md_pf_stop() {
	local pid
	pid=$(sed -n '1s/ //gp' "$1/spool/pid/master.pid" 2>/dev/null)
	[ -n "$pid" ] && ! _md_gone "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null
	_md_reap "$pid" 10 || diag "postfix master $pid did not stop: SIGKILL"
	return 0
}

# md_start_postfix [main.cf key=value ...]: the MTA under test on
# 127.0.0.1:$SMTP_PORT with smtpd_milters = the maildesk milter
# (milter_default_action = tempfail).  desk.test, example.test and
# mx.example.test are local; every local delivery lands in the Maildir
# $T/mail/inbox/new (a desk recipient the milter did not consume shows up
# there; Delivered-To names the recipient); other domains are relayed to
# the sink.  XCLIENT is allowed from 127.0.0.0/8.  Extra arguments are
# postconf -e settings, e.g. md_start_postfix smtpd_milters= (no milter).
md_start_postfix() {
	local pf=$T/postfix
	[ -n "${SMTP_PORT:-}" ] || SMTP_PORT=$(md_free_port)
	[ -n "${MILTER_PORT:-}" ] || MILTER_PORT=$(md_free_port)
	[ -n "${SINK_PORT:-}" ] || SINK_PORT=$(md_free_port)
	export SMTP_PORT MILTER_PORT SINK_PORT
	if [ ! -f "$pf/etc/main.cf" ]; then
		_md_pf_prepare "$pf" "$SMTP_PORT" postfix
		install -d -o 65534 -g 65534 -m 755 "$T/mail"
		cat >>"$pf/etc/main.cf" <<-EOF
		myhostname = mx.example.test
		mydomain = example.test
		myorigin = example.test
		mydestination = desk.test, example.test, mx.example.test, localhost
		local_transport = virtual
		virtual_mailbox_domains =
		virtual_mailbox_base = $T/mail
		virtual_mailbox_maps = static:inbox/
		relayhost = [127.0.0.1]:$SINK_PORT
		smtpd_milters = inet:127.0.0.1:$MILTER_PORT
		non_smtpd_milters =
		milter_default_action = tempfail
		milter_connect_timeout = 5s
		smtpd_authorized_xclient_hosts = 127.0.0.0/8
		EOF
	fi
	[ $# -gt 0 ] && postconf -c "$pf/etc" -e "$@"
	_md_pf_start "$pf" "$SMTP_PORT" postfix
}

md_stop_postfix() {
	_md_pf_stop "$T/postfix"
}

# md_swaks ARGS: swaks against the MTA under test.
md_swaks() {
	swaks --server "127.0.0.1:$SMTP_PORT" "$@"
}

# md_maildir_count: messages delivered to local mailboxes so far.
md_maildir_count() {
	find "$T/mail" -path '*/new/*' -type f 2>/dev/null | wc -l
}

# md_maildir_files [ADDRESS]: delivered files (for ADDRESS only: by their
# Delivered-To header), oldest first.
md_maildir_files() {
	local f
	ls -1tr "$T"/mail/inbox/new/* 2>/dev/null | while read -r f; do
		[ -z "${1:-}" ] || grep -qixF "Delivered-To: $1" "$f" || continue
		echo "$f"
	done
}

# _md_wait_count FUNC N TIMEOUT_S: polls FUNC until it prints >= N.
_md_wait_count() {
	local f=$1 want=$2 n=$(($3 * 10)) have
	while :; do
		have=$($f)
		[ "$have" -ge "$want" ] && return 0
		[ $n -le 0 ] && break
		sleep 0.1
		n=$((n - 1))
	done
	diag "timeout: $f is $have, waited for $want"
	return 1
}

# md_wait_mail N [TIMEOUT_S=10]: waits until N messages were delivered locally.
md_wait_mail() {
	_md_wait_count md_maildir_count "$1" "${2:-10}"
}

# --- the sink: where outbound mail goes ------------------------------------------------

# md_start_sink: a second Postfix on 127.0.0.1:$SINK_PORT that takes mail
# for every domain into $T/sink/Maildir/new.  No milter.  Can be stopped
# and started again (same port) to simulate a relay outage.
md_start_sink() {
	local pf=$T/sinkpf
	[ -n "${SINK_PORT:-}" ] || SINK_PORT=$(md_free_port)
	export SINK_PORT
	if [ ! -f "$pf/etc/main.cf" ]; then
		_md_pf_prepare "$pf" "$SINK_PORT" sink
		install -d -o 65534 -g 65534 -m 755 "$T/sink"
		cat >>"$pf/etc/main.cf" <<-EOF
		myhostname = sink.test
		mydomain = sink.test
		mydestination =
		relay_domains =
		virtual_mailbox_domains = static:all
		virtual_mailbox_base = $T/sink
		virtual_mailbox_maps = static:Maildir/
		smtpd_milters =
		EOF
	fi
	_md_pf_start "$pf" "$SINK_PORT" sink
}

md_stop_sink() {
	_md_pf_stop "$T/sinkpf"
}

md_sink_count() {
	find "$T/sink/Maildir/new" -type f 2>/dev/null | wc -l
}

# md_sink_files: delivered files, oldest first.
md_sink_files() {
	ls -1tr "$T"/sink/Maildir/new/* 2>/dev/null
}

# md_wait_sink N [TIMEOUT_S=10]
md_wait_sink() {
	_md_wait_count md_sink_count "$1" "${2:-10}"
}
