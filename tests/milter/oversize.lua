-- oversize.lua: a body past max_message_size (2M in this suite) gets 552 5.3.4.
dofile(os.getenv("top_srcdir") .. "/tests/milter/common.lua")
md_run(function()
  local conn = md_connect()
  md_expect(md_mail(conn, "<alice@example.org>"), SMFIR_CONTINUE, "MAIL")
  md_expect(md_rcpt(conn, "<support+acme@desk.test>"), SMFIR_CONTINUE, "RCPT")
  for _, h in ipairs(md_headers("Big", "big-1@example.org")) do
    md_send(conn, SMFIP_NOHDRS, mt.header, h[1], h[2])
  end
  md_send(conn, SMFIP_NOEOH, mt.eoh)
  local chunk = string.rep("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd\r\n", 1000)
  local r = SMFIR_CONTINUE
  local sent = 0
  while r == SMFIR_CONTINUE and sent < 40 do
    r = md_send(conn, SMFIP_NOBODY, mt.bodystring, chunk)
    sent = sent + 1
  end
  md_expect(r, SMFIR_REPLYCODE, "body past the limit")
  mt.disconnect(conn)
end)
