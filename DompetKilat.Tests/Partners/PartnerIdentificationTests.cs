using System.Diagnostics;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Tests.Partners;

/// <summary>API-CONTRACT §8, "Who is calling": every 05 case, key rotation, and changes reaching every Api replica.</summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class PartnerIdentificationTests(DompetKilatApp system) : IDisposable
{
    /// <summary>The trusted proxy: its X-Forwarded-For names the caller.</summary>
    private readonly HttpClient viaProxy = new() { BaseAddress = new Uri($"http://127.0.0.1:{system.Api.BaseAddress!.Port}") };

    public void Dispose() => viaProxy.Dispose();

    [Fact]
    public async Task An_unknown_key_is_05_401_before_the_body_is_read()
    {
        var (status, body) = await system.Api.SendAsync(HttpMethod.Post, "/v1/borrower/register", "{not json", ("X-Partner-Key", "dkp_unknown"));

        Assert.Equal((HttpStatusCode.Unauthorized, "05"), (status, body.Status()));
        Assert.Equal("partner key is unknown or revoked", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_key_of_ten_thousand_characters_is_05_401()
    {
        var (status, body) = await system.Api.GetAsPartnerAsync("/v1/borrower/3626382876387831", new string('k', 10_000));

        Assert.Equal((HttpStatusCode.Unauthorized, "05"), (status, body.Status()));
    }

    [Fact]
    public async Task A_known_key_from_an_address_outside_its_allow_list_is_05_403()
    {
        var partner = await system.NewPartnerAsync(allowList: ["203.0.113.0/24"]);

        var (status, body) = await system.Api.GetAsPartnerAsync("/v1/borrower/3626382876387831", partner.ApiKey);

        Assert.Equal((HttpStatusCode.Forbidden, "05"), (status, body.Status()));
        Assert.StartsWith("client IP ", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_key_an_address_no_keyless_partner_holds_is_05_401()
    {
        var (status, body) = await viaProxy.CallAsync(Forwarded("/v1/borrower/3626382876387831", "203.0.113.9"));

        Assert.Equal((HttpStatusCode.Unauthorized, "05"), (status, body.Status()));
    }

    [Fact]
    public async Task Of_a_two_entry_X_Forwarded_For_only_the_trusted_proxys_own_hop_counts()
    {
        // The left entry is whatever the caller wrote; believing it would make anyone the keyless partner.
        var (spoofed, _) = await viaProxy.CallAsync(Forwarded("/v1/borrower/3626382876387831", "198.51.100.41, 203.0.113.9"));
        var (genuine, body) = await viaProxy.CallAsync(Forwarded("/v1/borrower/3626382876387831", "203.0.113.9, 198.51.100.41"));

        Assert.Equal(HttpStatusCode.Unauthorized, spoofed);
        Assert.Equal((HttpStatusCode.NotFound, "001"), (genuine, body.Status()));
    }

    [Fact]
    public async Task Refusals_are_on_record_with_the_source_address_and_the_keys_id_never_the_key()
    {
        var partner = await system.NewPartnerAsync(allowList: ["203.0.113.0/24"]);
        var since = DateTime.UtcNow.AddSeconds(-1);

        var (unknownKey, _) = await viaProxy.CallAsync(Keyed(Forwarded("/v1/borrower/3626382876387831", "192.0.2.77"), "dkp_not_a_key"));
        var (wrongAddress, _) = await viaProxy.CallAsync(Keyed(Forwarded("/v1/borrower/3626382876387831", "192.0.2.78"), partner.ApiKey));

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden), (unknownKey, wrongAddress));
        await using var db = await system.CreateDbContextAsync();
        var keyId = await db.Partners.Where(p => p.Code == partner.Code).SelectMany(p => p.Keys).Select(k => k.Id).SingleAsync();
        var refusals = await db.AuditEvents.Where(e => e.OccurredAt >= since && (e.SourceAddress == "192.0.2.77" || e.SourceAddress == "192.0.2.78"))
            .OrderBy(e => e.SourceAddress).ToListAsync();
        Assert.Collection(refusals,
            e => Assert.Equal(("unknown", (int?)null, (long?)null, "05", "GET /v1/borrower/{idNumber}"), (e.Actor, e.PartnerId, e.KeyId, e.Outcome, e.Action)),
            e => Assert.Equal((partner.Code, keyId, "05"), (e.Actor, e.KeyId, e.Outcome)));
        var stored = await db.Database.SqlQuery<string>($"SELECT row_to_json(a)::text AS \"Value\" FROM audit_events a WHERE occurred_at >= {since}").ToListAsync();
        Assert.DoesNotContain(stored, row => row.Contains(partner.ApiKey, StringComparison.Ordinal) || row.Contains("dkp_not_a_key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_partner_whose_stored_terms_cannot_be_read_is_left_out_and_the_rest_are_served()
    {
        var broken = await system.NewPartnerAsync();
        var healthy = await system.NewPartnerAsync();
        var logged = system.ServiceLogs.Count;
        await using (var db = await system.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE partners SET allow_list = ARRAY['10.0.0.1/8'] WHERE partner_code = {broken.Code}");
        }

        try
        {
            await system.WaitForLogAsync($"Partner {broken.Code} (id", logged);
            foreach (var replica in system.ApiReplicaClients())
            {
                // A change made in SQL has no admin call to wait for it; each replica confirms its registry every second.
                for (var deadline = DateTime.UtcNow.AddSeconds(3);
                     (await replica.GetAsPartnerAsync("/v1/borrower/3626382876387831", broken.ApiKey)).Status != HttpStatusCode.Unauthorized;)
                {
                    Assert.True(DateTime.UtcNow < deadline, $"{replica.BaseAddress} still serves partner {broken.Code}");
                    await Task.Delay(50);
                }

                Assert.Equal(HttpStatusCode.NotFound, (await replica.GetAsPartnerAsync("/v1/borrower/3626382876387831", healthy.ApiKey)).Status);
                Assert.Equal(HttpStatusCode.OK, (await replica.GetAsync("/health")).StatusCode);
            }
        }
        finally
        {
            await using var db = await system.CreateDbContextAsync();
            await db.Database.ExecuteSqlAsync($"UPDATE partners SET allow_list = ARRAY['127.0.0.1', '::1'] WHERE partner_code = {broken.Code}");
        }
    }

    [Fact]
    public async Task Without_a_key_the_keyless_partner_whose_range_holds_the_address_is_the_caller()
    {
        var (status, body) = await viaProxy.CallAsync(Forwarded("/v1/borrower/3626382876387831", "198.51.100.41"));

        Assert.Equal((HttpStatusCode.NotFound, "001"), (status, body.Status()));
    }

    [Fact]
    public async Task A_disabled_keyless_partner_is_05_403_on_every_replica_within_two_seconds()
    {
        var code = PartnerCalls.NewPartnerCode("K");
        var (registered, _) = await system.RegisterPartnerAsync(
            new { partnerCode = code, name = "Keyless", allowList = new[] { "203.0.113.128/25" }, productCodes = new[] { "95" }, keyless = true });
        Assert.Equal(HttpStatusCode.OK, registered);
        await AssertOnEveryReplicaAsync(null, HttpStatusCode.NotFound, "203.0.113.130");

        await system.AdminAsync(HttpMethod.Post, $"/v1/admin/partners/{code}/disable");

        await AssertOnEveryReplicaAsync(null, HttpStatusCode.Forbidden, "203.0.113.130");
    }

    [Fact]
    public async Task A_disabled_partner_is_05_403_on_every_replica_within_two_seconds()
    {
        var partner = await system.NewPartnerAsync();
        await AssertOnEveryReplicaAsync(partner.ApiKey, HttpStatusCode.NotFound);

        var (status, body) = await system.AdminAsync(HttpMethod.Post, $"/v1/admin/partners/{partner.Code}/disable");
        Assert.Equal("DISABLED", body["data"]!["status"]!.GetValue<string>());

        await AssertOnEveryReplicaAsync(partner.ApiKey, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task A_rotated_key_keeps_working_beside_the_new_one_until_revoked_on_every_replica()
    {
        var partner = await system.NewPartnerAsync();

        var (_, rotated) = await system.AdminAsync(HttpMethod.Post, $"/v1/admin/partners/{partner.Code}/keys", """{"webhookSecret": true}""");
        var secondKey = rotated["data"]!["apiKey"]!.GetValue<string>();
        var overlapEnds = rotated["data"]!["previousExpireAt"]!.GetValue<DateTime>();
        Assert.InRange(overlapEnds - DateTime.UtcNow, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        Assert.StartsWith("whsec_", rotated["data"]!["webhookSecret"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertOnEveryReplicaAsync(partner.ApiKey, HttpStatusCode.NotFound);
        await AssertOnEveryReplicaAsync(secondKey, HttpStatusCode.NotFound);

        var (_, revoked) = await system.AdminAsync(HttpMethod.Post, $"/v1/admin/partners/{partner.Code}/keys", """{"revokePrevious": true}""");
        var thirdKey = revoked["data"]!["apiKey"]!.GetValue<string>();

        await AssertOnEveryReplicaAsync(partner.ApiKey, HttpStatusCode.Unauthorized);
        await AssertOnEveryReplicaAsync(secondKey, HttpStatusCode.Unauthorized);
        await AssertOnEveryReplicaAsync(thirdKey, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Two_replicas_give_a_partner_one_budget_not_two()
    {
        var partner = await system.NewPartnerAsync();
        var replicas = system.ApiReplicaClients();
        Assert.True(replicas.Count >= 2, "the budget test needs two Api replicas");
        var clock = Stopwatch.StartNew();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 2 * DompetKilatApp.PartnerBurst; i++)
        {
            answers.Add((await replicas[i % replicas.Count].GetAsPartnerAsync("/v1/borrower/3626382876387831", partner.ApiKey)).Status);
        }

        // The check that every replica knows the key spent a token on each, and took a second one
        // ahead that may lapse. Two budgets would have let every request through.
        AssertAdmittedWithinBudget(answers, atLeast: DompetKilatApp.PartnerBurst - 2 * replicas.Count, clock.Elapsed);
        Assert.Contains(HttpStatusCode.TooManyRequests, answers);
        foreach (var replica in replicas)
        {
            replica.Dispose();
        }
    }

    [Fact]
    public async Task A_partner_sending_in_parallel_gets_its_whole_budget()
    {
        var partner = await system.NewPartnerAsync();
        var replicas = system.ApiReplicaClients();
        var clock = Stopwatch.StartNew();
        var burst = DompetKilatApp.PartnerBurst;
        var answers = await Task.WhenAll(Enumerable.Range(0, burst).Select(async _ =>
            (await replicas[0].GetAsPartnerAsync("/v1/borrower/3626382876387831", partner.ApiKey)).Status));

        // Knowing the key cost each replica a token and a second one taken ahead, which only that
        // replica can spend; the rest of the burst is this replica's to admit, however many arrive at once.
        AssertAdmittedWithinBudget(answers, atLeast: burst - 2 * replicas.Count - 1, clock.Elapsed);
        foreach (var replica in replicas)
        {
            replica.Dispose();
        }
    }

    /// <summary>
    /// The fixture's budget is a burst, then 2 a second: at most that many of the answers admit the
    /// call (an unknown NIK's 404), at least <paramref name="atLeast"/>, and the rest are 429.
    /// </summary>
    private static void AssertAdmittedWithinBudget(IReadOnlyCollection<HttpStatusCode> answers, int atLeast, TimeSpan elapsed)
    {
        var admitted = answers.Count(a => a == HttpStatusCode.NotFound);
        Assert.InRange(admitted, atLeast, DompetKilatApp.PartnerBurst + (int)Math.Ceiling(elapsed.TotalSeconds * 2) + 1);
        Assert.All(answers, a => Assert.Contains(a, new[] { HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests }));
    }

    /// <summary>Asks each Api replica directly, once: a change is in force everywhere when its admin call answers (API-CONTRACT §8).</summary>
    private async Task AssertOnEveryReplicaAsync(string? partnerKey, HttpStatusCode expected, string? forwardedFor = null)
    {
        foreach (var replica in system.ApiReplicaClients())
        {
            using (replica)
            {
                var (status, _) = forwardedFor is null
                    ? await replica.GetAsPartnerAsync("/v1/borrower/3626382876387831", partnerKey)
                    // A replica's own socket is reached from 127.0.0.1, the trusted proxy, so X-Forwarded-For counts there too.
                    : await replica.CallAsync(Forwarded("/v1/borrower/3626382876387831", forwardedFor));
                Assert.True(status == expected, $"{replica.BaseAddress} answered {status}, expected {expected}");
            }
        }
    }

    private static HttpRequestMessage Keyed(HttpRequestMessage request, string key)
    {
        request.Headers.Add("X-Partner-Key", key);
        return request;
    }

    private static HttpRequestMessage Forwarded(string path, string client)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-For", client);
        return request;
    }
}

file static class ForwardedCalls
{
    public static async Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonObject Body)> CallAsync(this HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await client.SendAsync(request);
            return (response.StatusCode, await ContractJson.ReadEnvelopeAsync(response));
        }
    }
}
