-- unknown.lua: unknown project, disabled project, bare desk address and an
-- unknown reply key are refused at RCPT with 550 5.1.1; others continue.
dofile(os.getenv("top_srcdir") .. "/tests/milter/common.lua")
md_run(function()
  local conn = md_connect()
  md_expect(md_mail(conn, "<alice@example.org>"), SMFIR_CONTINUE, "MAIL")
  md_expect(md_rcpt(conn, "<support+nosuch@desk.test>"), SMFIR_REPLYCODE, "unknown project")
  md_expect(md_rcpt(conn, "<support+sleepy@desk.test>"), SMFIR_REPLYCODE, "disabled project")
  md_expect(md_rcpt(conn, "<support@desk.test>"), SMFIR_REPLYCODE, "bare desk address")
  md_expect(md_rcpt(conn, "<support+r-aaaaaaaaaaaaaaaaaaaaaaaaaa@desk.test>"), SMFIR_REPLYCODE,
    "unknown reply key")
  md_expect(md_rcpt(conn, "<bob@example.test>"), SMFIR_CONTINUE, "ordinary recipient")
  -- only an ordinary recipient left: the milter steps aside at DATA
  mt.disconnect(conn)
end)
