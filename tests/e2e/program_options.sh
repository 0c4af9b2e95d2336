#!/bin/bash
# program_options.sh - the conventions every program keeps: -h/--help and
# -V/--version answer on stdout and exit 0, a wrong option exits 2 with the
# usage on stderr; maildesk COMMAND --help; the bash completion of
# maildesk loads in bash and completes the commands.  No servers.
MD_NO_SERVERS=1	# runs in `make distcheck` too (tests/harness/tap.sh)
. "$top_srcdir/tests/harness/tap.sh"

B=$top_builddir
VERSION=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$B/config.h")

for prog in cli/maildesk milter/maildesk-milter worker/maildesk-worker web/maildesk-web; do
	name=${prog#*/}
	[ -x "$B/$prog" ] || bail_out "no $B/$prog (build first)"
	for opt in -h --help; do
		out=$("$B/$prog" $opt 2>/dev/null)
		ok_rc $? "$name $opt exits 0"
		like "$out" "^usage: $name " "$name $opt prints the usage on stdout"
	done
	for opt in -V --version; do
		out=$("$B/$prog" $opt 2>/dev/null)
		ok_rc $? "$name $opt exits 0"
		is "$out" "$name $VERSION" "$name $opt prints name and version"
	done
	out=$("$B/$prog" --no-such-option 2>&1 >/dev/null)
	is "$?" 2 "$name --no-such-option exits 2"
	like "$out" "usage: $name" "$name --no-such-option: the usage on stderr"
done
for prog in milter/maildesk-milter worker/maildesk-worker web/maildesk-web; do
	like "$("$B/$prog" --help)" "Exit status: 0 .*1 .*2 " "${prog#*/} --help names the exit codes"
done

# maildesk COMMAND --help: that command's lines, before any configuration.
out=$(MAILDESK_CONFIG=/nonexistent/maildesk.conf "$B/cli/maildesk" issue --help)
ok_rc $? "maildesk issue --help exits 0 (no configuration read)"
like "$out" "^  maildesk issue list " "maildesk issue --help lists issue's subcommands"
unlike "$out" "maildesk project " "and only issue's"

# --- bash completion ---------------------------------------------------------------
COMPLETION=$top_srcdir/contrib/bash-completion/maildesk
# complete WORD...: what the completion offers for the last word, one line.
complete_words() {
	PATH=$B/cli:$PATH bash --norc --noprofile -c '
		. "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_maildesk
		echo "${COMPREPLY[*]}"' complete "$COMPLETION" "$@" 2>&1
}
out=$(bash --norc --noprofile -c '. "$1" && complete -p maildesk' load "$COMPLETION" 2>&1)
is "$out" "complete -o default -F _maildesk maildesk" "the completion loads in bash"
want=$("$B/cli/maildesk" --help | sed -n 's/^  maildesk \([a-z][a-z-]*\).*/\1/p' | sort -u |
	tr '\n' ' ')
is "$(complete_words maildesk '' | tr ' ' '\n' | grep -v '^help$' | sort | tr '\n' ' ')" "$want" \
	"maildesk <TAB>: every top-level command"
like "$want" "(^| )issue .*project .*user " "(the commands: $want)"
is "$(complete_words maildesk pro)" project "maildesk pro<TAB>: project"
is "$(complete_words maildesk -c /x/m.conf is)" issue "after -c FILE: commands again"
like "$(complete_words maildesk issue '')" "(^| )list( |$)" "maildesk issue <TAB>: its subcommands"
is "$(complete_words maildesk issue list demo --st)" --state "options of issue list"
is "$(complete_words maildesk --vers)" --version "global options"

done_testing
