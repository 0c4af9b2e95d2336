-- Serves one request of `maildesk queue retry` (lib/store/queue_retry.c),
-- run by the worker, whose Redis user may write the inbox (the CLI's may
-- not): moves dead records back to the inbox with their original fields
-- and XDELs them, at most max per call.  One id, or (id empty) every
-- record dead up to upto, the newest when the request was made: one that
-- fails again meanwhile is buried with a later id and left for next time.
-- The outcome goes to the request's result hash, which expires after ttl
-- seconds; a request fully served leaves the requests stream.  Atomic, so
-- with several workers each record moves once and each request ends once.
-- Returns {'gone'} (served already), {'more', moved so far} (call again)
-- or {state, moved, last new inbox id}, state 'done', 'nosuch' or 'bad'.
--! KEYS dead inbox requests result
--! ARGV req id upto max ttl
if not redis.call('XRANGE', requests, req, req)[1] then return {'gone'} end
-- A result key that is no hash fails here, before anything moves (a script
-- is not undone by a later error): the worker gives such a request up.
redis.call('HINCRBY', result, 'count', 0)
local function stream_id(s) return string.match(s, '^%d+%-%d+$') ~= nil end
local r, state = {}, 'done'
if id ~= '' and stream_id(id) then
  r = redis.pcall('XRANGE', dead, id, id)
elseif id == '' and stream_id(upto) then
  r = redis.pcall('XRANGE', dead, '-', upto, 'COUNT', max)
else
  state = 'bad'
end
if r.err then r, state = {}, 'bad' end
if id ~= '' and state == 'done' and not r[1] then state = 'nosuch' end
local drop = {error = true, orig_id = true, failures = true, dead_at = true}
local nid = ''
for _, e in ipairs(r) do
  local f, out = e[2], {}
  for j = 1, #f - 1, 2 do
    if not drop[f[j]] then out[#out + 1] = f[j]; out[#out + 1] = f[j + 1] end
  end
  if #out == 0 then out = {'v', '1'} end
  nid = redis.call('XADD', inbox, '*', unpack(out))
  redis.call('XDEL', dead, e[1])
end
local n = redis.call('HINCRBY', result, 'count', #r)
if nid ~= '' then redis.call('HSET', result, 'new_id', nid) end
redis.call('EXPIRE', result, ttl)
if id == '' and state == 'done' and #r >= tonumber(max) then return {'more', n} end
redis.call('HSET', result, 'state', state)
redis.call('XDEL', requests, req)
return {state, n, nid}
