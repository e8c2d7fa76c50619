-- Loan applications by pre-registered borrowers (a borrower may apply again), each carrying two
-- photos of ~150 KB base64 that the bench generates (random bytes behind a JPEG header: as
-- incompressible as a real photo). The body is built as identity + a fixed tail, so wrk spends
-- one string copy per request, not a JSON encoding.
-- args: size of the hot set, KTP photo file, selfie photo file

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a"):gsub("%s+$", "")
  f:close()
  return s
end

function init(args)
  hot = tonumber(args[1])
  math.randomseed(tid * 7919 + os.time())
  tail = '","gender":"L","birthPlace":"Jakarta","birthDate":"30/09/1999","officeName":"PT ABC",' ..
    '"startDate":"15/04/2001","address":"Jl Merdeka No. 20","village":"Kampung Jawa","subdistrict":"Tanah Abang",' ..
    '"city":"Jakarta Pusat","province":"DKI Jakarta","postalCode":"10250","plafons":"1000000",' ..
    '"job":"Karyawan Swasta","jobType":"Perantara Keuangan","jobOnline":"Berbasis Internet / online",' ..
    '"income":"Rp 5.934.041 - Rp 11.868.080","homeOwnership":"MILIK SENDIRI","emergencyContactRelationship":"Saudara",' ..
    '"emergencyContactName":"Banu","emergencyContactNumber":"6281234567892","religion":"Islam",' ..
    '"maritalStatus":"BELUM KAWIN","education":"SARJANA","motherMaidenName":"Shizuka","bankName":"BANK SINARMAS",' ..
    '"bankAccountNumber":"007812342","asset":"Rp 50.000.001 - Rp 500.000.000","familyCard":"123123123123123",' ..
    '"workExperience":"> 3 Tahun","fotoKtp":"' .. slurp(args[2]) .. '","fotoSelfie":"' .. slurp(args[3]) .. '",' ..
    '"loanData":{"tenor":2,"unit":"MONTH","amount":"1000000"},"references":{"interest":"1.0",' ..
    '"businessAddress":"Jl. Kyai Tapa","businessVillage":"Grogol","businessSubdistrict":"Grogol Petamburan",' ..
    '"businessCity":"Jakarta Barat","businessProvince":"DKI Jakarta","businessOwnership":"MILIK SENDIRI",' ..
    '"npwp":"123456789012345","jobPosition":"Staff Akunting"}}'
end

function request()
  local i = math.random(1, hot)
  local nik = string.format("3000%012d", i)
  local body = '{"map":"PERSONAL_BORROWER","productCode":"95","phoneNumber":"' .. string.format("628000%08d", i) ..
    '","email":"b' .. nik .. '@example.co.id","fullName":"Budi Santoso","idNumber":"' .. nik .. tail
  return wrk.format("POST", "/v1/loan/register", headers, body)
end
