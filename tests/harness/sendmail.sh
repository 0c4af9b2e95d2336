# sendmail.sh - a private Sendmail 8.17 for the e2e harness (sourced by a
# test after lib.sh).  Debian's sendmail-bin replaces Postfix when it is
# installed, so contrib/install-deps.sh only extracts the packages into
# MD_SENDMAIL_ROOT (default /var/cache/maildesk-tests/sendmail) and the
# binary runs from there, with its own sendmail.cf, queue and aliases
# under $T/sendmail, inside a mount and UTS namespace (unshare -m -u):
#   - its own hostname, mx.example.test: with an unqualified one every
#     Sendmail run waits 60 s for the name to resolve;
#   - its own /dev with a /dev/log socket that a small listener writes to
#     $T/sendmail.log (the machine has no syslog daemon).
# The milter lines of sendmail.cf are contrib/sendmail/maildesk.mc itself,
# with desk.example and the milter socket replaced by the test's, so the
# shipped snippet is what the test runs.  Local deliveries go to a script
# that writes one file per recipient into $T/sendmail/mail (its first line
# names the recipient), so a desk recipient the milter failed to consume
# shows up there.  The aliases are those contrib/sendmail/README asks for:
# support: desk-fallback.
#
#	md_start_sendmail	SMTP on 127.0.0.1:$SMTP_PORT (md_swaks talks to it)
#	md_stop_sendmail
#	md_sendmail_delivered REGEX	local deliveries whose recipient matches
#
# A test is skipped (skip_all) only where unshare -m -u is not permitted;
# without the extracted packages it fails and says what to run.

MD_SENDMAIL_ROOT=${MD_SENDMAIL_ROOT:-/var/cache/maildesk-tests/sendmail}

