/*
 * tracker_scripts.c - the Lua scripts behind every tracker change.
 *
 * Each script is one atomic step: Redis runs it to completion before any
 * other command, so a crash of the worker or the CLI can never leave half an
 * issue, and two workers can never allocate the same issue number.  Keys are
 * built inside the scripts from the prefix in ARGV[1] (nkeys is 0): fine
 * for a single Redis server, which is what maildesk supports.
 *
 * Counted lists: take(i) reads ARGV[i] = n followed by n items.  Outbound
 * mails travel as 5-tuples rcpt, message_id, data, mail_from, kind; they are
 * queued only for addresses that are subscribed to the issue and appear in
 * neither <p>bounced nor <p>unsubscribed, checked here so that a customer
 * who unsubscribed a moment ago gets nothing.  Automatic mails (kinds
 * confirmation, notice, forward: caused by incoming mail, not by a person)
 * also count against CAP per recipient and hour in <p>automail:<email>
 * (INCR, EXPIRE 3600 on the first): past it the mail is dropped with a
 * system note, which is what ends a mail loop with an autoresponder.
 * Every queued mail's Message-ID is appended to the recipient's chain
 * (tracker_mail.c).  A script that has just made the issue sets NEW_ISSUE
 * (its chains are empty) and NEWSUB (the address it subscribed), which
 * spares the reads that would only find that out.  Attachments are 5-tuples filename, content_type,
 * size, stored (0/1), data.
 */
#include "config.h"

#include "tracker_int.h"

#define STR_(x)		#x
#define STR(x)		STR_(x)
#define CHAIN_MAX	STR(MD_TRK_CHAIN_MAX)
#define LUA_TRUE(k)	#k " = true, "

/*
 * The dedup key of a message without Message-ID: the SHA-1 of its raw
 * text without the Received: fields of its header.  A sender that retries
 * after a 4xx (one that came after the record was written: a lost reply,
 * too few replicas) sends the same bytes, but our own MTA's Received: line
 * names a new queue id and time, which would make the retry a second issue.
 */
#define DEDUP_KEY \
	"local function dedup_key(raw)\n" \
	"  local h = string.find(raw, '\\n\\r?\\n')\n" \
	"  local kept, skip = {}, false\n" \
	"  for line in string.gmatch(string.sub(raw, 1, h or #raw), '[^\\n]*\\n?') do\n" \
	"    if string.find(line, '^[Rr][Ee][Cc][Ee][Ii][Vv][Ee][Dd][ \\t]*:') then skip = true\n" \
	"    elseif not (skip and string.find(line, '^[ \\t]')) then\n" \
	"      skip = false\n" \
	"      kept[#kept + 1] = line\n" \
	"    end\n" \
	"  end\n" \
	"  return 'sha1:' .. redis.sha1hex(table.concat(kept) .. (h and string.sub(raw, h + 1) or ''))\n" \
	"end\n"

