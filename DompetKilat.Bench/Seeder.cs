using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using DompetKilat.Lending.Data.PersonalData;

namespace DompetKilat.Bench;

/// <summary>
/// The data every workload needs, made through the Api as a partner and the lender would: the
/// benchmark partner, the hot set of borrowers (in the Api and in the peer), approved loans for the
/// callbacks, and two photos for loan applications.
/// </summary>
public sealed partial class Seeder(BenchSettings settings, HttpClient http, Database database, BlindIndex blindIndex)
{
    private static readonly string[] EveryRole = ["partner-manager", "loan-officer", "operations", "auditor"];

    /// <summary>
    /// Partner routes are measured as a registered partner calls them: with its key, within a budget
    /// kept in Redis (set far above the load, so it is checked but never refuses). Its loans'
    /// notifications go to the receiver, so the callback rows include delivering them. Returns its key.
    /// A Production Api registers only public https webhooks, so the partner is registered without
    /// one and the receiver's address is written into its row afterwards, as the bench's own set-up;
    /// the worker reads the address from there for every delivery.
    /// </summary>
    public async Task<string> RegisterPartnerAsync(CancellationToken cancellation)
    {
        // Four eyes: one operator proposes the partner, a second approves it and is shown its key.
        var proposal = await SendAsync(HttpMethod.Post, "/v1/admin/partners", Maker(), new
        {
            partnerCode = "BENCH",
            name = "Benchmark partner",
            allowList = new[] { "127.0.0.1", "::1" },
            productCodes = new[] { "95" },
        }, cancellation);
        var changeId = ChangeId().Match(proposal);
        if (!changeId.Success)
        {
            throw new BenchException($"the partner registration was not proposed: {proposal}");
        }

        var body = await SendAsync(HttpMethod.Post, $"/v1/admin/changes/{changeId.Groups[1].Value}/approve", Checker(), null, cancellation);
        var key = ApiKey().Match(body);
        if (!key.Success || key.Groups[1].Value.Length == 0)
        {
            throw new BenchException($"the partner registration gave no key: {body}");
        }
        await database.ExecuteAsync("UPDATE partners SET webhook_url = $1 WHERE partner_code = 'BENCH'", cancellation,
            $"http://127.0.0.1:{settings.ReceiverPort}/events");
        // The Api learns of the new partner when PostgreSQL notifies it of the commit, moments later.
        for (var attempt = 0; attempt < 50 && !await ServesPartnerAsync(settings.ApiUrl, key.Groups[1].Value, cancellation); attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellation);
        }
        return key.Groups[1].Value;
    }

    /// <summary>Whether the Api at URL knows the partner: an unknown borrower is then 404, not 401.</summary>
    public async Task<bool> ServesPartnerAsync(string url, string partnerKey, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{url}/v1/borrower/0");
        request.Headers.Add("X-Partner-Key", partnerKey);
        try
        {
            using var response = await http.SendAsync(request, cancellation);
            return response.StatusCode == HttpStatusCode.NotFound;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>The hot set of borrowers in the Api (for the partner) and in the peer, and approved loans for the first of them.</summary>
    public async Task SeedAsync(string partnerKey, CancellationToken cancellation)
    {
        var hot = Enumerable.Range(1, settings.Hot);
        await SendAllAsync(hot.Select(i => Post(settings.ApiUrl, "/v1/borrower/register", Borrower(i), ("X-Partner-Key", partnerKey))), cancellation);
        await SendAllAsync(hot.Select(i => Post(settings.PeerUrl, "/v1/borrower/register", Borrower(i))), cancellation);
        await SendAllAsync(Enumerable.Range(1, settings.Loans)
            .Select(i => Post(settings.ApiUrl, "/v1/loan/register", LoanApplication(i), ("X-Partner-Key", partnerKey))), cancellation);

        // NIKs are stored only as blind indexes: the hot set's, computed with the Api's own index key,
        // let the approvals below and the pgbench scripts find borrower i.
        await database.ExecuteAsync("CREATE TABLE bench_hot (i int PRIMARY KEY, id_number_index bytea NOT NULL)", cancellation);
        await database.ExecuteAsync("INSERT INTO bench_hot SELECT * FROM unnest($1::int[], $2::bytea[])", cancellation,
            hot.ToArray(), hot.Select(i => blindIndex.IdNumber(Nik(i))).ToArray());

        // Approve each seeded loan with a loanCode the callback script can compute: LCB + the borrower's index.
        var maker = Maker();
        var loans = await database.RowsAsync(
            "SELECT l.id, h.i FROM loans l JOIN borrowers b ON b.id = l.borrower_id JOIN bench_hot h ON h.id_number_index = b.id_number_index",
            cancellation);
        await SendAllAsync(loans.Select(loan =>
        {
            var (id, i) = (Convert.ToInt64(loan[0], CultureInfo.InvariantCulture), (int)loan[1]);
            var approval = new { loanCode = $"LCB{i:D6}", contractNo = $"C-{i}", contractDate = "11/01/2022" };
            return Post(settings.BackOfficeUrl, $"/v1/admin/loan/{id}/approve", approval, ("Authorization", $"Bearer {maker}"));
        }), cancellation);
    }

    /// <summary>
    /// Two different ~150 KB base64 photos: random bytes behind a JPEG header, as incompressible as
    /// real ones; loan.lua reads them from these files.
    /// </summary>
    public (string Ktp, string Selfie) WritePhotos()
    {
        string Photo(string name)
        {
            var path = Path.Combine(settings.RunDirectory, $"{name}.b64");
            File.WriteAllText(path, Convert.ToBase64String([0xff, 0xd8, 0xff, 0xe0, .. RandomNumberGenerator.GetBytes(112000)]));
            return path;
        }
        return (Photo("ktp"), Photo("selfie"));
    }

    private static object Borrower(int i) => new
    {
        map = "PERSONAL_BORROWER",
        productCode = "95",
        phoneNumber = $"628000{i:D8}",
        email = $"b{Nik(i)}@example.co.id",
        fullName = "Budi Santoso",
        idNumber = Nik(i),
        birthDate = "30/09/1999",
    };

    private static object LoanApplication(int i)
    {
        const string smallPhoto = "iVBORw0KGgoAAAANSUhEUgAAA+gAAAPoCAYAAABNo9TkAAAgAElEQVR4nOzd";
        return new
        {
            map = "PERSONAL_BORROWER", productCode = "95", phoneNumber = $"628000{i:D8}", email = $"b{Nik(i)}@example.co.id",
            fullName = "Budi Santoso", idNumber = Nik(i), gender = "L", birthPlace = "Jakarta", birthDate = "30/09/1999",
            officeName = "PT ABC", startDate = "15/04/2001", address = "Jl Merdeka No. 20", village = "Kampung Jawa",
            subdistrict = "Tanah Abang", city = "Jakarta Pusat", province = "DKI Jakarta", postalCode = "10250",
            plafons = "1000000", job = "Karyawan Swasta", jobType = "Perantara Keuangan", jobOnline = "Berbasis Internet / online",
            income = "Rp 5.934.041 - Rp 11.868.080", homeOwnership = "MILIK SENDIRI", emergencyContactRelationship = "Saudara",
            emergencyContactName = "Banu", emergencyContactNumber = "6281234567892", religion = "Islam",
            maritalStatus = "BELUM KAWIN", education = "SARJANA", motherMaidenName = "Shizuka", bankName = "BANK SINARMAS",
            bankAccountNumber = "007812342", asset = "Rp 50.000.001 - Rp 500.000.000", familyCard = "123123123123123",
            workExperience = "> 3 Tahun", fotoKtp = smallPhoto, fotoSelfie = smallPhoto,
            loanData = new { tenor = 2, unit = "MONTH", amount = "1000000" },
            references = new
            {
                interest = "1.0", businessAddress = "Jl. Kyai Tapa", businessVillage = "Grogol",
                businessSubdistrict = "Grogol Petamburan", businessCity = "Jakarta Barat", businessProvince = "DKI Jakarta",
                businessOwnership = "MILIK SENDIRI", npwp = "123456789012345", jobPosition = "Staff Akunting",
            },
        };
    }

    // NIK 3000 + the 12-digit index, as read.lua expects.
    private static string Nik(int i) => $"3000{i:D12}";

    /// <summary>A back-office call, failing the bench unless it is answered 2xx; returns the answer's body.</summary>
    private async Task<string> SendAsync(HttpMethod method, string path, string token, object? body, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(method, settings.BackOfficeUrl + path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request, cancellation);
        var answer = await response.Content.ReadAsStringAsync(cancellation);
        return response.IsSuccessStatusCode ? answer : throw new BenchException($"{method} {path}: {(int)response.StatusCode} {answer}");
    }

    private static string Maker() => Token("bench-maker", "Bench maker");

    private static string Checker() => Token("bench-checker", "Bench checker");

    /// <summary>A development token, signed with the key the AppHost's development settings give the Api.</summary>
    private static string Token(string subject, string name)
    {
        var settings = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(
            Path.Combine(Environment.CurrentDirectory, "DompetKilat.AppHost", "appsettings.Development.json")))!;
        var key = settings["Parameters"]![DompetKilat.AppHost.OperatorTokens.SigningKeyParameter]!.GetValue<string>();
        return DompetKilat.AppHost.OperatorTokens.Mint(key, subject, name, EveryRole, TimeSpan.FromHours(2));
    }

    private static Func<HttpRequestMessage> Post(string url, string path, object body, params (string Name, string Value)[] headers) => () =>
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url + path) { Content = JsonContent.Create(body) };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        return request;
    };

    // The requests in parallel over the bench's connections; fails unless every answer is 200.
    private async Task SendAllAsync(IEnumerable<Func<HttpRequestMessage>> requests, CancellationToken cancellation)
    {
        var codes = new System.Collections.Concurrent.ConcurrentBag<int>();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = settings.Connections, CancellationToken = cancellation },
            async (make, token) =>
            {
                using var request = make();
                using var response = await http.SendAsync(request, token);
                codes.Add((int)response.StatusCode);
            });
        if (codes.Any(code => code != 200))
        {
            var counts = codes.GroupBy(code => code).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}");
            throw new BenchException($"seeding through the Api failed: {string.Join(' ', counts)}");
        }
    }

    [GeneratedRegex("\"apiKey\":\"([^\"]*)\"")]
    private static partial Regex ApiKey();

    [GeneratedRegex("\"changeId\":\"([^\"]*)\"")]
    private static partial Regex ChangeId();
}