# _md_sm_cf DIR: sendmail.cf for an instance in DIR.
_md_sm_cf() {
	local dir=$1 cfdir=$MD_SENDMAIL_ROOT/usr/share/sendmail/cf
	local snippet=$top_srcdir/contrib/sendmail/maildesk.mc
	[ -r "$snippet" ] || bail_out "no $snippet"
	{
		cat <<-EOF
		divert(0)dnl
		OSTYPE(\`linux')dnl
		define(\`confDOMAIN_NAME', \`mx.example.test')dnl
		define(\`QUEUE_DIR', \`$dir/queue')dnl
		define(\`STATUS_FILE', \`$dir/statistics')dnl
		define(\`ALIAS_FILE', \`$dir/aliases')dnl
		define(\`confPID_FILE', \`$dir/sendmail.pid')dnl
		define(\`confSERVICE_SWITCH_FILE', \`$dir/service.switch')dnl
		define(\`confCW_FILE', \`$dir/local-host-names')dnl
		define(\`confCT_FILE', \`$dir/trusted-users')dnl
		define(\`confHOST_STATUS_DIRECTORY', \`')dnl
		define(\`confDEAD_LETTER_DROP', \`$dir/dead.letter')dnl
		define(\`confDONT_BLAME_SENDMAIL', \`TrustStickyBit')dnl
		define(\`confDONT_PROBE_INTERFACES', \`True')dnl
		define(\`confTO_IDENT', \`0')dnl
		define(\`confLOG_LEVEL', \`14')dnl
		define(\`confMILTER_LOG_LEVEL', \`14')dnl
		define(\`confDEF_USER_ID', \`65534:65534')dnl
		define(\`confREFUSE_LA', \`9999')dnl
		define(\`confQUEUE_LA', \`9999')dnl
		FEATURE(\`no_default_msa')dnl
		FEATURE(\`nocanonify')dnl
		FEATURE(\`accept_unresolvable_domains')dnl
		DAEMON_OPTIONS(\`Port=$SMTP_PORT, Addr=127.0.0.1, Name=MTA, Family=inet')dnl
		LOCAL_DOMAIN(\`example.test')dnl
		define(\`LOCAL_MAILER_PATH', \`$dir/deliver.sh')dnl
		define(\`LOCAL_MAILER_ARGS', \`deliver.sh \$u')dnl
		define(\`LOCAL_MAILER_FLAGS', \`SP')dnl
		MODIFY_MAILER_FLAGS(\`LOCAL', \`-w')dnl
		EOF
		# The shipped lines, for this test's desk domain and milter.
		sed -e "s/desk\\.example/desk.test/g" \
			-e "s/S=inet:8891@127\\.0\\.0\\.1/S=inet:$MILTER_PORT@127.0.0.1/" "$snippet"
		echo "MAILER(\`local')dnl"
		echo "MAILER(\`smtp')dnl"
	} >"$dir/test.mc"
	m4 -D_CF_DIR_="$cfdir/" "$cfdir/m4/cf.m4" "$dir/test.mc" >"$dir/sendmail.cf" 2>"$dir/m4.err" ||
		{ diag "$(cat "$dir/m4.err")"; bail_out "m4 could not build sendmail.cf"; }
	grep -q "^Xmaildesk, S=inet:$MILTER_PORT@127.0.0.1" "$dir/sendmail.cf" ||
		bail_out "contrib/sendmail/maildesk.mc did not give sendmail.cf its milter"
}

# md_start_sendmail: Sendmail on 127.0.0.1:$SMTP_PORT with maildesk's milter
# on $MILTER_PORT (md_write_config first); returns when SMTP answers.
md_start_sendmail() {
	local dir=$T/sendmail sm=$MD_SENDMAIL_ROOT/usr/libexec/sendmail/sendmail
	[ -x "$sm" ] || bail_out "no Sendmail in $MD_SENDMAIL_ROOT: run contrib/install-deps.sh (as root)"
	unshare -m -u true 2>/dev/null || skip_all "unshare -m -u is not permitted here"
	command -v m4 >/dev/null || bail_out "m4 is not installed"
	[ -n "${MD_CONF:-}" ] || md_write_config
	[ -n "${SMTP_PORT:-}" ] || SMTP_PORT=$(md_free_port)
	export SMTP_PORT
	mkdir -p "$dir/queue" "$dir/mail" "$dir/dev"
	chmod 700 "$dir/queue"
	chmod 1777 "$dir/mail"
	cat >"$dir/deliver.sh" <<-'EOF'
	#!/bin/sh
	# Local delivery: one file per recipient, its first line names it.
	f=$(mktemp "$(dirname "$0")/mail/msg.XXXXXX") || exit 75
	{ echo "X-Deliver-To: $*"; cat; } >"$f"
	EOF
	chmod 755 "$dir/deliver.sh"
	printf 'hosts files\naliases files\n' >"$dir/service.switch"
	printf 'postmaster: root\nMAILER-DAEMON: postmaster\nsupport: desk-fallback\n' >"$dir/aliases"
	: >"$dir/local-host-names"
	: >"$dir/trusted-users"
	: >"$dir/statistics"
	_md_sm_cf "$dir"
	# Inside the namespaces: hostname, /dev with our /dev/log, the logger,
	# the alias database, then the daemon in the foreground.  SIGTERM to
	# this shell stops both.
	cat >"$dir/ns.sh" <<-'EOF'
	dir=$1 sm=$2 log=$3
	hostname mx.example.test
	mount --make-rprivate / || exit 1
	for n in null zero random urandom; do
		touch "$dir/dev/$n" && mount --bind "/dev/$n" "$dir/dev/$n" || exit 1
	done
	mount --rbind "$dir/dev" /dev || exit 1
	perl -MIO::Socket::UNIX -MSocket -e '
		open my $o, ">>", $ARGV[0] or die; select $o; $| = 1;
		my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => "/dev/log")
		    or die "/dev/log: $!";
		while (defined $s->recv(my $m, 65536)) { $m =~ s/\0$//; print "$m\n" }' "$log" &
	L=$!
	n=0
	while [ ! -S /dev/log ] && [ $n -lt 250 ]; do sleep 0.02; n=$((n + 1)); done
	"$sm" -C "$dir/sendmail.cf" -bi >/dev/null || exit 1
	"$sm" -C "$dir/sendmail.cf" -bD </dev/null &
	S=$!
	trap 'kill -TERM $S; wait $S; kill $L; wait $L; exit 0' TERM
	wait $S
	EOF
	LD_LIBRARY_PATH=$MD_SENDMAIL_ROOT/usr/lib/x86_64-linux-gnu \
		unshare -m -u bash "$dir/ns.sh" "$dir" "$sm" "$T/sendmail.log" \
		</dev/null >>"$T/sendmail.out.log" 2>&1 &
	SENDMAIL_PID=$!
	export SENDMAIL_PID
	_md_extra_pids+=("$SENDMAIL_PID")
	_md_started=1
	md_wait_port "$SMTP_PORT" 30 "$SENDMAIL_PID" || _md_start_failed sendmail "$T/sendmail.out.log"
}

md_stop_sendmail() {
	[ -n "${SENDMAIL_PID:-}" ] || return 0
	_md_stop_pid "$SENDMAIL_PID" 10
	SENDMAIL_PID=
}

# md_sendmail_delivered REGEX: how many local deliveries went to a
# recipient matching REGEX (extended, against the X-Deliver-To line).
md_sendmail_delivered() {
	local f n=0
	for f in "$T"/sendmail/mail/msg.*; do
		[ -f "$f" ] || continue
		head -n 1 "$f" | grep -Eq "^X-Deliver-To: ($1)\$" && n=$((n + 1))
	done
	echo "$n"
}