#define PRELUDE DEDUP_KEY \
	"local P = ARGV[1]\n" \
	"local YEAR = 31536000\n" \
	"local function take(i)\n" \
	"  local n = tonumber(ARGV[i]) or 0\n" \
	"  local t = {}\n" \
	"  for j = i + 1, i + n do t[#t + 1] = ARGV[j] end\n" \
	"  return t, i + n + 1\n" \
	"end\n" \
	"local function field(t, name)\n" \
	"  for j = 1, #t - 1, 2 do if t[j] == name then return t[j + 1] end end\n" \
	"  return ''\n" \
	"end\n" \
	"local function ack(entry, proj)\n" \
	"  if entry ~= '' then\n" \
	"    redis.call('XACK', P .. 'inbox', 'workers', entry)\n" \
	"    redis.call('XDEL', P .. 'inbox', entry)\n" \
	"    if proj then redis.call('HDEL', P .. 'iidres:' .. proj, entry) end\n" \
	"  end\n" \
	"end\n" \
	"local function thread(mid, path)\n" \
	"  if mid ~= '' then redis.call('SET', P .. 'thread:' .. mid, path, 'EX', YEAR) end\n" \
	"end\n" \
	"local function blocked(email)\n" \
	"  return redis.call('HEXISTS', P .. 'bounced', email) == 1 or\n" \
	"    redis.call('HEXISTS', P .. 'unsubscribed', email) == 1\n" \
	"end\n" \
	"local function save_atts(atts, proj, iid, note)\n" \
	"  local ik = P .. 'issue:' .. proj .. ':' .. iid\n" \
	"  for j = 1, #atts - 4, 5 do\n" \
	"    local n = redis.call('HINCRBY', ik, 'last_att', 1)\n" \
	"    local ak = P .. 'att:' .. proj .. ':' .. iid .. ':' .. n\n" \
	"    redis.call('HSET', ak, 'filename', atts[j], 'content_type', atts[j + 1],\n" \
	"      'size', atts[j + 2], 'stored', atts[j + 3], 'note', note)\n" \
	"    if atts[j + 3] == '1' then redis.call('HSET', ak, 'data', atts[j + 4]) end\n" \
	"    redis.call('RPUSH', ik .. ':attachments', n)\n" \
	"  end\n" \
	"end\n" \
	"local function touch(proj, iid, now)\n" \
	"  redis.call('HSET', P .. 'issue:' .. proj .. ':' .. iid, 'updated', now)\n" \
	"  redis.call('ZADD', P .. 'issues:' .. proj .. ':updated', now, iid)\n" \
	"end\n" \
	"local function note(proj, iid, t)\n" \
	"  return redis.call('XADD', P .. 'issue:' .. proj .. ':' .. iid .. ':notes', '*', unpack(t))\n" \
	"end\n" \
	"local function sysnote(proj, iid, now, text)\n" \
	"  return note(proj, iid, {'author', 'Support Bot', 'author_email', '', 'kind', 'system',\n" \
	"    'text', text, 'created', now, 'message_id', '', 'attachments', '0'})\n" \
	"end\n" \
	"local NEW_ISSUE, NEWSUB = false, nil\n" \
	"local chains = {}\n" \
	"local function chain_add(ik, email, mid)\n" \
	"  if mid == '' or email == '' or string.find(mid, '%s') then return end\n" \
	"  local ck = ik .. ' ' .. email\n" \
	"  if chains[ck] == nil then\n" \
	"    chains[ck] = NEW_ISSUE and '' or (redis.call('HGET', ik .. ':chain', email) or '')\n" \
	"  end\n" \
	"  local t = {}\n" \
	"  for id in string.gmatch(chains[ck], '%S+') do\n" \
	"    if id ~= mid then t[#t + 1] = id end\n" \
	"  end\n" \
	"  t[#t + 1] = mid\n" \
	"  while #t > " CHAIN_MAX " do table.remove(t, 1) end\n" \
	"  chains[ck] = table.concat(t, ' ')\n" \
	"  redis.call('HSET', ik .. ':chain', email, chains[ck])\n" \
	"end\n" \
	"local CAP = 0\n" \
	"local AUTO = {" MD_AUTOMATIC_KINDS(LUA_TRUE) "}\n" \
	"local function capped(rcpt, kind, proj, iid, now)\n" \
	"  if CAP <= 0 or not AUTO[kind] then return false end\n" \
	"  local k = P .. 'automail:' .. rcpt\n" \
	"  local n = redis.call('INCR', k)\n" \
	"  if n == 1 then redis.call('EXPIRE', k, 3600) end\n" \
	"  if n <= CAP then return false end\n" \
	"  sysnote(proj, iid, now, 'Mail loop protection: ' .. rcpt .. ' already got ' .. CAP ..\n" \
	"    ' automatic mails within the hour, this ' .. kind .. ' mail was not sent')\n" \
	"  return true\n" \
	"end\n" \
	"local function queue_mails(mails, proj, iid, now, ik)\n" \
	"  local sent = 0\n" \
	"  for j = 1, #mails - 4, 5 do\n" \
	"    local rcpt, kind = mails[j], mails[j + 4]\n" \
	"    if not blocked(rcpt) and (rcpt == NEWSUB or\n" \
	"        redis.call('HGET', ik .. ':subscribers', rcpt) == 'subscribed') and\n" \
	"        not capped(rcpt, kind, proj, iid, now) then\n" \
	"      redis.call('XADD', P .. 'outbox', '*', 'kind', kind,\n" \
	"        'project', proj, 'iid', iid, 'rcpt', rcpt, 'mail_from', mails[j + 3],\n" \
	"        'message_id', mails[j + 1], 'data', mails[j + 2], 'created', now)\n" \
	"      thread(mails[j + 1], proj .. '#' .. iid)\n" \
	"      chain_add(ik, rcpt, mails[j + 1])\n" \
	"      sent = sent + 1\n" \
	"    end\n" \
	"  end\n" \
	"  return sent\n" \
	"end\n"

