-- abort.lua: an abort after RCPT (client RSET) frees the message; the next
-- transaction on the connection is stored normally, the aborted one never.
dofile(os.getenv("top_srcdir") .. "/tests/milter/common.lua")
md_run(function()
  local conn = md_connect()
  md_expect(md_mail(conn, "<alice@example.org>"), SMFIR_CONTINUE, "MAIL 1")
  md_expect(md_rcpt(conn, "<support+acme@desk.test>"), SMFIR_CONTINUE, "RCPT 1")
  assert(mt.abort(conn) == nil, "abort")
  md_expect(md_mail(conn, "<alice@example.org>"), SMFIR_CONTINUE, "MAIL 2")
  md_expect(md_rcpt(conn, "<support+acme@desk.test>"), SMFIR_CONTINUE, "RCPT 2")
  md_expect(md_message(conn, md_headers("After abort", "abort-2@example.org"), "kept\r\n"),
    SMFIR_DISCARD, "EOM 2")
  -- abort after a completed eom (Postfix does this at every RSET) is harmless
  assert(mt.abort(conn) == nil, "abort after eom")
  mt.disconnect(conn)
end)
