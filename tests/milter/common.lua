-- common.lua - helpers shared by the miltertest scripts.
-- miltertest stops silently on a Lua error, so every script runs its body
-- through md_run(), which prints the error before failing.
-- The milter is started once by tests/milter/miltertest.sh; scripts only connect.

local sock = "inet:" .. os.getenv("MILTER_PORT") .. "@127.0.0.1"

function md_connect(host, addr)
  local conn = mt.connect(sock, 40, 0.05)
  assert(conn, "mt.connect failed")
  md_send(conn, SMFIP_NOCONNECT, mt.conninfo, host or "client.example.org",
          addr or "198.51.100.7")
  md_send(conn, SMFIP_NOHELO, mt.helo, host or "client.example.org")
  return conn
end

-- Sends one step unless it was negotiated away; returns the filter's reply.
function md_send(conn, skipopt, fn, ...)
  if skipopt and mt.test_option(conn, skipopt) then return SMFIR_CONTINUE end
  local e = fn(conn, ...)
  assert(e == nil, e)
  return mt.getreply(conn)
end

function md_mail(conn, from)
  return md_send(conn, SMFIP_NOMAIL, mt.mailfrom, from)
end

function md_rcpt(conn, rcpt)
  return md_send(conn, SMFIP_NORCPT, mt.rcptto, rcpt)
end

-- Headers (a list of {name, value}), end of headers, body; returns eom reply.
function md_message(conn, headers, body)
  for _, h in ipairs(headers) do
    md_send(conn, SMFIP_NOHDRS, mt.header, h[1], h[2])
  end
  md_send(conn, SMFIP_NOEOH, mt.eoh)
  if body ~= nil then
    local r = md_send(conn, SMFIP_NOBODY, mt.bodystring, body)
    if r ~= SMFIR_CONTINUE and r ~= SMFIR_SKIP then return r end
  end
  return md_send(conn, nil, mt.eom)
end

function md_expect(got, want, what)
  assert(got == want, what .. ": got reply " .. tostring(got) .. ", want " .. tostring(want))
end

function md_run(fn)
  local ok, err = pcall(fn)
  if not ok then mt.echo("FAIL: " .. tostring(err)); error(err) end
  mt.echo("OK")
end

function md_headers(subject, msgid)
  return {
    {"From", " Alice Example <alice@example.org>"},
    {"To", " support+acme@desk.test"},
    {"Subject", " " .. subject},
    {"Message-ID", " <" .. msgid .. ">"},
    {"Date", " Wed, 25 Nov 2026 10:00:00 +0000"},
  }
end
