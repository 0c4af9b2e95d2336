/*
 * stream_names.h - the names of maildesk's Redis streams and their
 * consumer group, defined once (as Postfix's mail_proto.h names every
 * attribute once, in lib/lua/constants.def).  Keys are
 * "<redis_prefix><name>" (md_key());
 * doc/redis-schema.md describes them.
 */
#ifndef MD_STREAM_NAMES_H
#define MD_STREAM_NAMES_H

#include "lua.h"

/* The values are in lib/lua/constants.def, which the Lua scripts share. */
#define MD_STREAM_INBOX		MD_LUA_STREAM_INBOX	/* the milter's records, XADD before 250 */
#define MD_STREAM_DEAD		MD_LUA_STREAM_DEAD	/* records the workers gave up on */
#define MD_GROUP_WORKERS	MD_LUA_GROUP_WORKERS	/* the consumer group on MD_STREAM_INBOX */

#endif