/*
 * The issue numbers for a batch of new requests, taken before the
 * confirmations that quote them are rendered, and what rendering needs.
 * ARGV: prefix, then per request a 5-tuple project, inbox entry id,
 * Message-ID, template name ("" none) and, only when the Message-ID is
 * empty, the raw message (its SHA-1 is the key; else "").  Each number is
 * remembered in <p>iidres:<project> under the entry id, so a worker that
 * dies and the one that claims the entry after it use the same number: a
 * crash wastes none.  Replies one element per request: {"dup", iid} when
 * the Message-ID is already filed, an error "NOPROJECT ..." for a project
 * that does not exist, else {"iid", n, verified_senders, the project's
 * template body, its subject} (nil where the project has none).  A project's
 * settings and templates are read once per batch.
 */
struct md_script md_trk_reserve_script = { .source = DEDUP_KEY
	"local P = ARGV[1]\n"
	"local known, tpls, out = {}, {}, {}\n"
	"for j = 2, #ARGV - 4, 5 do\n"
	"  local proj, entry, mid, tpl = ARGV[j], ARGV[j + 1], ARGV[j + 2], ARGV[j + 3]\n"
	"  local pk = P .. 'project:' .. proj\n"
	"  if known[proj] == nil then\n"
	"    known[proj] = redis.call('EXISTS', pk) == 1 and\n"
	"      (redis.call('HGET', pk, 'verified_senders') or '0')\n"
	"  end\n"
	"  if not known[proj] then\n"
	"    out[#out + 1] = {err = 'NOPROJECT no such project: ' .. proj}\n"
	"  else\n"
	"    if mid == '' then mid = dedup_key(ARGV[j + 4]) end\n"
	"    local old = redis.call('HGET', P .. 'msgid:' .. proj, mid)\n"
	"    if old then\n"
	"      out[#out + 1] = {'dup', tonumber(old)}\n"
	"    else\n"
	"      local rk = P .. 'iidres:' .. proj\n"
	"      local iid\n"
	"      if entry ~= '' then iid = tonumber(redis.call('HGET', rk, entry) or '') end\n"
	"      if not iid then\n"
	"        iid = redis.call('HINCRBY', pk, 'last_iid', 1)\n"
	"        if entry ~= '' then redis.call('HSET', rk, entry, iid) end\n"
	"      end\n"
	"      local tk = proj .. ' ' .. tpl\n"
	"      if tpls[tk] == nil then\n"
	"        tpls[tk] = tpl ~= '' and\n"
	"          redis.call('HMGET', P .. 'templates:' .. proj, tpl, tpl .. '_subject') or\n"
	"          {false, false}\n"
	"      end\n"
	"      out[#out + 1] = {'iid', iid, known[proj], tpls[tk][1], tpls[tk][2]}\n"
	"    end\n"
	"  end\n"
	"end\n"
	"return out\n",
	.sha = "" };

/*
 * A new request.  ARGV: prefix, project, the iid reserved for it, inbox
 * entry id, Message-ID, now, customer email, reply key, unsub key, labels,
 * the stage key S, then the counted lists: attachments, mails, Cc
 * participants (email, reply key, unsub key), then the closed issue it
 * follows ("" none) and the automatic-mail cap.  The large values come
 * staged, set by the same MULTI/EXEC just before (md_redis_eval_pipe): S
 * is a hash of the fields from the record (title, description,
 * ...) and S:raw, when the message is not empty, the raw message.  They
 * are RENAMEd into place (RENAMENX for the issue itself: the number being
 * taken is the only way it can fail), so 20 KB of text do not pass through Lua, which
 * would copy and hash every byte (only a record without Message-ID has its
 * raw text read, for the SHA-1).  The transaction deletes what is left of
 * them after the script, whichever way it ended.
 * Replies {"dup", iid, 0}, {"retry", iid, 0} when an issue with that number
 * exists already (only the reservation is dropped: reserve again), or {"created", iid,
 * mails queued}.  A record without Message-ID is deduplicated by the SHA-1
 * of its raw text.  The number goes into the commands as the string it came
 * as: Redis prints a Lua number given to redis.call with snprintf("%.17g"),
 * every time.
 */
