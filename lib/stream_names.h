/*
 * stream_names.h - the names of maildesk's Redis streams and their
 * consumer group, defined once (as Postfix's mail_proto.h names every
 * attribute once).  Keys are "<redis_prefix><name>" (md_key());
 * doc/redis-schema.md describes them.
 */
#ifndef MD_STREAM_NAMES_H
#define MD_STREAM_NAMES_H

#define MD_STREAM_INBOX		"inbox"		/* the milter's records, XADD before 250 */
#define MD_STREAM_DEAD		"dead"		/* records the workers gave up on */
#define MD_GROUP_WORKERS	"workers"	/* the consumer group on MD_STREAM_INBOX */

#endif
