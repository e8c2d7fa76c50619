-- A partner catching up through the events API: the first page of 100 of its own events, which
-- the callback rows before it filled.

function request()
  return wrk.format("GET", "/v1/events?limit=100", headers)
end