struct md_script md_trk_create_script = { .source = PRELUDE
	"local proj, want, entry, mid, now = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]\n"
	"local email, rkey, ukey, labels, S = ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11]\n"
	"local atts, i = take(12)\n"
	"local mails, parts\n"
	"mails, i = take(i)\n"
	"parts, i = take(i)\n"
	"local follows = ARGV[i] or ''\n"
	"CAP = tonumber(ARGV[i + 1]) or 0\n"
	"local pk = P .. 'project:' .. proj\n"
	"local last = redis.call('HGET', pk, 'last_iid')\n"
	"if not last and redis.call('EXISTS', pk) == 0 then\n"
	"  return redis.error_reply('NOPROJECT no such project: ' .. proj)\n"
	"end\n"
	"local dkey = mid\n"
	"if dkey == '' then dkey = dedup_key(redis.call('GET', S .. ':raw') or '') end\n"
	"local old = redis.call('HGET', P .. 'msgid:' .. proj, dkey)\n"
	"if old then ack(entry, proj) return {'dup', tonumber(old), 0} end\n"
	"local iid = ARGV[3]\n"
	"local ik = P .. 'issue:' .. proj .. ':' .. iid\n"
	"local moved = want and want >= 1 and redis.pcall('RENAMENX', S, ik)\n"
	"if not moved or moved == 0 or (type(moved) == 'table' and redis.call('EXISTS', ik) == 1) then\n"
	"  if entry ~= '' then redis.call('HDEL', P .. 'iidres:' .. proj, entry) end\n"
	"  return {'retry', want, 0}\n"
	"end\n"
	"if tonumber(last or '0') < want then redis.call('HSET', pk, 'last_iid', iid) end\n"
	"NEW_ISSUE, NEWSUB = true, email\n"
	"local ix = P .. 'issues:' .. proj\n"
	"redis.call('HSET', ik, 'project', proj, 'iid', iid, 'author', 'Support Bot',\n"
	"  'customer_email', email, 'confidential', '1', 'state', 'opened',\n"
	"  'labels', labels, 'created', now, 'updated', now, 'message_id', mid,\n"
	"  'reply_key', rkey, 'unsub_key', ukey, 'source', entry)\n"
	"redis.pcall('RENAME', S .. ':raw', ik .. ':raw')\n"
	"redis.call('ZADD', ix, now, iid)\n"
	"redis.call('ZADD', ix .. ':updated', now, iid)\n"
	"redis.call('SADD', ix .. ':state:opened', iid)\n"
	"for l in string.gmatch(labels, '[^,]+') do redis.call('SADD', ix .. ':label:' .. l, iid) end\n"
	"if email ~= '' then\n"
	"  redis.call('SADD', ix .. ':customer:' .. email, iid)\n"
	"  redis.call('HSET', ik .. ':subscribers', email, 'subscribed')\n"
	"  redis.call('HSET', ik .. ':keys', email, rkey .. ' ' .. ukey)\n"
	"  redis.call('HSET', P .. 'rkey:' .. rkey, 'project', proj, 'iid', iid, 'email', email)\n"
	"  redis.call('HSET', P .. 'ukey:' .. ukey, 'project', proj, 'iid', iid, 'email', email)\n"
	"end\n"
	"local added = {}\n"
	"for j = 1, #parts - 2, 3 do\n"
	"  local pe = parts[j]\n"
	"  if pe ~= email and redis.call('HEXISTS', ik .. ':subscribers', pe) == 0 then\n"
	"    redis.call('HSET', ik .. ':subscribers', pe, 'subscribed')\n"
	"    redis.call('HSET', ik .. ':keys', pe, parts[j + 1] .. ' ' .. parts[j + 2])\n"
	"    redis.call('HSET', P .. 'rkey:' .. parts[j + 1], 'project', proj, 'iid', iid, 'email', pe)\n"
	"    redis.call('HSET', P .. 'ukey:' .. parts[j + 2], 'project', proj, 'iid', iid, 'email', pe)\n"
	"    added[#added + 1] = pe\n"
	"  end\n"
	"end\n"
	"if #added > 0 then\n"
	"  sysnote(proj, iid, now, 'Participants from Cc: ' .. table.concat(added, ', '))\n"
	"end\n"
	"if follows ~= '' then\n"
	"  redis.call('HSET', ik, 'follows', follows)\n"
	"  sysnote(proj, iid, now, 'Follow-up of ' .. proj .. '#' .. follows ..\n"
	"    ', which is closed: ' .. email .. ' wrote to it again')\n"
	"  if redis.call('EXISTS', P .. 'issue:' .. proj .. ':' .. follows) == 1 then\n"
	"    sysnote(proj, follows, now, email .. ' wrote to this closed issue; the mail became ' ..\n"
	"      proj .. '#' .. iid)\n"
	"    touch(proj, follows, now)\n"
	"  end\n"
	"end\n"
	"redis.call('HSET', P .. 'msgid:' .. proj, dkey, iid)\n"
	"thread(mid, proj .. '#' .. iid)\n"
	"save_atts(atts, proj, iid, 'description')\n"
	"local sent = queue_mails(mails, proj, iid, now, ik)\n"
	"ack(entry, proj)\n"
	"return {'created', want, sent}\n",
	.sha = "" };

