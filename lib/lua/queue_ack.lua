-- Acknowledges and deletes the filed entries of a whole read in one
-- round trip (lib/store/queue.c).
--! KEYS inbox
--! ARGV ids...
redis.call('XACK', inbox, GROUP_WORKERS, unpack(ARGV, ids_at))
return redis.call('XDEL', inbox, unpack(ARGV, ids_at))
