-- All-or-nothing XADD of a message's records with a backlog check
-- (lib/store/inbox.c).  per = fields per record (pairs * 2); the records'
-- name/value lists follow back to back.  Never trims: the worker deletes
-- entries once filed.
--! KEYS inbox
--! ARGV max per records...
if redis.call('XLEN', inbox) >= tonumber(max) then
  return {err='FULL inbox backlog over limit'}
end
local n = tonumber(per)
local ids = {}
local i = records_at
while i + n - 1 <= #ARGV do
  ids[#ids + 1] = redis.call('XADD', inbox, '*', unpack(ARGV, i, i + n - 1))
  i = i + n
end
return ids
