-- two_messages.lua: two transactions on one connection, the second after a
-- refused recipient; state must not leak from the first into the second.
dofile(os.getenv("top_srcdir") .. "/tests/milter/common.lua")
md_run(function()
  local conn = md_connect()
  md_expect(md_mail(conn, "<alice@example.org>"), SMFIR_CONTINUE, "MAIL 1")
  md_expect(md_rcpt(conn, "<support+acme@desk.test>"), SMFIR_CONTINUE, "RCPT 1")
  md_expect(md_message(conn, md_headers("First of two", "two-1@example.org"), "one\r\n"),
    SMFIR_DISCARD, "EOM 1")
  md_expect(md_mail(conn, "<carol@example.org>"), SMFIR_CONTINUE, "MAIL 2")
  md_expect(md_rcpt(conn, "<support+nosuch@desk.test>"), SMFIR_REPLYCODE, "RCPT 2 unknown")
  md_expect(md_rcpt(conn, "<support+acme@desk.test>"), SMFIR_CONTINUE, "RCPT 2")
  md_expect(md_message(conn, md_headers("Second of two", "two-2@example.org"), "two\r\n"),
    SMFIR_DISCARD, "EOM 2")
  mt.disconnect(conn)
end)
