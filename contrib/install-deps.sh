#!/bin/sh
# install-deps.sh - installs the Debian 12 packages maildesk needs to build
# and to run its test suite.  Only missing packages are installed, so it is
# cheap to call every time (tests/run-suite and contrib/sandbox.sh do).
#
#   contrib/install-deps.sh           install what is missing (root)
#   contrib/install-deps.sh --check   list what is missing, exit 1 if any
#
# Services are not started or enabled by this script; the test suite runs
# private instances of Redis, PostgreSQL, Postfix and spamd on free ports
# and in its own directories.  Debian's postgresql package makes a cluster
# "main" (and starts it where services may start): the tests and the
# sandbox never use it, their clusters listen on unix sockets of their own.
set -eu

# build
PKGS="build-essential autoconf automake libtool pkg-config
libmilter-dev libspf2-dev libgmime-3.0-dev libhiredis-dev libcurl4-openssl-dev
libmicrohttpd-dev libsodium-dev libpq-dev check libopendkim-dev libpsl-dev publicsuffix"
# servers and tools the tests drive for real
PKGS="$PKGS postgresql-15 postgresql-client-15 redis-server redis-sentinel redis-tools postfix swaks miltertest jq
spamassassin spamc spamd dnsmasq-base iproute2 procps perl curl opendkim-tools libmail-dkim-perl"
# memory checkers, libFuzzer, the browser for the web UI tests
PKGS="$PKGS valgrind clang libclang-rt-14-dev chromium chromium-driver"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
# The web UI tests need node and npm (for playwright-core).  Ask for
# Debian's packages only when no node is installed: a NodeSource node
# already brings npm and conflicts with Debian's npm package.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

# Sendmail 8.17 for tests/e2e/sendmail.sh, from Debian's packages but NOT
# installed (sendmail-bin would replace Postfix as the system MTA): they
# are extracted into MD_SENDMAIL_ROOT, the directory tests/harness/sendmail.sh
# reads.  The binary loses its setgid bit, else the loader ignores
# LD_LIBRARY_PATH, which must find libwrap0 (not installed beside Postfix).
sendmail_root=${MD_SENDMAIL_ROOT:-/var/cache/maildesk-tests/sendmail}
if [ ! -x "$sendmail_root/usr/libexec/sendmail/sendmail" ]; then
	if [ "${1:-}" = --check ] || [ "$(id -u)" != 0 ]; then
		echo "missing:$missing sendmail-bin sendmail-cf (extracted into $sendmail_root)"
		exit 1
	fi
	echo "install-deps.sh: extracting Sendmail into $sendmail_root"
	rm -rf "$sendmail_root.new"
	mkdir -p "$sendmail_root.new/debs"
	sm_pkgs="sendmail-bin sendmail-cf"
	dpkg-query -W -f='${Status}\n' libwrap0 2>/dev/null | grep -q 'ok installed' ||
		sm_pkgs="$sm_pkgs libwrap0"
	# shellcheck disable=SC2086 # a list of words
	(cd "$sendmail_root.new/debs" && { apt-get download $sm_pkgs ||
		{ apt-get update && apt-get download $sm_pkgs; }; })
	for deb in "$sendmail_root.new"/debs/*.deb; do
		dpkg-deb -x "$deb" "$sendmail_root.new/root"
	done
	chmod g-s "$sendmail_root.new/root/usr/libexec/sendmail/sendmail"
	rm -rf "$sendmail_root"
	mv "$sendmail_root.new/root" "$sendmail_root"
	rm -rf "$sendmail_root.new"
fi

if [ "${1:-}" = --check ]; then
	[ -z "$missing" ] && exit 0
	echo "missing:$missing"
	exit 1
fi
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps.sh: missing packages:$missing" >&2
	echo "install-deps.sh: run as root (sudo $0) to install them" >&2
	exit 1
fi

echo "install-deps.sh: installing$missing"
# No prompt from Postfix, and no system main.cf: the machine's own Postfix
# stays unconfigured and cannot clash with the tests' private instances.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
echo "postfix postfix/mailname string localhost" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
# A fresh machine (or container) may have no package lists yet.
# shellcheck disable=SC2086 # $missing is a list of words
if ! apt-get install -y --no-install-recommends $missing; then
	apt-get update
	apt-get install -y --no-install-recommends $missing
fi