/*
 * An unsubscribe request (replies go through the answer script).  ARGV:
 * prefix, "unsubscribe", key, inbox entry id, Message-ID, now, then counted
 * lists: note fields, attachments.  Replies {"unsubscribed", project, iid}.
 */
struct md_script md_trk_reply_script = { .source = PRELUDE
	"local kind, key, entry, mid, now = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]\n"
	"local fields, i = take(7)\n"
	"local atts = take(i)\n"
	"local kk = P .. (kind == 'unsubscribe' and 'ukey:' or 'rkey:') .. key\n"
	"local kv = redis.call('HMGET', kk, 'project', 'iid', 'email')\n"
	"if not kv[1] or not kv[2] then\n"
	"  return redis.error_reply('NOKEY unknown ' .. kind .. ' key ' .. key)\n"
	"end\n"
	"local proj, iid, email = kv[1], kv[2], kv[3] or ''\n"
	"local ik = P .. 'issue:' .. proj .. ':' .. iid\n"
	"if redis.call('EXISTS', ik) == 0 then\n"
	"  return redis.error_reply('NOISSUE key ' .. key .. ' names a missing issue ' .. proj .. '#' .. iid)\n"
	"end\n"
	"if redis.call('HGET', ik .. ':subscribers', email) ~= 'unsubscribed' then\n"
	"  redis.call('HSET', ik .. ':subscribers', email, 'unsubscribed')\n"
	"  note(proj, iid, {'author', 'Support Bot', 'author_email', '', 'kind', 'system',\n"
	"    'text', email .. ' unsubscribed', 'created', now, 'message_id', mid, 'attachments', '0'})\n"
	"end\n"
	"ack(entry)\n"
	"return {'unsubscribed', proj, iid}\n",
	.sha = "" };

/*
 * Automated mail: ARGV prefix, entry id, counted fields, then a reply key
 * ("" none), the bounce reason and now.  Kept, never answered.  With a key
 * (a delivery report about a mail we sent from that subscriber's reply
 * address) the subscriber's address goes to <p>bounced, with a system note
 * the first time only, so a bounce storm writes one note.  Replies
 * {"archived"} or {"bounced", project, iid}.
 */
struct md_script md_trk_automated_script = { .source = PRELUDE
	"local entry = ARGV[2]\n"
	"local f, i = take(3)\n"
	"local key, reason, now = ARGV[i] or '', ARGV[i + 1] or '', ARGV[i + 2] or '0'\n"
	"if #f == 0 then f = {'v', '1'} end\n"
	"redis.call('XADD', P .. 'automated', 'MAXLEN', '~', '10000', '*', unpack(f))\n"
	"local res = {'archived'}\n"
	"if key ~= '' then\n"
	"  local kv = redis.call('HMGET', P .. 'rkey:' .. key, 'project', 'iid', 'email')\n"
	"  if kv[1] and kv[2] and kv[3] and kv[3] ~= '' and\n"
	"      redis.call('EXISTS', P .. 'issue:' .. kv[1] .. ':' .. kv[2]) == 1 then\n"
	"    if redis.call('HEXISTS', P .. 'bounced', kv[3]) == 0 then\n"
	"      redis.call('HSET', P .. 'bounced', kv[3], reason)\n"
	"      sysnote(kv[1], kv[2], now, 'Mail to ' .. kv[3] .. ' bounced (' .. reason ..\n"
	"        '): no more mail goes to this address')\n"
	"    end\n"
	"    res = {'bounced', kv[1], kv[2]}\n"
	"  end\n"
	"end\n"
	"ack(entry)\n"
	"return res\n",
	.sha = "" };

