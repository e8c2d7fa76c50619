-- Borrower profile reads over the hot set bench.sh pre-registered (NIK 3000 + 12-digit index).
-- args: size of the hot set

function init(args)
  hot = tonumber(args[1])
  math.randomseed(tid * 7919 + os.time())
end

function request()
  return wrk.format("GET", string.format("/v1/borrower/3000%012d", math.random(1, hot)))
end
