-- Retry a dead letter (lib/store/queue.c): XADDs its original fields back to
-- the inbox and XDELs it.  Returns {'nosuch'} or {'ok', new id}.
--! KEYS dead inbox
--! ARGV id
local r = redis.call('XRANGE', dead, id, id)
if not r[1] then return {'nosuch'} end
local f, out = r[1][2], {}
local drop = {error = true, orig_id = true, failures = true, dead_at = true}
for j = 1, #f - 1, 2 do
  if not drop[f[j]] then out[#out + 1] = f[j]; out[#out + 1] = f[j + 1] end
end
if #out == 0 then out = {'v', '1'} end
local nid = redis.call('XADD', inbox, '*', unpack(out))
redis.call('XDEL', dead, id)
return {'ok', nid}