/*
 * A customer's answer to an issue (through a reply key, a Message-ID we
 * know, or the subject tag).  ARGV: prefix, project, iid, expected state
 * (opened, or closed when the project reopens on reply), inbox entry id,
 * Message-ID, now, sender, chain owner (whose Message-ID chain the mail
 * continues), "1" to forget a bounce of the sender, the automatic-mail cap,
 * then counted lists: note fields, attachments, mails.  A sender who had
 * unsubscribed from the issue is subscribed again.  Replies {"dup", iid, 0},
 * {"retry", state, 0} when the state is not the expected one (nothing
 * written), or {"note"|"reopened", iid, mails queued}.
 */
struct md_script md_trk_answer_script = { .source = PRELUDE
	"local proj, iid, expect, entry, mid, now = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]\n"
	"local sender, cemail, clear = ARGV[8], ARGV[9], ARGV[10]\n"
	"CAP = tonumber(ARGV[11]) or 0\n"
	"local fields, i = take(12)\n"
	"local atts, mails\n"
	"atts, i = take(i)\n"
	"mails, i = take(i)\n"
	"local ik = P .. 'issue:' .. proj .. ':' .. iid\n"
	"local ix = P .. 'issues:' .. proj\n"
	"if redis.call('EXISTS', ik) == 0 then\n"
	"  return redis.error_reply('NOISSUE no issue ' .. proj .. '#' .. iid)\n"
	"end\n"
	"local dkey = mid\n"
	"if dkey == '' then dkey = dedup_key(field(fields, 'raw')) end\n"
	"if redis.call('HEXISTS', P .. 'msgid:' .. proj, dkey) == 1 then\n"
	"  ack(entry, proj)\n"
	"  return {'dup', tonumber(iid), 0}\n"
	"end\n"
	"local st = redis.call('HGET', ik, 'state') or 'opened'\n"
	"if st ~= expect then return {'retry', st, 0} end\n"
	"if st == 'closed' then\n"
	"  redis.call('HSET', ik, 'state', 'opened')\n"
	"  redis.call('SREM', ix .. ':state:closed', iid)\n"
	"  redis.call('SADD', ix .. ':state:opened', iid)\n"
	"  sysnote(proj, iid, now, 'reopened by a reply from ' .. sender)\n"
	"end\n"
	"if redis.call('HGET', ik .. ':subscribers', sender) == 'unsubscribed' then\n"
	"  redis.call('HSET', ik .. ':subscribers', sender, 'subscribed')\n"
	"  sysnote(proj, iid, now, sender .. ' subscribed again by writing to this issue')\n"
	"end\n"
	"if clear == '1' and redis.call('HDEL', P .. 'bounced', sender) == 1 then\n"
	"  sysnote(proj, iid, now, sender .. ' wrote again: no longer marked as bounced')\n"
	"end\n"
	"local nid = note(proj, iid, fields)\n"
	"save_atts(atts, proj, iid, nid)\n"
	"touch(proj, iid, now)\n"
	"redis.call('HSET', P .. 'msgid:' .. proj, dkey, iid)\n"
	"thread(mid, proj .. '#' .. iid)\n"
	"chain_add(ik, cemail, mid)\n"
	"local sent = queue_mails(mails, proj, iid, now, ik)\n"
	"ack(entry, proj)\n"
	"return {st == 'closed' and 'reopened' or 'note', tonumber(iid), sent}\n",
	.sha = "" };

/*
 * A responder's note.  ARGV: prefix, project, iid, now, kind
 * (public|internal), author, author email, text, counted mails (public
 * only).  Replies {"nosuch"} or {"ok", note id, mails queued}.
 */
