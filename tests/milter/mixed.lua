-- mixed.lua: desk + ordinary recipient: the desk recipient is removed
-- (smfi_delrcpt) and the message accepted for the other one.
dofile(os.getenv("top_srcdir") .. "/tests/milter/common.lua")
md_run(function()
  local conn = md_connect()
  md_expect(md_mail(conn, "<alice@example.org>"), SMFIR_CONTINUE, "MAIL")
  md_expect(md_rcpt(conn, "<Support+ACME@Desk.Test>"), SMFIR_CONTINUE, "RCPT desk")
  md_expect(md_rcpt(conn, "<bob@example.test>"), SMFIR_CONTINUE, "RCPT other")
  md_expect(md_message(conn, md_headers("Mixed", "mixed-1@example.org"), "both\r\n"),
    SMFIR_ACCEPT, "EOM")
  assert(mt.eom_check(conn, MT_RCPTDELETE, "<Support+ACME@Desk.Test>"), "desk rcpt not deleted")
  mt.disconnect(conn)
end)
