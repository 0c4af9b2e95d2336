# netns.sh - real DNS for a test without touching the machine's resolver
# (sourced by lib.sh): the test re-executes itself in new network and
# mount namespaces where dnsmasq answers on 127.0.0.1:53.

# --- DNS in a private network namespace ------------------------------------------------------

# md_reexec_in_netns "$0" "$@": call right after sourcing lib.sh, before
# starting anything.  Re-executes the test inside new network and mount
# namespaces (skip_all where that is not permitted), then, in there: lo is
# up, /etc/resolv.conf is bind-mounted to $T/resolv.conf (nameserver
# 127.0.0.1) and dnsmasq serves the records of MD_DNS_RECORDS, lines in
# dnsmasq.conf syntax, e.g.
#	MD_DNS_RECORDS='txt-record=example.test,"v=spf1 ip4:192.0.2.1 -all"
#	host-record=mx.example.test,192.0.2.25'
# plus whatever md_dns_txt / md_dns_a / md_dns_line add later.  Every server
# started afterwards sees only this namespace's loopback; the machine's
# resolver and network are untouched.
md_reexec_in_netns() {
	if [ -z "${MD_IN_NETNS:-}" ]; then
		[ "$_md_started" = 0 ] || bail_out "md_reexec_in_netns must come before any md_start_*"
		[ "$(id -u)" = 0 ] || skip_all "network namespaces need root"
		command -v dnsmasq >/dev/null || skip_all "dnsmasq is not installed"
		unshare -n -m true 2>/dev/null || skip_all "unshare -n -m is not permitted here"
		_md_watchdog_stop
		rm -rf "$T"
		trap - EXIT
		export MD_IN_NETNS=1 MD_DNS_RECORDS
		exec unshare -n -m bash "$@"
	fi
	ip link set lo up || bail_out "cannot bring lo up in the namespace"
	printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:2\n' >"$T/resolv.conf"
	mount --bind "$T/resolv.conf" /etc/resolv.conf ||
		bail_out "cannot bind-mount $T/resolv.conf on /etc/resolv.conf"
	printf '%s\n' "${MD_DNS_RECORDS:-}" >"$T/dns.records"
	md_start_dns
}

# md_start_dns: (re)starts dnsmasq on 127.0.0.1:53 with $T/dns.records.
md_start_dns() {
	[ -n "${MD_IN_NETNS:-}" ] || bail_out "md_start_dns outside md_reexec_in_netns"
	md_stop_dns
	{
		echo "no-resolv"
		echo "no-hosts"
		echo "listen-address=127.0.0.1"
		echo "bind-interfaces"
		echo "port=53"
		echo "user=root"
		echo "log-queries"
		cat "$T/dns.records"
	} >"$T/dnsmasq.conf"
	dnsmasq --keep-in-foreground --conf-file="$T/dnsmasq.conf" --log-facility=- \
		</dev/null >>"$T/dnsmasq.log" 2>&1 &
	DNSMASQ_PID=$!
	export DNSMASQ_PID
	_md_started=1
	md_wait_port 53 10 "$DNSMASQ_PID" || _md_start_failed dnsmasq "$T/dnsmasq.log"
}

md_stop_dns() {
	[ -n "${DNSMASQ_PID:-}" ] || return 0
	_md_stop_pid "$DNSMASQ_PID" 5
	DNSMASQ_PID=
}

# md_dns_line LINE...: adds dnsmasq.conf lines and restarts dnsmasq.
md_dns_line() {
	printf '%s\n' "$@" >>"$T/dns.records"
	md_start_dns
}

# md_dns_txt NAME TEXT / md_dns_a NAME ADDRESS
md_dns_txt() {
	md_dns_line "txt-record=$1,\"$2\""
}

md_dns_a() {
	md_dns_line "host-record=$1,$2"
}
