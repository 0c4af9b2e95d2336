-- A project out of the milter's view (lib/store/view.c), with its lists.
--! KEYS projects project block allow
--! ARGV name
redis.call('DEL', project, block, allow)
redis.call('SREM', projects, name)
return 1
