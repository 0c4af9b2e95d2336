-- Every RCPT-time check of a desk recipient in one round trip
-- (lib/store/rcpt_gate.h has the order).  A limit of 0 skips that rate; an
-- empty addr skips the lists.  Returns {list, over}.
--! include rate_hit
--! include listed
--! KEYS ip_cur ip_prev sender_cur sender_prev block allow project_cur project_prev
--! ARGV ip_limit ip_weight ip_ttl sender_limit sender_weight sender_ttl addr maxlabels project_limit project_weight project_ttl
local function over(cur, prev, limit, weight, ttl)
  return tonumber(limit) > 0 and rate_hit(cur, prev, limit, weight, ttl) == 1
end
if over(ip_cur, ip_prev, ip_limit, ip_weight, ip_ttl) then
  return {LIST_NONE, GATE_OVER_IP}
end
if over(sender_cur, sender_prev, sender_limit, sender_weight, sender_ttl) then
  return {LIST_NONE, GATE_OVER_SENDER}
end
local l = LIST_NONE
if addr ~= '' then l = listed(block, allow, addr, tonumber(maxlabels)) end
if l == LIST_BLOCK then return {l, GATE_UNDER} end
if over(project_cur, project_prev, project_limit, project_weight, project_ttl) then
  return {l, GATE_OVER_PROJECT}
end
return {l, GATE_UNDER}
