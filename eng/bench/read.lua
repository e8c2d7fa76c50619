-- Borrower profile reads over a hot set the bench pre-registered (NIK prefix + 12-digit index).
-- args: size of the hot set, NIK prefix (4 digits: 3000 for the partner's set, 3009 for LOCAL's)

function init(args)
  hot = tonumber(args[1])
  prefix = args[2] or "3000"
  math.randomseed(tid * 7919 + os.time())
end

function request()
  return wrk.format("GET", string.format("/v1/borrower/%s%012d", prefix, math.random(1, hot)), headers)
end
