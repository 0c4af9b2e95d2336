-- Reply and unsubscribe keys into (put = '1') or out of the milter's view
-- (lib/store/view.c).  No KEYS: the key names are built here from the prefix,
-- as the set of keys is not known in advance (single-instance Redis).
-- The tail is groups of rkey, ukey, project, iid, email.
--! ARGV prefix put groups...
for i = groups_at, #ARGV - 4, 5 do
  local r, u = prefix .. 'rkey:' .. ARGV[i], prefix .. 'ukey:' .. ARGV[i + 1]
  if put == '1' then
    redis.call('HSET', r, 'project', ARGV[i + 2], 'iid', ARGV[i + 3], 'email', ARGV[i + 4])
    redis.call('HSET', u, 'project', ARGV[i + 2], 'iid', ARGV[i + 3], 'email', ARGV[i + 4])
  else
    redis.call('DEL', r, u)
  end
end
return 1
