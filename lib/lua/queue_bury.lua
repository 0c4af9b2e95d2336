-- Dead letter (lib/store/queue.c): copies the inbox entry to the dead stream
-- with error, orig_id, failures and dead_at, then XACK + XDEL.  Returns 1
-- (moved) or 0 (the entry was gone: only acknowledged).
--! KEYS inbox dead
--! ARGV id error failures now
local r = redis.call('XRANGE', inbox, id, id)
local moved = 0
if r[1] then
  local f = r[1][2]
  for _, v in ipairs({'error', error, 'orig_id', id, 'failures', failures, 'dead_at', now}) do
    f[#f + 1] = v
  end
  redis.call('XADD', dead, '*', unpack(f))
  moved = 1
end
redis.call('XACK', inbox, GROUP_WORKERS, id)
redis.call('XDEL', inbox, id)
return moved
