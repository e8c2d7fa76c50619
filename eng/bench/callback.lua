-- The lender's callbacks for the loans the bench approved (loanCode LCB + 6-digit index).
-- Every request carries a new transactionId (tag-thread-counter, so the bench can find this run's
-- rows in loan_callbacks), except a share of replays: an earlier request of the same thread sent
-- again byte for byte, as a lender retrying after a timeout would.
-- Each thread owns the loans whose index falls to it, so its repayment snapshots of a loan count up
-- (1, 2, 3 ... payments) the way a lender's do.
-- args: kind (disburse | repay | mixed), tag, loans, threads, replay share (0-1),
--       rate per second for the whole run (0 = as fast as the connections go),
--       unique callbacks for the whole run (0 = unlimited; then the thread stops),
--       payments any loan already has (so this run's repayments are news, not stale snapshots)
-- Each callback is signed as the lender signs them (Standard Webhooks: webhook-signature is "v1,"
-- and the base64 HMAC-SHA256 of "id.timestamp.body"), with the key the bench gave the Api
-- (BENCH_CALLBACK_KEY, hex): as deployed, the Api takes no unsigned callback. wrk links OpenSSL's
-- libcrypto, which computes the HMAC and the base64.

local ffi = require("ffi")
ffi.cdef [[
  const void *EVP_sha256(void);
  unsigned char *HMAC(const void *evp_md, const char *key, int key_len, const char *d, size_t n, unsigned char *md, unsigned int *md_len);
  int EVP_EncodeBlock(unsigned char *t, const unsigned char *f, int n);
]]
local callback_key = (os.getenv("BENCH_CALLBACK_KEY") or ""):gsub("..", function(h) return string.char(tonumber(h, 16)) end)
local mac, mac_length, mac_base64 = ffi.new("unsigned char[32]"), ffi.new("unsigned int[1]"), ffi.new("unsigned char[48]")

local function signed_headers(id, body)
  local timestamp = tostring(os.time())
  local message = id .. "." .. timestamp .. "." .. body
  ffi.C.HMAC(ffi.C.EVP_sha256(), callback_key, #callback_key, message, #message, mac, mac_length)
  local signed = {}
  for name, value in pairs(headers) do signed[name] = value end
  signed["webhook-id"] = id
  signed["webhook-timestamp"] = timestamp
  signed["webhook-signature"] = "v1," .. ffi.string(mac_base64, ffi.C.EVP_EncodeBlock(mac_base64, mac, 32))
  return signed
end

function init(args)
  kind, tag = args[1], args[2]
  loans, threads = tonumber(args[3]), tonumber(args[4])
  replay_share = tonumber(args[5])
  rate = tonumber(args[6]) / threads
  limit = math.ceil(tonumber(args[7]) / threads)
  base = tonumber(args[8] or "0")
  math.randomseed(tid * 7919 + os.time())
  n, answered = 0, 0
  sent = {}       -- ring of recent requests, for replays
  paid = {}       -- payments so far per loan (this thread's loans only)
end

local function history(k)
  -- One payment a day from 2021-10-25, in the reference's ISO-8601 shape (never in the future).
  return string.format('{"transactionTime":"%s","paymentAmount":250000}',
    os.date("!%Y-%m-%dT%H:%M:%S.921Z", 1635175216 + k * 86400))
end

local function new_callback()
  n = n + 1
  -- A loan index this thread owns: tid, tid + threads, tid + 2*threads ...
  local i = tid + threads * math.random(0, math.floor((loans - tid) / threads))
  local repay = kind == "repay" or (kind == "mixed" and math.random() < 0.5)
  local k = 0
  if repay then
    paid[i] = (paid[i] or 0) + 1
    k = base + paid[i]
  end
  local histories = "null"
  if k > 0 then
    local parts = {}
    for j = 1, k do parts[j] = history(j) end
    histories = "[" .. table.concat(parts, ",") .. "]"
  end
  local transaction_id = string.format("%s-%d-%d", tag, tid, n)
  local body = string.format(
    '{"transactionId":"%s","loanCode":"LCB%06d","bankCode":"BNI","paymentAccountNumber":"8808999966040139",' ..
    '"status":"active","loanAmount":100000000,"loanAmountPaid":%d,"tenor":52,"tenorUnit":"week","numberOfPay":%d,"histories":%s}',
    transaction_id, i, 250000 * k, k, histories)
  local path = repay and "/v1/callback/loan/repayment" or "/v1/loan/disburse"
  local req = wrk.format("POST", path, signed_headers("msg_" .. transaction_id, body), body)
  sent[(n - 1) % 1000 + 1] = req
  return req
end

function request()
  if n > 0 and (math.random() < replay_share or (limit > 0 and n >= limit)) then
    -- A replay; also what a thread sends once it reached its limit, so in-flight connections add no new rows.
    return sent[math.random(1, math.min(n, 1000))]
  end
  return new_callback()
end

-- wrk looks for delay() and response() when it loads the script, before init() sees the
-- arguments, so the bench (DompetKilat.Bench) says through the environment which of them this run needs.
if os.getenv("BENCH_PACED") == "1" then
  function delay() return paced_delay(rate) end
end

if os.getenv("BENCH_LIMITED") == "1" then
  function response(status, headers, body)
    answered = answered + 1
    if answered >= limit then wrk.thread:stop() end
  end
end
