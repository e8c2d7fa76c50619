using DompetKilat.AppHost;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using DompetKilat.Lending.Loans;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace DompetKilat.Tests.Hostile;

/// <summary>
/// A generated corpus of bad requests on every route, built by mutating the partner reference's
/// bodies. The same seed gives the same mutations; a failure names the seed and the request.
/// </summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class HostileRequestTests(DompetKilatApp system, ITestOutputHelper output)
{
    public const string SeedVariable = "HOSTILE_CORPUS_SEED";

    private const string DefaultSeed = "0000001diBw7";
    private const int Concurrency = 8;
    private const int RequiredFailures = 2_000;
    private const long UnknownLoanId = 9_000_000_000_000_000_000;

    private static readonly Dictionary<string, int[]> HttpStatusOf = new()
    {
        ["00"] = [200], ["01"] = [400], ["001"] = [404], ["02"] = [409], ["03"] = [409], ["04"] = [409],
        ["05"] = [401, 403], ["06"] = [413], ["07"] = [429], ["99"] = [500, 503],
    };

    [Fact]
    public async Task Thousands_of_hostile_requests_answer_in_the_envelope_without_a_fault_and_store_nothing()
    {
        var seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } chosen ? chosen : DefaultSeed;
        Print($"hostile corpus seed {seed}; set {SeedVariable} to run another");
        var targets = await TargetsAsync();
        var corpus = HostileCorpus.Generate(PCG.Parse(seed), Routes(targets));
        var before = await RowCountsAsync();

        var clock = Stopwatch.StartNew();
        var failures = new ConcurrentBag<(int Index, string Report)>();
        var statuses = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, corpus.Count), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (index, _) =>
        {
            var (status, violation) = await SendAsync(corpus[index]);
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (violation is not null)
            {
                failures.Add((index, $"#{index} {corpus[index].Describe()}{Environment.NewLine}    -> {violation}"));
            }
        });
        clock.Stop();
        using var health = await system.Api.GetAsync("/health");
        var after = await RowCountsAsync();

        Summarize(corpus, statuses, clock.Elapsed);
        Assert.True(failures.IsEmpty, Report(seed, corpus.Count, failures));
        Assert.True(corpus.Count(r => r.MustFail) >= RequiredFailures, $"only {corpus.Count(r => r.MustFail)} requests that must fail");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(before, after);
        Assert.Equal((LoanStatus.Inactive, LoanStatus.Approved), await LoanStatusesAsync(targets));
    }

    [Fact]
    public async Task A_NUL_character_in_any_text_field_is_01_naming_the_field_and_stores_nothing()
    {
        var registration = TestPeople.Registration();
        registration["fullName"] = "Jo\0hn";
        var application = TestPeople.LoanApplication(await system.RegisteredBorrowerAsync());
        application["references"]!["businessCity"] = "Jakarta\0";
        var callback = LoanJourney.Callback(await system.ApprovedLoanAsync());
        callback["bankCode"] = "B\0NI";
        var loanId = await system.AppliedLoanAsync();
        var before = await RowCountsAsync();

        var registered = await system.Api.PostJsonAsync("/v1/borrower/register", registration.ToJsonString());
        var applied = await system.Api.PostJsonAsync("/v1/loan/register", application.ToJsonString());
        var accepted = await system.SendCallbackAsync(callback);
        var rejected = await system.AdminPostAsync($"/v1/admin/loan/{loanId}/reject", """{"reason": "\u0000"}""");

        Assert.Equal(["fullName"], NulRefusal(registered));
        Assert.Equal(["references.businessCity"], NulRefusal(applied));
        Assert.Equal(["bankCode"], NulRefusal(accepted));
        Assert.Equal(["reason"], NulRefusal(rejected));
        Assert.Equal(before, await RowCountsAsync());
    }

    [Fact]
    public async Task A_Content_Type_naming_an_unknown_charset_is_01_not_a_fault()
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(TestPeople.Registration().ToJsonString()));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=hostile");

        using var response = await system.Api.PostAsync("/v1/borrower/register", content);

        var body = await ContractJson.ReadEnvelopeAsync(response);
        Assert.Equal((HttpStatusCode.BadRequest, "01"), (response.StatusCode, body.Status()));
        Assert.Equal(["body"], body.ErrorFields());
    }

    private static string[] NulRefusal((HttpStatusCode Status, JsonObject Body) answer)
    {
        Assert.Equal((HttpStatusCode.BadRequest, "01"), (answer.Status, answer.Body.Status()));
        return answer.Body.ErrorFields();
    }

    /// <summary>What the corpus aims at: things a wrongly accepted request would change, and things where nothing can change.</summary>
    private sealed record Targets(
        string PartnerCode,
        JsonObject FreshRegistration,
        JsonObject TakenRegistration,
        JsonObject ApplicationOfBorrowerWithoutLoan,
        JsonObject ApplicationOfUnknownBorrower,
        long InactiveLoanId,
        string ApprovedLoanCode);

    private async Task<Targets> TargetsAsync()
    {
        var taken = await system.RegisteredBorrowerAsync();
        var withoutLoan = await system.RegisteredBorrowerAsync();
        var inactiveLoanId = await system.AppliedLoanAsync();
        var approvedLoanCode = await system.ApprovedLoanAsync();
        var partner = await system.NewPartnerAsync();
        return new Targets(partner.Code, TestPeople.Registration(), taken, TestPeople.LoanApplication(withoutLoan),
            TestPeople.LoanApplication(TestPeople.Registration()), inactiveLoanId, approvedLoanCode);
    }

    private static IEnumerable<(Gen<HostileRequest> Requests, int MustFail)> Routes(Targets targets)
    {
        const string unknownLoanCode = "NOLOAN-hostile";
        var approval = new JsonObject
        {
            ["loanCode"] = $"LC{DateTime.UtcNow.Ticks % 10_000_000_000:D10}",
            ["contractNo"] = "CN/2022/01/0001",
            ["contractDate"] = "11/01/2022",
        };
        var rejection = new JsonObject { ["reason"] = "income could not be verified" };
        Func<string, bool> nothingOptional = _ => false;
        Func<string, bool> callbackOptional = name => name is "loanAmountPaid" or "numberOfPay" or "histories";

        yield return (HostileCorpus.For(new JsonRoute("POST /v1/borrower/register",
            "/v1/borrower/register", targets.FreshRegistration, "/v1/borrower/register", targets.TakenRegistration,
            64 * 1024, Credential.LocalPartner, nothingOptional)), 330);
        yield return (HostileCorpus.For(new JsonRoute("POST /v1/loan/register",
            "/v1/loan/register", targets.ApplicationOfBorrowerWithoutLoan, "/v1/loan/register", targets.ApplicationOfUnknownBorrower,
            8 * 1024 * 1024, Credential.LocalPartner, nothingOptional)), 330);
        yield return (HostileCorpus.For(new JsonRoute("POST /v1/loan/disburse",
            "/v1/loan/disburse", LoanJourney.Callback(targets.ApprovedLoanCode), "/v1/loan/disburse", LoanJourney.Callback(unknownLoanCode),
            256 * 1024, Credential.LenderSignature, callbackOptional)), 240);
        yield return (HostileCorpus.For(new JsonRoute("POST /v1/callback/loan/repayment",
            "/v1/callback/loan/repayment", LoanJourney.Callback(targets.ApprovedLoanCode, "completed", numberOfPay: 2),
            "/v1/callback/loan/repayment", LoanJourney.Callback(unknownLoanCode, "completed", numberOfPay: 2),
            256 * 1024, Credential.LenderSignature, callbackOptional)), 240);
        yield return (HostileCorpus.For(new JsonRoute("POST /v1/admin/loan/{id}/approve",
            $"/v1/admin/loan/{targets.InactiveLoanId}/approve", approval, $"/v1/admin/loan/{UnknownLoanId}/approve", approval,
            16 * 1024, Credential.OperatorToken, _ => true)), 240);
        yield return (HostileCorpus.For(new JsonRoute("POST /v1/admin/loan/{id}/reject",
            $"/v1/admin/loan/{targets.InactiveLoanId}/reject", rejection, $"/v1/admin/loan/{UnknownLoanId}/reject", rejection,
            16 * 1024, Credential.OperatorToken, nothingOptional)), 200);
        yield return (HostileCorpus.Lookups("GET /v1/borrower/{idNumber}", "/v1/borrower/", targets.TakenRegistration["idNumber"]!.GetValue<string>()), 150);
        yield return (HostileCorpus.Lookups("GET /v1/loan/{loanCode}", "/v1/loan/", targets.ApprovedLoanCode), 150);
        yield return (HostileCorpus.ParkedCallbackLists("GET /v1/admin/callbacks/parked"), 150);
        yield return (HostileCorpus.ParkedCallbackRetries("POST /v1/admin/callbacks/{id}/retry"), 150);

        // The live seed would register a partner; the dead-end one names a taken partnerCode.
        var partner = new JsonObject
        {
            ["partnerCode"] = "HOSTILE", ["name"] = "PT Hostile", ["allowList"] = new JsonArray("203.0.113.200", "2001:db8::/64"),
            ["productCodes"] = new JsonArray("95"), ["webhookUrl"] = "https://hostile.example/dk/events", ["keyless"] = false,
        };
        var takenPartner = partner.DeepClone().AsObject();
        takenPartner["partnerCode"] = targets.PartnerCode;
        Func<string, bool> partnerOptional = name => name is "webhookUrl" or "keyless";
        yield return (HostileCorpus.For(new JsonRoute("POST /v1/admin/partners",
            "/v1/admin/partners", partner, "/v1/admin/partners", takenPartner, 16 * 1024, Credential.OperatorToken, partnerOptional)
            { ReadableWithGet = true }), 200);
        var terms = partner.DeepClone().AsObject();
        terms.Remove("partnerCode");
        yield return (HostileCorpus.For(new JsonRoute("PUT /v1/admin/partners/{partnerCode}",
            $"/v1/admin/partners/{targets.PartnerCode}", terms, "/v1/admin/partners/NOSUCHPARTNER", terms, 16 * 1024, Credential.OperatorToken, partnerOptional)
            { Method = HttpMethod.Put, ReadableWithGet = true }), 150);
        yield return (HostileCorpus.For(new JsonRoute("POST /v1/admin/partners/{partnerCode}/keys",
            $"/v1/admin/partners/{targets.PartnerCode}/keys", new JsonObject { ["webhookSecret"] = true, ["revokePrevious"] = false },
            "/v1/admin/partners/NOSUCHPARTNER/keys", new JsonObject { ["webhookSecret"] = true, ["revokePrevious"] = false },
            16 * 1024, Credential.OperatorToken, _ => true)), 120);
        yield return (HostileCorpus.AuditTrailQueries("GET /v1/admin/audit"), 100);
    }

    private async Task<(string Status, string? Violation)> SendAsync(HostileRequest hostile)
    {
        using var request = new HttpRequestMessage(hostile.Method, hostile.Path);
        if (hostile.Body is { } body)
        {
            request.Content = new ByteArrayContent(body);
            if (hostile.ContentType is { } type)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }

            // Refused up front with 06, a body over the route's limit is never uploaded (see ContractJson.PostLargeJsonAsync).
            request.Headers.ExpectContinue = body.Length > hostile.BodyLimit;
            request.Headers.TransferEncodingChunked = hostile.Chunked;
        }

        Present(hostile.Credential, request, hostile.Body ?? []);
        // A connection per request: hostile requests make the server close connections, and a
        // pooled one it is closing would fail the next request for the client's sake, not the server's.
        request.Headers.ConnectionClose = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            // The back office answers on its own listener only (API-CONTRACT §10).
            var client = hostile.Path.StartsWith("/v1/admin", StringComparison.Ordinal) ? system.BackOffice : system.Api;
            using var response = await client.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var (status, violation) = Judge(hostile, response, text);
            return (status, violation is null ? null
                : $"{violation}; answered HTTP {(int)response.StatusCode} {response.Content.Headers.ContentType}: {HostileRequest.Preview(Encoding.UTF8.GetBytes(text))}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return hostile.MayBeCutOff ? ("connection closed", null) : ("no answer", $"no answer: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The contract's envelope, with a status code that travels with its HTTP status, and no success for a bad request.</summary>
    private static (string Status, string? Violation) Judge(HostileRequest hostile, HttpResponseMessage response, string text)
    {
        var http = (int)response.StatusCode;
        if (http >= 500)
        {
            return ($"HTTP {http}", $"HTTP {http}");
        }

        if (hostile.RefusedByTheServer && http == 400 && text.Length == 0)
        {
            return ("HTTP 400 from the server", null);
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            return ($"HTTP {http} not JSON", "not application/json");
        }

        JsonObject? envelope;
        try
        {
            envelope = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            envelope = null;
        }

        if (envelope?["status"] is not JsonValue status || status.GetValueKind() != JsonValueKind.String
            || envelope["message"] is not JsonValue message || message.GetValueKind() != JsonValueKind.String
            || !envelope.ContainsKey("data") || envelope["data"] is not (null or JsonObject))
        {
            return ($"HTTP {http} not the envelope", "not the envelope {status: string, message: string, data: object or null}");
        }

        var code = status.GetValue<string>();
        if (!HttpStatusOf.TryGetValue(code, out var expected))
        {
            return (code, $"status {code} is not one of the contract's codes");
        }

        if (!expected.Contains(http))
        {
            return (code, $"status {code} travels with HTTP {string.Join(" or ", expected)}, not {http}");
        }

        return (code, hostile.MustFail && code == "00" ? "a request that must fail succeeded" : null);
    }

    private void Present(Credential credential, HttpRequestMessage request, byte[] body)
    {
        var now = DateTimeOffset.UtcNow;
        var token = system.TokenOf(Operators.Maker);
        switch (credential)
        {
            case Credential.UnknownPartnerKey:
                request.Headers.Add("X-Partner-Key", $"dkp_hostile{Guid.NewGuid():N}");
                break;
            case Credential.EmptyPartnerKey:
                request.Headers.TryAddWithoutValidation("X-Partner-Key", "");
                break;
            case Credential.GiantPartnerKey:
                request.Headers.Add("X-Partner-Key", new string('k', 10_000));
                break;
            case Credential.OperatorToken:
                request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
                break;
            case Credential.ForeignOperatorToken:
                request.Headers.TryAddWithoutValidation("Authorization",
                    $"Bearer {OperatorTokens.Mint($"hostile-{Guid.NewGuid():N}-signing-key", "mallory", "Mallory", Operators.EveryRole, TimeSpan.FromHours(1))}");
                break;
            case Credential.OperatorTokenInOtherCase:
                request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token.ToUpperInvariant()}");
                break;
            case Credential.EmptyOperatorToken:
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer ");
                break;
            case Credential.GiantOperatorToken:
                request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}{new string('k', 8_192)}");
                break;
            case Credential.LenderSignature:
                Sign(request, body, DompetKilatApp.CallbackSigningSecrets[0], now);
                break;
            case Credential.SignatureWithUnknownSecret:
                Sign(request, body, "whsec_" + Convert.ToBase64String(SHA256.HashData("unknown secret"u8)), now);
                break;
            case Credential.StaleSignature:
                Sign(request, body, DompetKilatApp.CallbackSigningSecrets[0], now.AddMinutes(-10));
                break;
            case Credential.FutureSignature:
                Sign(request, body, DompetKilatApp.CallbackSigningSecrets[0], now.AddMinutes(10));
                break;
            case Credential.SignatureOfAnotherBody:
                Sign(request, [.. body, (byte)' '], DompetKilatApp.CallbackSigningSecrets[0], now);
                break;
            case Credential.MalformedSignature:
                Sign(request, body, DompetKilatApp.CallbackSigningSecrets[0], now);
                request.Headers.Remove("webhook-signature");
                request.Headers.TryAddWithoutValidation("webhook-signature", "v1,not base64!");
                break;
            case Credential.SignatureWithoutId:
                Sign(request, body, DompetKilatApp.CallbackSigningSecrets[0], now);
                request.Headers.Remove("webhook-id");
                break;
        }
    }

    /// <summary>Standard Webhooks over the exact bytes sent, which need not be UTF-8.</summary>
    private static void Sign(HttpRequestMessage request, byte[] body, string secret, DateTimeOffset signedAt)
    {
        var id = $"msg_{Guid.NewGuid():N}";
        var timestamp = signedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        byte[] signed = [.. Encoding.UTF8.GetBytes($"{id}.{timestamp}."), .. body];
        var signature = HMACSHA256.HashData(key, signed);
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp);
        request.Headers.Add("webhook-signature", $"v1,{Convert.ToBase64String(signature)}");
    }

    private async Task<(int Borrowers, int Loans, int Callbacks, int Partners, int PartnerKeys, DateTime? LastPartnerChange)> RowCountsAsync()
    {
        await using var db = await system.CreateDbContextAsync();
        return (await db.Borrowers.CountAsync(), await db.Loans.CountAsync(), await db.LoanCallbacks.CountAsync(),
            await db.Partners.CountAsync(), await db.PartnerKeys.CountAsync(), await db.Partners.MaxAsync(p => (DateTime?)p.UpdatedAt));
    }

    private async Task<(LoanStatus Inactive, LoanStatus Approved)> LoanStatusesAsync(Targets targets)
    {
        await using var db = await system.CreateDbContextAsync();
        var inactive = await db.Loans.Where(l => l.Id == targets.InactiveLoanId).Select(l => l.Status).SingleAsync();
        var approved = await db.Loans.Where(l => l.LoanCode == targets.ApprovedLoanCode).Select(l => l.Status).SingleAsync();
        return (inactive, approved);
    }

    private void Summarize(IReadOnlyList<HostileRequest> corpus, ConcurrentDictionary<string, int> statuses, TimeSpan elapsed)
    {
        Print($"{corpus.Count} hostile requests ({corpus.Count(r => r.MustFail)} that must fail) in {elapsed.TotalSeconds:F1} s, {Concurrency} at a time");
        foreach (var route in corpus.GroupBy(r => r.Route))
        {
            output.WriteLine($"  {route.Key}: {route.Count()} ({route.Count(r => r.MustFail)} must fail)");
        }

        output.WriteLine("  answers: " + string.Join(", ", statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} x{s.Value}")));
    }

    /// <summary>To the test's output, and to the console so a passing run's log names its seed too.</summary>
    private void Print(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    private static string Report(string seed, int total, IEnumerable<(int Index, string Report)> failures)
    {
        var sorted = failures.OrderBy(f => f.Index).ToList();
        return $"{sorted.Count} of {total} hostile requests broke the contract (seed {seed}; {SeedVariable}={seed} replays this corpus):"
            + Environment.NewLine + string.Join(Environment.NewLine, sorted.Take(40).Select(f => f.Report))
            + (sorted.Count > 40 ? $"{Environment.NewLine}… and {sorted.Count - 40} more" : "");
    }
}
