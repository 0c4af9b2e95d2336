-- Is the address on a list (lib/store/lists.c)?  LIST_NONE, LIST_BLOCK or LIST_ALLOW.
--! include listed
--! KEYS block allow
--! ARGV addr maxlabels
return listed(block, allow, addr, tonumber(maxlabels))
