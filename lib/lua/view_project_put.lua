-- A project into the milter's view (lib/store/view.c): its settings hash, then
-- its name into the set of projects, atomically.
--! KEYS projects project
--! ARGV name fields...
redis.call('HSET', project, unpack(ARGV, fields_at))
redis.call('SADD', projects, name)
return 1
