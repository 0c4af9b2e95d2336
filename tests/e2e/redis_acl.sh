#!/bin/bash
# redis_acl.sh - contrib/redis-users.acl: each program's Redis user can do
# what that program needs and nothing else.  The milter's user writes only
# the inbox stream and its rate counters (and reads the view); the web and
# CLI users cannot write the inbox (`queue retry` only asks, in
# maildesk:retry, and the worker moves the record back); the default user
# logs in as nobody, yet a
# Redis that loads its AOF keeps what the users' scripts wrote; then the
# milter, the CLI and the worker run as their own users through Postfix,
# end to end.
. "$top_srcdir/tests/harness/tap.sh"
. "$top_srcdir/tests/harness/lib.sh"
. "$top_srcdir/tests/e2e/worker_common.sh"

ACL=$top_srcdir/contrib/redis-users.acl
ACCEPTED='<- *250 2\.0\.0 Ok: queued'
NOPERM='NOPERM|no permissions|can.t run this command'

# --- the file as shipped ------------------------------------------------------
is "$(grep -c '^user default off ' "$ACL")" 1 "shipped: the default user is off"
is "$(grep -c '>' "$ACL")" 0 "shipped: no password in the file (users cannot log in until given one)"
for u in milter worker web cli; do
	is "$(grep -c "^user maildesk-$u on resetpass resetkeys " "$ACL")" 1 \
		"shipped: maildesk-$u starts from nothing (resetpass resetkeys -@all)"
done

# The harness runs Redis with a copy of the file that has a password per
# user (tests/harness/lib.sh); rcli is its admin.
md_start_redis
is "$(rcli ACL USERS | sort | tr '\n' ' ')" \
	"admin default maildesk-cli maildesk-milter maildesk-web maildesk-worker " \
	"Redis loaded every user of the file"

# as USER CMD...: redis-cli as maildesk-USER
as() {
	local u=$1
	shift
	REDISCLI_AUTH=$(md_redis_password "maildesk-$u") \
		redis-cli -p "$REDIS_PORT" --user "maildesk-$u" "$@" 2>&1
}
# may USER DESC CMD...: the command is allowed (any reply but a permission error)
may() {
	local u=$1 d=$2 out
	shift 2
	out=$(as "$u" "$@")
	unlike "$out" "$NOPERM|WRONGPASS|NOAUTH" "$u may $d"
}
# may_not USER DESC CMD...: refused for lack of permission
may_not() {
	local u=$1 d=$2 out
	shift 2
	out=$(as "$u" "$@")
	like "$out" "$NOPERM" "$u may not $d"
}

rcli HSET maildesk:project:acme enabled 1 >/dev/null
rcli SADD maildesk:projects acme >/dev/null
rcli HSET maildesk:aliases help@acme.test acme >/dev/null
rcli HSET maildesk:rkey:k1 project acme iid 1 email c@example.test >/dev/null
rcli SET maildesk:user:admin secret >/dev/null

like "$(as milter AUTH maildesk-milter wrong)" "WRONGPASS" "a wrong password is refused"
out=$(REDISCLI_AUTH=$MD_REDIS_ADMIN_PASSWORD redis-cli -p "$REDIS_PORT" --user admin ACL WHOAMI 2>&1)
is "$out" "admin" "the admin user logs in with its password"

# --- milter -----------------------------------------------------------------------
may milter "XADD the inbox" XADD maildesk:inbox '*' v 1 subject test
like "$(as milter XLEN maildesk:inbox)" '^[0-9]+$' "milter may XLEN the inbox"
is "$(as milter INCR maildesk:rate:ip:192.0.2.1:0)" 1 "milter may INCR a rate counter"
is "$(as milter EXPIRE maildesk:rate:ip:192.0.2.1:0 60)" 1 "milter may EXPIRE a rate counter"
may milter "GET/TTL/MGET rate counters" MGET maildesk:rate:a maildesk:rate:b
is "$(as milter HGET maildesk:project:acme enabled)" 1 "milter may read a project (HGET)"
may milter "HGETALL the aliases" HGETALL maildesk:aliases
is "$(as milter HGET maildesk:rkey:k1 project)" acme "milter may read a reply key"
is "$(as milter SISMEMBER maildesk:project:acme:block x@y)" 0 "milter may read a block list"
like "$(as milter WAIT 0 0)" '^[0-9]+$' "milter may WAIT for replicas"
may milter "SCRIPT LOAD" SCRIPT LOAD "return 1"
# The RCPT gate names rate counters, both lists and "" (an unused slot) as keys.
is "$(as milter EVAL 'return 7' 5 maildesk:rate:a maildesk:rate:b \
	maildesk:project:acme:block maildesk:project:acme:allow '')" 7 \
	"milter may run a script naming counters, lists and empty slots"
