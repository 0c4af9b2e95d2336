/*
 * template_store.c - read and write per-project templates in Redis.
 */
#include "config.h"

#include <string.h>

#include "template_store.h"

int
md_template_load(struct md_redis *r, const char *project, enum md_template_kind k,
    md_buf *body, md_buf *subj)
{
	const char *name = md_template_name(k);
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	int rc = -1;

	if (name == NULL || md_key(r, &key, "templates:%s", project) == NULL) {
		md_buf_free(&key);
		return -1;
	}
	rep = md_redis_cmd(r, "HMGET %s %s %s_subject", md_buf_str(&key), name, name);
	md_buf_free(&key);
	if (!md_reply_is_error(rep) && rep->type == REDIS_REPLY_ARRAY && rep->elements == 2) {
		rc = 0;
		if (rep->element[0]->type == REDIS_REPLY_STRING &&
		    md_buf_append(body, rep->element[0]->str, rep->element[0]->len) < 0)
			rc = -1;
		if (rep->element[1]->type == REDIS_REPLY_STRING &&
		    md_buf_append(subj, rep->element[1]->str, rep->element[1]->len) < 0)
			rc = -1;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

int
md_template_store(struct md_redis *r, const char *project, const char *field,
    const char *text, const char *dflt)
{
	md_buf key = MD_BUF_INIT;
	redisReply *rep;
	int rc;

	if (md_key(r, &key, "templates:%s", project) == NULL) {
		md_buf_free(&key);
		return -1;
	}
	if (*text == '\0' || (dflt != NULL && strcmp(text, dflt) == 0))
		rep = md_redis_cmd(r, "HDEL %s %s", md_buf_str(&key), field);
	else
		rep = md_redis_cmd(r, "HSET %s %s %s", md_buf_str(&key), field, text);
	md_buf_free(&key);
	rc = md_reply_is_error(rep) ? -1 : 0;
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}
