-- Shared by every wrk workload of DompetKilat.Bench (prepended to each script: wrk loads one file).
-- Gives each wrk thread a number, so the identities a thread makes up never collide with another
-- thread's, and ends every run with one machine-readable line the bench parses (Wrk.cs).

local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
end

-- Wall-clock seconds with microseconds (os.time() has whole seconds only), for pacing.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } bench_timeval;
  int gettimeofday(bench_timeval *tv, void *tz);
]]
local tv = ffi.new("bench_timeval")
function now_seconds()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) + tonumber(tv.tv_usec) / 1e6
end

-- Paces a thread at `per_second` requests: each request takes the next free slot of the thread's
-- schedule, so the thread's connections together send at that rate however fast the answers come
-- (a late slot is sent at once; the rate then drops only if every connection is busy waiting).
local next_slot
function paced_delay(per_second)
  local now = now_seconds()
  if next_slot == nil or next_slot < now - 1 then next_slot = now end
  local slot = next_slot
  next_slot = next_slot + 1 / per_second
  local wait_ms = (slot - now) * 1000
  if wait_ms < 0 then return 0 end
  return wait_ms
end

headers = { ["Content-Type"] = "application/json" }
-- Partner routes are called as the partner the bench registered, unless the run clears the key to
-- call as Development's keyless LOCAL (the cost of identifying a caller is the difference).
local partner_key = os.getenv("BENCH_PARTNER_KEY")
if partner_key ~= nil and partner_key ~= "" then headers["X-Partner-Key"] = partner_key end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