struct md_script md_trk_note_script = { .source = PRELUDE
	"local proj, iid, now, kind = ARGV[2], ARGV[3], ARGV[4], ARGV[5]\n"
	"local mails = take(9)\n"
	"local ik = P .. 'issue:' .. proj .. ':' .. iid\n"
	"if redis.call('EXISTS', ik) == 0 then return {'nosuch'} end\n"
	"local nid = note(proj, iid, {'author', ARGV[6], 'author_email', ARGV[7],\n"
	"  'kind', kind, 'text', ARGV[8], 'created', now, 'message_id', '', 'attachments', '0'})\n"
	"touch(proj, iid, now)\n"
	"local sent = 0\n"
	"if kind == 'public' then sent = queue_mails(mails, proj, iid, now, ik) end\n"
	"return {'ok', nid, sent}\n",
	.sha = "" };

/*
 * Close or reopen.  ARGV: prefix, project, iid, now, new state
 * (opened|closed), author, counted mails.  Replies {"nosuch"}, {"same", 0}
 * or {"ok", mails queued}.
 */
struct md_script md_trk_state_script = { .source = PRELUDE
	"local proj, iid, now, new, author = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]\n"
	"local mails = take(7)\n"
	"local ik = P .. 'issue:' .. proj .. ':' .. iid\n"
	"local ix = P .. 'issues:' .. proj\n"
	"if redis.call('EXISTS', ik) == 0 then return {'nosuch'} end\n"
	"local cur = redis.call('HGET', ik, 'state') or 'opened'\n"
	"if cur == new then return {'same', 0} end\n"
	"redis.call('HSET', ik, 'state', new)\n"
	"redis.call('SREM', ix .. ':state:' .. cur, iid)\n"
	"redis.call('SADD', ix .. ':state:' .. new, iid)\n"
	"touch(proj, iid, now)\n"
	"note(proj, iid, {'author', author, 'author_email', '', 'kind', 'system',\n"
	"  'text', (new == 'closed' and 'closed' or 'reopened') .. ' by ' .. author,\n"
	"  'created', now, 'message_id', '', 'attachments', '0'})\n"
	"return {'ok', queue_mails(mails, proj, iid, now, ik)}\n",
	.sha = "" };

/*
 * Label add/remove.  ARGV: prefix, project, iid, now, op (add|del), label.
 * Replies {"nosuch"}, {"same", labels} or {"ok", labels}.
 */
struct md_script md_trk_label_script = { .source = PRELUDE
	"local proj, iid, now, op, label = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]\n"
	"local ik = P .. 'issue:' .. proj .. ':' .. iid\n"
	"local lk = P .. 'issues:' .. proj .. ':label:' .. label\n"
	"if redis.call('EXISTS', ik) == 0 then return {'nosuch'} end\n"
	"local cur = redis.call('HGET', ik, 'labels') or ''\n"
	"local set, list = {}, {}\n"
	"for l in string.gmatch(cur, '[^,]+') do set[l] = true end\n"
	"if (op == 'add') == (set[label] == true) then return {'same', cur} end\n"
	"if op == 'add' then\n"
	"  set[label] = true\n"
	"  redis.call('SADD', lk, iid)\n"
	"else\n"
	"  set[label] = nil\n"
	"  redis.call('SREM', lk, iid)\n"
	"end\n"
	"for l in pairs(set) do list[#list + 1] = l end\n"
	"table.sort(list)\n"
	"local s = table.concat(list, ',')\n"
	"redis.call('HSET', ik, 'labels', s)\n"
	"touch(proj, iid, now)\n"
	"return {'ok', s}\n",
	.sha = "" };

/*
 * Issue list (read only).  ARGV: prefix, project, state (all|opened|closed),
 * label, customer, search (lower case), sort (created|updated), offset,
 * limit, counted field names.  Walks the sort index newest first, so the
 * cost is one pass over the project's issues.  Replies {total, opened,
 * closed, {fields of issue}, ...}.
 */