is "$(as milter EVAL "redis.call('INCR', KEYS[1]) return redis.call('SISMEMBER', KEYS[2], 'a')" \
	2 maildesk:rate:c maildesk:project:acme:block)" 0 \
	"milter's script may count and read a list"

may_not milter "HSET a project" HSET maildesk:project:x enabled 1
may_not milter "HSET maildesk:project:acme (enable a disabled project)" HSET maildesk:project:acme enabled 1
may_not milter "write a reply key" HSET maildesk:rkey:x project acme
may_not milter "delete a reply key" DEL maildesk:rkey:k1
may_not milter "SADD an allow list" SADD maildesk:project:acme:allow @evil.test
may_not milter "SREM a block list" SREM maildesk:project:acme:block spammer@x.test
may_not milter "HSET the aliases" HSET maildesk:aliases evil@x.test acme
may_not milter "SADD the project set" SADD maildesk:projects evil
may_not milter "read other keys" GET maildesk:user:admin
may_not milter "write other keys" SET maildesk:session:x admin
may_not milter "write keys outside the prefix" SET foo bar
may_not milter "read the dead letters" XRANGE maildesk:dead - +
may_not milter "ask for a retry" XADD maildesk:retry '*' id 0-1
may_not milter "XTRIM the inbox" XTRIM maildesk:inbox MAXLEN 0
may_not milter "DEL the inbox" DEL maildesk:inbox
may_not milter "XDEL from the inbox" XDEL maildesk:inbox 0-1
may_not milter "read the inbox as a consumer" XREADGROUP GROUP workers x STREAMS maildesk:inbox '>'
may_not milter "XADD to a rate key" XADD maildesk:rate:x '*' a b
may_not milter "INCR the inbox key" INCR maildesk:inbox
may_not milter "FLUSHALL" FLUSHALL
may_not milter "CONFIG SET" CONFIG SET maxmemory 1
may_not milter "KEYS" KEYS '*'
may_not milter "ACL SETUSER" ACL SETUSER maildesk-milter '+@all'
# Inside a script each command is checked again: a script cannot do more.
may_not milter "SADD a list from a script" EVAL "return redis.call('SADD', KEYS[1], 'x')" \
	1 maildesk:project:acme:allow
may_not milter "HSET a project from a script" EVAL \
	"return redis.call('HSET', 'maildesk:project:acme', 'enabled', '0')" 0
may_not milter "write a reply key from a script" EVAL \
	"return redis.call('HSET', 'maildesk:rkey:y', 'project', 'acme')" 0
may_not milter "name other keys in a script" EVAL 'return 1' 1 maildesk:user:admin
is "$(rcli HGET maildesk:project:acme enabled)/$(rcli SCARD maildesk:project:acme:allow)" "1/0" \
	"nothing the milter tried changed the view"

# --- worker -----------------------------------------------------------------------
may worker "XGROUP CREATE" XGROUP CREATE maildesk:inbox workers 0 MKSTREAM
may worker "XREADGROUP the inbox" XREADGROUP GROUP workers w1 COUNT 1 STREAMS maildesk:inbox '>'
may worker "XPENDING" XPENDING maildesk:inbox workers
may worker "XAUTOCLAIM" XAUTOCLAIM maildesk:inbox workers w1 0 0-0 COUNT 1
may worker "XACK and XDEL" XACK maildesk:inbox workers 0-1
may worker "XADD a dead letter" XADD maildesk:dead '*' error test
may worker "write a reply key" HSET maildesk:rkey:w1 project acme iid 2 email c@example.test
may worker "delete an unsubscribe key" DEL maildesk:ukey:w1
may worker "XADD the inbox (serving queue retry)" XADD maildesk:inbox '*' v 1
may worker "read the retry requests" XRANGE maildesk:retry - +
may worker "XDEL a served retry request" XDEL maildesk:retry 0-1
may worker "write a retry outcome" HSET maildesk:retry:0-1 state done
may worker "run the retry script on its keys" EVAL 'return 1' 4 maildesk:dead \
	maildesk:inbox maildesk:retry maildesk:retry:0-1
