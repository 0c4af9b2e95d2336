-- Responders' answer keys into (put = '1') or out of the milter's view
-- (lib/store/notify_keys.c), in the namespace of the subscribers' reply keys
-- so the milter files mail to either as a reply.  No KEYS: the key names are
-- built here from the prefix (single-instance Redis), as in view_keys.lua.
-- The tail is groups of key, project, iid, email, responder, mode.
--! ARGV prefix put groups...
for i = groups_at, #ARGV - 5, 6 do
  local k = prefix .. 'rkey:' .. ARGV[i]
  if put == '1' then
    redis.call('HSET', k, 'project', ARGV[i + 1], 'iid', ARGV[i + 2],
      'email', ARGV[i + 3], 'responder', ARGV[i + 4], 'mode', ARGV[i + 5])
  else
    redis.call('DEL', k)
  end
end
return 1
