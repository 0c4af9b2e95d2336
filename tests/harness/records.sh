# records.sh - read inbox records back from Redis in shell tests.
# Sourced after lib.sh (needs rcli).

# md_record_field STREAM_KEY INDEX FIELD: FIELD of the INDEX-th entry (1 = oldest)
md_record_field() {
	rcli --raw EVAL "
local e = redis.call('XRANGE', KEYS[1], '-', '+')[tonumber(ARGV[1])]
if not e then return '' end
for i = 1, #e[2], 2 do if e[2][i] == ARGV[2] then return e[2][i + 1] end end
return ''" 1 "$1" "$2" "$3"
}

# md_last_field STREAM_KEY FIELD: FIELD of the newest entry
md_last_field() {
	rcli --raw EVAL "
local e = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
if not e then return '' end
for i = 1, #e[2], 2 do if e[2][i] == ARGV[1] then return e[2][i + 1] end end
return ''" 1 "$1" "$2"
}

# md_find_field STREAM_KEY MATCH_FIELD MATCH_VALUE FIELD: FIELD of the entry
# whose MATCH_FIELD equals MATCH_VALUE ("" if none)
md_find_field() {
	rcli --raw EVAL "
for _, e in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do
  local f = {}
  for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
  if f[ARGV[1]] == ARGV[2] then return f[ARGV[3]] or '' end
end
return ''" 1 "$1" "$2" "$3" "$4"
}

# md_count_field STREAM_KEY FIELD VALUE: number of entries with FIELD == VALUE
md_count_field() {
	rcli --raw EVAL "
local n = 0
for _, e in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do
  for i = 1, #e[2], 2 do if e[2][i] == ARGV[1] and e[2][i + 1] == ARGV[2] then n = n + 1 end end
end
return n" 1 "$1" "$2" "$3"
}

# Assertions and probes the lead's suites use; defined here only if the
# harness does not provide them.
if ! declare -F unlike >/dev/null; then
unlike() {	# unlike GOT REGEX DESC
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		not_ok "$3"; diag "matched /$2/: $(printf '%s' "$1" | head -c 400)"
	else
		ok "$3"
	fi
}
fi
if ! declare -F ok_rc >/dev/null; then
ok_rc() {	# ok_rc RC DESC: passes when RC is 0
	if [ "$1" -eq 0 ]; then ok "$2"; else not_ok "$2 (rc=$1)"; fi
}
fi
if ! declare -F md_milter_alive >/dev/null; then
md_milter_alive() {
	[ -n "${MILTER_PID:-}" ] && kill -0 "$MILTER_PID" 2>/dev/null &&
		! grep -q 'State:.*Z' "/proc/$MILTER_PID/status" 2>/dev/null
}
fi