may_not worker "ask for a retry" XADD maildesk:retry '*' id 0-1
may_not worker "write a project" HSET maildesk:project:acme enabled 0
may_not worker "write a block list" SADD maildesk:project:acme:block x@y.test
may_not worker "count a rate" INCR maildesk:rate:x
may_not worker "read other keys" GET maildesk:user:admin

# --- web --------------------------------------------------------------------------
may web "write a project" HSET maildesk:project:beta enabled 1
may web "add to the project set" SADD maildesk:projects beta
may web "write an alias" HSET maildesk:aliases help@beta.test beta
may web "write a block list" SADD maildesk:project:beta:block x@y.test
may web "read an unsubscribe key" HMGET maildesk:ukey:k1 project iid email
may_not web "XADD the inbox" XADD maildesk:inbox '*' v 1
may_not web "XADD the inbox from a script" EVAL \
	"return redis.call('XADD', KEYS[1], '*', 'v', '1')" 1 maildesk:inbox
may_not web "read the inbox" XRANGE maildesk:inbox - +
may_not web "ask for a retry" XADD maildesk:retry '*' id 0-1
may_not web "count a rate" INCR maildesk:rate:x
may_not web "read other keys" GET maildesk:user:admin

# --- cli --------------------------------------------------------------------------
may cli "write a project" HSET maildesk:project:gamma enabled 1
may cli "SCAN (view rebuild)" SCAN 0 MATCH 'maildesk:rkey:*'
may cli "XLEN the inbox" XLEN maildesk:inbox
may cli "read the dead letters" XRANGE maildesk:dead - +
may cli "XINFO GROUPS" XINFO GROUPS maildesk:inbox
may cli "ask for a retry" XADD maildesk:retry '*' id 0-1
may cli "read a retry outcome" HMGET maildesk:retry:0-1 state count new_id
# `maildesk queue retry` only asks: the worker moves the record back.
may_not cli "XADD the inbox" XADD maildesk:inbox '*' v 1
may_not cli "XADD the inbox from a script" EVAL \
	"return redis.call('XADD', KEYS[1], '*', 'v', '1')" 1 maildesk:inbox
may_not cli "XDEL a dead letter" XDEL maildesk:dead 0-1
may_not cli "write a retry outcome" HSET maildesk:retry:0-1 state done
may_not cli "delete a retry request" XDEL maildesk:retry 0-1
may_not cli "XTRIM the inbox" XTRIM maildesk:inbox MAXLEN 0
may_not cli "XDEL from the inbox" XDEL maildesk:inbox 0-1
may_not cli "DEL the inbox" DEL maildesk:inbox
may_not cli "read the inbox as a consumer" XREADGROUP GROUP workers x STREAMS maildesk:inbox '>'
may_not cli "count a rate" INCR maildesk:rate:x
may_not cli "read other keys" GET maildesk:user:admin
rcli DEL maildesk:inbox maildesk:dead maildesk:project:beta maildesk:project:gamma \
	maildesk:project:beta:block maildesk:rkey:w1 maildesk:retry maildesk:retry:0-1 >/dev/null
rcli SREM maildesk:projects beta >/dev/null
rcli HDEL maildesk:aliases help@beta.test >/dev/null

# The shipped default line: no login without a user, nor as "default".
like "$(redis-cli -p "$REDIS_PORT" GET maildesk:project:acme 2>&1)" "NOAUTH|WRONGPASS|NOPERM" \
	"with 'user default off' a client without a user gets nothing"
like "$(redis-cli -p "$REDIS_PORT" AUTH default '' 2>&1)" "WRONGPASS" \
	"nobody logs in as the default user (off, no password)"
like "$(redis-cli -p "$REDIS_PORT" AUTH anything 2>&1)" "WRONGPASS" \
	"... nor with the legacy AUTH of a password alone"

