-- redis_down_eom.lua: Redis disappears between RCPT and end of message:
-- 451 4.3.0 at EOM, nothing half-written.
dofile(os.getenv("top_srcdir") .. "/tests/milter/common.lua")
md_run(function()
  local conn = md_connect()
  md_expect(md_mail(conn, "<alice@example.org>"), SMFIR_CONTINUE, "MAIL")
  md_expect(md_rcpt(conn, "<support+acme@desk.test>"), SMFIR_CONTINUE, "RCPT")
  assert(os.execute(os.getenv("REDIS_STOP_CMD")), "stopping redis")
  md_expect(md_message(conn, md_headers("Lost?", "down-1@example.org"), "x\r\n"),
    SMFIR_REPLYCODE, "EOM with Redis down")
  mt.disconnect(conn)
end)
