-- redis_down_rcpt.lua: with Redis down, a desk recipient gets 451 at RCPT
-- (cannot check the project) while an ordinary recipient is unaffected.
dofile(os.getenv("top_srcdir") .. "/tests/milter/common.lua")
md_run(function()
  local conn = md_connect()
  md_expect(md_mail(conn, "<alice@example.org>"), SMFIR_CONTINUE, "MAIL")
  md_expect(md_rcpt(conn, "<support+acme@desk.test>"), SMFIR_REPLYCODE, "RCPT desk")
  md_expect(md_rcpt(conn, "<bob@example.test>"), SMFIR_CONTINUE, "RCPT other")
  mt.disconnect(conn)
end)