# --- the AOF: what scripts wrote survives a restart ------------------------------
# Scripts that write twice reach the AOF as MULTI/EXEC, which Redis 7.0-7.2
# checks again at load with the default user's rights (see "Access
# control" in doc/redis-schema.md): with none, it dropped them all.
AOF_PORT=$(md_free_port)
mkdir -p "$T/aof"
aof_start() {
	md_spawn redis-server --bind 127.0.0.1 --port "$AOF_PORT" --aclfile "$T/redis-users.acl" \
		--dir "$T/aof" --appendonly yes --appendfsync always --save '' --logfile "$T/aof.log"
	AOF_PID=$MD_SPAWN_PID
	md_wait_port "$AOF_PORT" 10 "$AOF_PID" || _md_start_failed "redis (AOF)" "$T/aof.log"
}
aof_as() {
	local u=$1
	shift
	REDISCLI_AUTH=$(md_redis_password "$u") redis-cli -p "$AOF_PORT" --user "$u" "$@" 2>&1
}
aof_start
is "$(aof_as maildesk-milter EVAL "redis.call('XADD', KEYS[1], '*', 'n', '1')
	return redis.call('XADD', KEYS[1], '*', 'n', '2') and 1" 1 maildesk:inbox)" 1 \
	"AOF: the milter's user appends twice in one script"
is "$(aof_as maildesk-milter EVAL "redis.call('INCR', KEYS[1])
	return redis.call('EXPIRE', KEYS[1], 3600)" 1 maildesk:rate:aof)" 1 \
	"AOF: ... counts a rate with its expiry"
is "$(aof_as maildesk-cli EVAL "redis.call('HSET', KEYS[1], 'enabled', '1')
	return redis.call('SADD', KEYS[2], 'aofp')" 2 maildesk:project:aofp maildesk:projects)" 1 \
	"AOF: the CLI's user writes a project into the view"
aof_as admin SHUTDOWN >/dev/null
_md_reap "$AOF_PID" 10
aof_start
is "$(aof_as admin XLEN maildesk:inbox)/$(aof_as admin GET maildesk:rate:aof)/$(aof_as admin HGET maildesk:project:aofp enabled)" \
	"2/1/1" "AOF: after a restart the inbox, the counter and the project are all there"
like "$(aof_as admin TTL maildesk:rate:aof)" '^[1-9][0-9]*$' "AOF: ... the counter with its expiry"
unlike "$(cat "$T/aof.log")" "NOPERM|CRITICAL" "AOF: Redis refused nothing while loading"
aof_as admin SHUTDOWN NOSAVE >/dev/null
_md_reap "$AOF_PID" 10

# --- end to end: each program as its own user --------------------------------------
if [ ! -x "$top_builddir/milter/maildesk-milter" ] || [ ! -x "$top_builddir/worker/maildesk-worker" ] ||
    [ ! -x "$top_builddir/cli/maildesk" ]; then
	skip "the programs are not built" 8
	done_testing
	exit 0
fi
rcli DEL maildesk:project:acme maildesk:rkey:k1 maildesk:aliases >/dev/null
rcli SREM maildesk:projects acme >/dev/null
# md_write_config gives each program its own user (and password).
md_write_config
md_start_sink
out=$(md_cli project add acme 2>&1)
ok_rc $? "the CLI adds a project as maildesk-cli"
is "$(rcli HGET maildesk:project:acme enabled)" 1 "... into the view"
md_start_milter
md_start_postfix
md_start_worker

out=$(md_swaks --from carol@example.org --to support+acme@desk.test \
	--header "Subject: Through the ACL" --header "Message-ID: <acl-1@example.org>" 2>&1)
like "$out" "$ACCEPTED" "a desk mail through the milter as maildesk-milter: 250"
md_wait_issues acme 1
ok_rc $? "the worker as maildesk-worker filed it"
md_wait_sink 1 20
ok_rc $? "the confirmation went out"
key=$(md_reply_key acme 1 carol@example.org)
like "$key" '^[a-z2-7]{26}$' "the issue has a reply key"
md_wait_cond 5 '[ "$(rcli HGET "maildesk:rkey:$key" project)" = acme ]'
ok_rc $? "the worker wrote the reply key into the view"
out=$(md_swaks --from carol@example.org --to "support+r-$key@desk.test" \
	--header "Subject: Re: Through the ACL" --header "In-Reply-To: <acl-1@example.org>" 2>&1)
like "$out" "$ACCEPTED" "a reply to the key: the milter read the view as maildesk-milter"
clients=$(rcli CLIENT LIST)
like "$clients" "user=maildesk-milter" "the milter is connected as maildesk-milter"
like "$clients" "user=maildesk-worker" "the worker is connected as maildesk-worker"
unlike "$(cat "$T/milter.log" "$T/worker.log")" "NOPERM|WRONGPASS|no permissions" \
	"no permission error in the milter's or the worker's log"
done_testing
