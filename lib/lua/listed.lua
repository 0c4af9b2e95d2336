--! fragment
-- The block/allow lists (lib/store/lists.h): the address, then its domain and
-- at most n parent domains as "@domain"; a block wins over an allow.
local function listed(block, allow, addr, n)
  local c = { addr }
  local d = string.match(addr, '@([^@]+)$')
  while d and #c <= n do
    c[#c + 1] = '@' .. d
    d = string.match(d, '^[^.]*%.(.+)$')
  end
  for w, k in ipairs({ block, allow }) do
    for i = 1, #c do
      if redis.call('SISMEMBER', k, c[i]) == 1 then
        return w == 1 and LIST_BLOCK or LIST_ALLOW
      end
    end
  end
  return LIST_NONE
end
