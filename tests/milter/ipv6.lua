-- ipv6.lua: a client connecting over IPv6 is recorded with its address.
dofile(os.getenv("top_srcdir") .. "/tests/milter/common.lua")
md_run(function()
  local conn = md_connect("v6.example.org", "2001:db8::7")
  md_expect(md_mail(conn, "<alice@example.org>"), SMFIR_CONTINUE, "MAIL")
  md_expect(md_rcpt(conn, "<support+acme@desk.test>"), SMFIR_CONTINUE, "RCPT")
  md_expect(md_message(conn, md_headers("From IPv6", "v6-1@example.org"), "over v6\r\n"),
    SMFIR_DISCARD, "EOM")
  mt.disconnect(conn)
end)
