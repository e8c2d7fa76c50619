-- Borrower registration, every request a new person. Identity = (run tag, thread, counter):
-- NIK 3 + tag + thread(2) + counter(12) = 16 digits; phone 628 + tag + thread(2) + counter(8).
-- Tag 0 is reserved for the pre-registered hot set the bench seeds through the Api.
-- args: tag (1-9, distinct per wrk run so warm-up and measurement never reuse a person)

function init(args)
  tag = tonumber(args[1])
  n = 0
end

function request()
  n = n + 1
  local nik = string.format("3%d%02d%012d", tag, tid, n)
  local phone = string.format("628%d%02d%08d", tag, tid, n)
  local body = '{"map":"PERSONAL_BORROWER","productCode":"95","phoneNumber":"' .. phone ..
    '","email":"b' .. nik .. '@example.co.id","fullName":"Budi Santoso","idNumber":"' .. nik ..
    '","birthDate":"30/09/1999"}'
  return wrk.format("POST", "/v1/borrower/register", headers, body)
end
