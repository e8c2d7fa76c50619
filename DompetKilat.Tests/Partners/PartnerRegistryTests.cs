using DompetKilat.Lending.Data.PersonalData;
using System.Text.Json.Nodes;
using DompetKilat.Lending.Partners;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Tests.Partners;

/// <summary>The back office's partner registry (API-CONTRACT §8): what it stores, shows and refuses.</summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class PartnerRegistryTests(DompetKilatApp system)
{
    [Fact]
    public async Task A_product_retired_in_the_database_is_refused_on_every_replica_within_moments()
    {
        // Replicas hold the active products with the registry; a product is only ever changed by hand, in SQL.
        var productCode = $"9{Random.Shared.Next(1_000_000, 9_999_999)}";
        await using (var db = await system.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlAsync($"INSERT INTO products (code, name, is_active) VALUES ({productCode}, 'Pinjaman Uji', true)");
        }

        var partner = await system.NewPartnerAsync(productCodes: [productCode]);
        foreach (var replica in system.ApiReplicaClients())
        {
            Assert.Equal("00", (await RegisterAsync(replica)).Answer.Status());
        }

        await using (var db = await system.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE products SET is_active = false WHERE code = {productCode}");
        }

        foreach (var replica in system.ApiReplicaClients())
        {
            var (registration, answer) = await RegisterAsync(replica);
            for (var deadline = DateTime.UtcNow.AddSeconds(5); answer.Status() == "00" && DateTime.UtcNow < deadline;)
            {
                await Task.Delay(50);
                (registration, answer) = await RegisterAsync(replica);
            }

            Assert.Equal("01", answer.Status());
            Assert.Contains("is not a configured product", answer.ToJsonString(), StringComparison.Ordinal);
            await using var db = await system.CreateDbContextAsync();
            var refused = registration["idNumber"]!.GetValue<string>();
            Assert.False(await db.Borrowers.HavingIdNumber(system.BlindIndex, refused).AnyAsync());
        }

        async Task<(JsonObject Registration, JsonObject Answer)> RegisterAsync(HttpClient replica)
        {
            var registration = TestPeople.Registration();
            registration["productCode"] = productCode;
            return (registration, (await replica.PostAsPartnerAsync("/v1/borrower/register", registration, partner.ApiKey)).Body);
        }
    }

    [Fact]
    public async Task Registration_shows_the_key_and_secret_once_and_stores_neither_in_clear()
    {
        var code = PartnerCalls.NewPartnerCode();
        var (status, body) = await system.RegisterPartnerAsync(new
        {
            partnerCode = code, name = "PT Tokoku", allowList = new[] { "203.0.113.0/24" }, productCodes = new[] { "95" },
            webhookUrl = "https://tokoku.example/dk/events",
        });

        Assert.Equal((HttpStatusCode.OK, "00"), (status, body.Status()));
        var apiKey = body["data"]!["apiKey"]!.GetValue<string>();
        var secret = body["data"]!["webhookSecret"]!.GetValue<string>();
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.False(body["data"]!["keyless"]!.GetValue<bool>());

        var (_, shown) = await system.AdminAsync(HttpMethod.Get, $"/v1/admin/partners/{code}");
        var (_, listed) = await system.AdminAsync(HttpMethod.Get, "/v1/admin/partners");
        Assert.Equal("PT Tokoku", shown["data"]!["name"]!.GetValue<string>());
        Assert.Contains(code, listed.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(apiKey, shown.ToJsonString() + listed.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, shown.ToJsonString() + listed.ToJsonString(), StringComparison.Ordinal);

        await using var db = await system.CreateDbContextAsync();
        var stored = await db.Partners.AsNoTracking().Include(p => p.Keys).SingleAsync(p => p.Code == code);
        Assert.Equal(PartnerSecrets.HashKey(apiKey), stored.Keys.Single().KeyHash);
        var raw = await db.Database.SqlQuery<string>($"SELECT webhook_secret AS \"Value\" FROM partners WHERE partner_code = {code}").SingleAsync();
        Assert.StartsWith("enc:v1:", raw, StringComparison.Ordinal);
        Assert.Equal(secret, stored.WebhookSecret);
    }

    public static TheoryData<string, object, string> BadRegistrations => new()
    {
        { "a malformed CIDR", new { partnerCode = "BAD1", name = "x", allowList = new[] { "10.0.0.0/33" }, productCodes = new[] { "95" } }, "allowList[0]" },
        { "an empty allow-list", new { partnerCode = "BAD2", name = "x", allowList = Array.Empty<string>(), productCodes = new[] { "95" } }, "allowList" },
        { "an empty product list", new { partnerCode = "BAD3", name = "x", allowList = new[] { "10.0.0.1" }, productCodes = Array.Empty<string>() }, "productCodes" },
        { "an unknown product", new { partnerCode = "BAD4", name = "x", allowList = new[] { "10.0.0.1" }, productCodes = new[] { "77" } }, "productCodes" },
        { "an over-long name", new { partnerCode = "BAD5", name = new string('n', 201), allowList = new[] { "10.0.0.1" }, productCodes = new[] { "95" } }, "name" },
        { "a lower-case code", new { partnerCode = "bad6", name = "x", allowList = new[] { "10.0.0.1" }, productCodes = new[] { "95" } }, "partnerCode" },
        { "a webhook URL that is not one", new { partnerCode = "BAD7", name = "x", allowList = new[] { "10.0.0.1" }, productCodes = new[] { "95" }, webhookUrl = "ftp://x" }, "webhookUrl" },
        { "a NUL in the name", new { partnerCode = "BAD8", name = "a\0b", allowList = new[] { "10.0.0.1" }, productCodes = new[] { "95" } }, "name" },
    };

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task A_bad_registration_is_01_naming_the_field_and_stores_nothing(string why, object request, string field)
    {
        var (status, body) = await system.RegisterPartnerAsync(request);

        Assert.True((HttpStatusCode.BadRequest, "01") == (status, body.Status()), $"{why}: {body.ToJsonString()}");
        Assert.Contains(field, body.ErrorFields());
        await using var db = await system.CreateDbContextAsync();
        Assert.False(await db.Partners.AnyAsync(p => p.Code.StartsWith("BAD")));
    }

    [Fact]
    public async Task A_taken_partner_code_is_02()
    {
        var partner = await system.NewPartnerAsync();

        var (status, body) = await system.RegisterPartnerAsync(
            new { partnerCode = partner.Code, name = "again", allowList = new[] { "10.0.0.1" }, productCodes = new[] { "95" } });

        Assert.Equal((HttpStatusCode.Conflict, "02"), (status, body.Status()));
        Assert.Equal($"partnerCode {partner.Code} is already registered", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_keyless_range_overlapping_another_active_keyless_partner_is_02_naming_allowList()
    {
        var (status, body) = await system.RegisterPartnerAsync(new
        {
            partnerCode = PartnerCalls.NewPartnerCode("K"), name = "Overlapping", allowList = new[] { "198.51.100.128/25" },
            productCodes = new[] { "95" }, keyless = true,
        });

        Assert.Equal((HttpStatusCode.Conflict, "02"), (status, body.Status()));
        Assert.Equal(["allowList"], body.ErrorFields());
        Assert.DoesNotContain(DompetKilatApp.NearbyPartner, body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_update_replaces_the_terms_and_takes_effect_for_the_partners_calls()
    {
        var partner = await system.NewPartnerAsync();

        var (status, body) = await system.AdminAsync(HttpMethod.Put, $"/v1/admin/partners/{partner.Code}",
            """{"name": "Renamed", "allowList": ["203.0.113.7"], "productCodes": ["95"], "webhookUrl": null, "keyless": false}""");
        Assert.Equal((HttpStatusCode.OK, "Renamed"), (status, body["data"]!["name"]!.GetValue<string>()));

        var deadline = DateTime.UtcNow.AddSeconds(2);
        HttpStatusCode answer;
        do
        {
            (answer, _) = await system.Api.GetAsPartnerAsync("/v1/borrower/3626382876387831", partner.ApiKey);
        }
        while (answer != HttpStatusCode.Forbidden && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Forbidden, answer);
    }

    [Fact]
    public async Task Partner_routes_need_an_operator_token_and_an_unknown_partner_is_001()
    {
        var (withoutKey, _) = await system.BackOffice.SendAsync(HttpMethod.Get, "/v1/admin/partners", null, null);
        var (unknown, body) = await system.AdminAsync(HttpMethod.Post, "/v1/admin/partners/NOSUCHPARTNER/disable");

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey);
        Assert.Equal((HttpStatusCode.NotFound, "001"), (unknown, body.Status()));
    }

    [Fact]
    public async Task A_ten_megabyte_registration_is_06()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/admin/partners")
        {
            Content = new StringContent($$"""{"partnerCode": "HUGE", "name": "{{new string('n', 10 * 1024 * 1024)}}"}""",
                System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(system.Bearer(Operators.Maker).Name, system.Bearer(Operators.Maker).Value);
        // As curl sends a large body: the refusal arrives before the upload.
        request.Headers.ExpectContinue = true;

        using var response = await system.BackOffice.SendAsync(request);

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "06"), (response.StatusCode, (await ContractJson.ReadEnvelopeAsync(response)).Status()));
    }
}
