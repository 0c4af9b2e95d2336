-- One rate (lib/store/ratelimit.c): 1 over the limit, 0 counted.
--! include rate_hit
--! KEYS cur prev
--! ARGV limit weight ttl
return rate_hit(cur, prev, limit, weight, ttl)
