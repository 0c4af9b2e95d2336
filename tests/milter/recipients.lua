-- recipients.lua: the same desk address twice is one record; a client that
-- declares a SIZE too large for another copy of the message gets 452 for
-- the next distinct desk recipient (its records would not fit the budget).
dofile(os.getenv("top_srcdir") .. "/tests/milter/common.lua")
md_run(function()
  local conn = md_connect()
  md_expect(md_mail(conn, "<alice@example.org>"), SMFIR_CONTINUE, "MAIL 1")
  md_expect(md_rcpt(conn, "<support+acme@desk.test>"), SMFIR_CONTINUE, "RCPT 1")
  md_expect(md_rcpt(conn, "<Support+Acme@desk.test>"), SMFIR_CONTINUE, "RCPT 1 again")
  md_expect(md_message(conn, md_headers("Twice to acme", "twice-1@example.org"), "one\r\n"),
    SMFIR_DISCARD, "EOM 1")
  md_expect(md_send(conn, SMFIP_NOMAIL, mt.mailfrom, "<alice@example.org>", "SIZE=40000000"),
    SMFIR_CONTINUE, "MAIL 2 with SIZE")
  md_expect(md_rcpt(conn, "<support+acme@desk.test>"), SMFIR_CONTINUE, "RCPT 2")
  md_expect(md_rcpt(conn, "<support+acme@desk.test>"), SMFIR_CONTINUE, "RCPT 2 again")
  md_expect(md_rcpt(conn, "<support+beta@desk.test>"), SMFIR_REPLYCODE, "RCPT 2 over budget")
  md_expect(md_message(conn, md_headers("Big one", "big-2@example.org"), "two\r\n"),
    SMFIR_DISCARD, "EOM 2")
  mt.disconnect(conn)
end)
