--! fragment
-- Two-window sliding rate (lib/store/ratelimit.h): 1 when over the limit (not
-- counted), else counts one hit and returns 0.
local function rate_hit(cur, prev, limit, weight, ttl)
  local c = tonumber(redis.call('GET', cur) or '0')
  local p = tonumber(redis.call('GET', prev) or '0')
  if c + p * tonumber(weight) >= tonumber(limit) then return 1 end
  redis.call('INCR', cur)
  if redis.call('TTL', cur) < 0 then redis.call('EXPIRE', cur, ttl) end
  return 0
end
