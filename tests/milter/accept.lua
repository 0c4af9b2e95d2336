-- accept.lua: a new request to an enabled project is stored and the
-- message discarded (its only recipient is the desk).
dofile(os.getenv("top_srcdir") .. "/tests/milter/common.lua")
md_run(function()
  local conn = md_connect()
  mt.macro(conn, SMFIC_MAIL, "i", "QACCEPT1")
  md_expect(md_mail(conn, "<alice@example.org>"), SMFIR_CONTINUE, "MAIL")
  md_expect(md_rcpt(conn, "<support+acme@desk.test>"), SMFIR_CONTINUE, "RCPT")
  md_expect(md_message(conn, md_headers("Printer on fire", "accept-1@example.org"),
    "Hello,\r\nthe printer is on fire.\r\n"), SMFIR_DISCARD, "EOM")
  mt.disconnect(conn)
end)
