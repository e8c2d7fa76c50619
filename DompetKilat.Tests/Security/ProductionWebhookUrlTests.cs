using System.Text.Json;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Tests.Security;

/// <summary>
/// Outside Development a partner's webhookUrl must be https and lead only to public addresses
/// (API-CONTRACT §9), or the dispatcher could be pointed at the platform's own network or the
/// cloud's metadata service. Through one Production Api shared by every case.
/// </summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class ProductionWebhookUrlTests(DompetKilatApp system, ProductionApi production) : IClassFixture<ProductionApi>
{
    /// <summary>TEST-NET-3: a public address as far as the rule can tell, and one nobody answers on.</summary>
    private const string PublicWebhook = "https://203.0.113.10/dk/events";

    public static TheoryData<string, string> Refused => new()
    {
        { "plain http", "http://203.0.113.10/dk/events" },
        { "IPv4 loopback", "https://127.0.0.1/dk/events" },
        { "private 10/8", "https://10.1.2.3/dk/events" },
        { "private 172.16/12", "https://172.31.255.254/dk/events" },
        { "private 192.168/16", "https://192.168.1.1/dk/events" },
        { "link-local", "https://169.254.10.1/dk/events" },
        { "the cloud metadata address", "https://169.254.169.254/latest/meta-data" },
        { "IPv6 loopback", "https://[::1]/dk/events" },
        { "IPv6 unique local", "https://[fd00:ec2::254]/dk/events" },
        { "IPv6 link-local", "https://[fe80::1]/dk/events" },
        { "IPv4 loopback mapped into IPv6", "https://[::ffff:127.0.0.1]/dk/events" },
        { "a host name that resolves to loopback", "https://localhost/dk/events" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Registering_a_partner_with_it_is_01_naming_webhookUrl_and_stores_nothing(string why, string webhookUrl)
    {
        var code = PartnerCalls.NewPartnerCode("W");

        var (status, body) = await system.AdminAsync(production.BackOffice, HttpMethod.Post, "/v1/admin/partners", JsonSerializer.Serialize(Terms(webhookUrl, code)));

        Assert.True((HttpStatusCode.BadRequest, "01") == (status, body.Status()), $"{why}: {body.ToJsonString()}");
        Assert.Equal(["webhookUrl"], body.ErrorFields());
        await using var db = await system.CreateDbContextAsync();
        Assert.False(await db.Partners.AnyAsync(p => p.Code == code), $"{why}: the partner was stored");
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Updating_a_partner_to_it_is_01_naming_webhookUrl_and_changes_nothing(string why, string webhookUrl)
    {
        var code = PartnerCalls.NewPartnerCode("W");
        var (registered, registration) = await system.AdminAsync(production.BackOffice, HttpMethod.Post, "/v1/admin/partners", JsonSerializer.Serialize(Terms(PublicWebhook, code)));
        Assert.True(registered == HttpStatusCode.OK, $"a public https webhookUrl was refused: {registration.ToJsonString()}");

        var (status, body) = await system.AdminAsync(production.BackOffice, HttpMethod.Put, $"/v1/admin/partners/{code}",
            JsonSerializer.Serialize(Terms(webhookUrl, code: null, name: "Renamed")));

        Assert.True((HttpStatusCode.BadRequest, "01") == (status, body.Status()), $"{why}: {body.ToJsonString()}");
        Assert.Equal(["webhookUrl"], body.ErrorFields());
        await using var db = await system.CreateDbContextAsync();
        var stored = await db.Partners.AsNoTracking().SingleAsync(p => p.Code == code);
        Assert.Equal((PublicWebhook, $"Partner {code}"), (stored.WebhookUrl, stored.Name));
    }

    private static Dictionary<string, object?> Terms(string webhookUrl, string? code, string? name = null)
    {
        var terms = new Dictionary<string, object?>
        {
            ["name"] = name ?? $"Partner {code}",
            ["allowList"] = new[] { "203.0.113.7" },
            ["productCodes"] = new[] { "95" },
            ["webhookUrl"] = webhookUrl,
        };
        if (code is not null)
        {
            terms["partnerCode"] = code;
        }

        return terms;
    }
}
