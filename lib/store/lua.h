/*
 * lua.h - the Redis Lua scripts (the .lua files in lib/lua), compiled in by
 * lib/lua/embed-lua.sh as md_lua_<name> (struct md_script, run with
 * md_redis_eval), with their keys and arguments by name:
 *
 *	argv[MD_LUA_KEY(GATE, BLOCK)] = ...;	a key's slot
 *	argv[MD_LUA_ARG(GATE, ADDR)] = ...;	an argument's slot (after the keys)
 *	md_redis_eval(r, &md_lua_rcpt_gate, MD_LUA_NKEYS(RCPT_GATE),
 *	    MD_LUA_ARGC(RCPT_GATE), argv, NULL);
 *
 * A slot is named once, in the script's "--! KEYS"/"--! ARGV" line; the
 * constants both sides use (list and rate verdicts, stream names) are in
 * lib/lua/constants.def.
 */
#ifndef MD_LUA_H
#define MD_LUA_H

#include "lua_scripts.h"

#define MD_LUA_KEY(S, K)	MD_LUA_##S##_KEY_##K
#define MD_LUA_ARG(S, A)	(MD_LUA_##S##_NKEYS + MD_LUA_##S##_ARG_##A)
#define MD_LUA_NKEYS(S)		MD_LUA_##S##_NKEYS
/* Keys plus the fixed arguments: the argc of a script without a tail. */
#define MD_LUA_ARGC(S)		(MD_LUA_##S##_NKEYS + MD_LUA_##S##_NARGS)

#endif