struct md_script md_trk_list_script = { .source = PRELUDE
	"local proj, state, label, cust, search, sort = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]\n"
	"local offset, limit = tonumber(ARGV[8]) or 0, tonumber(ARGV[9]) or 20\n"
	"local fields = take(10)\n"
	"local ix = P .. 'issues:' .. proj\n"
	"local order = redis.call('ZREVRANGE', sort == 'updated' and ix .. ':updated' or ix, 0, -1)\n"
	"local opened, closed, total, page = 0, 0, 0, {}\n"
	"for _, iid in ipairs(order) do\n"
	"  local ik = P .. 'issue:' .. proj .. ':' .. iid\n"
	"  local ok = true\n"
	"  if label ~= '' and redis.call('SISMEMBER', ix .. ':label:' .. label, iid) == 0 then ok = false end\n"
	"  if ok and cust ~= '' and redis.call('SISMEMBER', ix .. ':customer:' .. cust, iid) == 0 then ok = false end\n"
	"  if ok and search ~= '' then\n"
	"    local td = redis.call('HMGET', ik, 'title', 'description')\n"
	"    local s = string.lower((td[1] or '') .. '\\n' .. (td[2] or ''))\n"
	"    ok = string.find(s, search, 1, true) ~= nil\n"
	"  end\n"
	"  if ok then\n"
	"    local st = redis.call('SISMEMBER', ix .. ':state:opened', iid) == 1 and 'opened' or 'closed'\n"
	"    if st == 'opened' then opened = opened + 1 else closed = closed + 1 end\n"
	"    if state == 'all' or state == st then\n"
	"      total = total + 1\n"
	"      if total > offset and #page < limit then page[#page + 1] = ik end\n"
	"    end\n"
	"  end\n"
	"end\n"
	"local res = {total, opened, closed}\n"
	"for _, ik in ipairs(page) do res[#res + 1] = redis.call('HMGET', ik, unpack(fields)) end\n"
	"return res\n",
	.sha = "" };

/*
 * Dead letter.  ARGV: prefix, inbox entry id, error, failures, now.  Copies
 * the entry to <p>dead with error, orig_id, failures and dead_at, then
 * XACK + XDEL.  Replies 1 (moved) or 0 (the entry was gone: only acked).
 */
struct md_script md_trk_bury_script = { .source = PRELUDE
	"local id = ARGV[2]\n"
	"local r = redis.call('XRANGE', P .. 'inbox', id, id)\n"
	"local moved = 0\n"
	"if r[1] then\n"
	"  local f = r[1][2]\n"
	"  for _, v in ipairs({'error', ARGV[3], 'orig_id', id, 'failures', ARGV[4], 'dead_at', ARGV[5]}) do\n"
	"    f[#f + 1] = v\n"
	"  end\n"
	"  redis.call('XADD', P .. 'dead', '*', unpack(f))\n"
	"  moved = 1\n"
	"end\n"
	"redis.call('XACK', P .. 'inbox', 'workers', id)\n"
	"redis.call('XDEL', P .. 'inbox', id)\n"
	"return moved\n",
	.sha = "" };

/*
 * Retry.  ARGV: prefix, dead entry id.  XADDs the original fields back to
 * <p>inbox and XDELs the dead entry; an issue number reserved for the
 * original entry moves to the new one, so the retry leaves no gap.
 * Replies {"nosuch"} or {"ok", new id}.
 */
struct md_script md_trk_retry_script = { .source = PRELUDE
	"local id = ARGV[2]\n"
	"local r = redis.call('XRANGE', P .. 'dead', id, id)\n"
	"if not r[1] then return {'nosuch'} end\n"
	"local f, out = r[1][2], {}\n"
	"local drop = {error = true, orig_id = true, failures = true, dead_at = true}\n"
	"for j = 1, #f - 1, 2 do\n"
	"  if not drop[f[j]] then out[#out + 1] = f[j]; out[#out + 1] = f[j + 1] end\n"
	"end\n"
	"if #out == 0 then out = {'v', '1'} end\n"
	"local nid = redis.call('XADD', P .. 'inbox', '*', unpack(out))\n"
	"redis.call('XDEL', P .. 'dead', id)\n"
	"local orig, proj = field(f, 'orig_id'), field(f, 'project')\n"
	"if orig ~= '' and proj ~= '' then\n"
	"  local rk = P .. 'iidres:' .. proj\n"
	"  local n = redis.call('HGET', rk, orig)\n"
	"  if n then redis.call('HSET', rk, nid, n); redis.call('HDEL', rk, orig) end\n"
	"end\n"
	"return {'ok', nid}\n",
	.sha = "" };
