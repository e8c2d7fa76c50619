using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using DompetKilat.Lending.BackOffice;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Tests.Admin;

/// <summary>Named operators, their roles, four eyes and the back office's own listener (API-CONTRACT §10).</summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class OperatorTests(DompetKilatApp system)
{
    /// <summary>Calls that name nothing existing, so a role that may make them changes nothing either way.</summary>
    private static readonly (HttpMethod Method, string Path, string? Json, string[] Roles)[] Routes =
    [
        (HttpMethod.Get, "/v1/admin/partners", null, ["partner-manager", "operations", "auditor"]),
        (HttpMethod.Get, "/v1/admin/partners/NOSUCHPARTNER", null, ["partner-manager", "auditor"]),
        (HttpMethod.Post, "/v1/admin/partners/NOSUCHPARTNER/disable", null, ["partner-manager"]),
        (HttpMethod.Post, "/v1/admin/partners/NOSUCHPARTNER/enable", null, ["partner-manager"]),
        (HttpMethod.Post, "/v1/admin/partners/NOSUCHPARTNER/keys", "{}", ["partner-manager"]),
        (HttpMethod.Get, "/v1/admin/changes", null, ["partner-manager", "auditor"]),
        (HttpMethod.Post, $"/v1/admin/changes/{Guid.Empty}/approve", null, ["partner-manager"]),
        (HttpMethod.Post, $"/v1/admin/changes/{Guid.Empty}/reject", null, ["partner-manager"]),
        (HttpMethod.Post, "/v1/admin/loan/0/approve", "{}", ["loan-officer"]),
        (HttpMethod.Post, "/v1/admin/loan/0/reject", """{"reason": "none"}""", ["loan-officer"]),
        (HttpMethod.Get, "/v1/admin/callbacks/parked", null, ["operations", "auditor"]),
        (HttpMethod.Post, "/v1/admin/callbacks/0/retry", null, ["operations"]),
        (HttpMethod.Get, "/v1/admin/partners/NOSUCHPARTNER/events", null, ["operations", "auditor"]),
        (HttpMethod.Post, "/v1/admin/events/evt_nosuch/redeliver", null, ["operations"]),
        (HttpMethod.Get, "/v1/admin/audit?partnerCode=NOSUCHPARTNER", null, ["auditor"]),
        (HttpMethod.Post, "/v1/admin/borrowers/access-request", """{"idNumber": "1"}""", ["auditor"]),
        (HttpMethod.Post, "/v1/admin/borrowers/erasure", """{"idNumber": "1"}""", ["operations"]),
    ];

    [Theory]
    [InlineData("partner-manager")]
    [InlineData("loan-officer")]
    [InlineData("operations")]
    [InlineData("auditor")]
    public async Task Each_role_is_refused_05_403_outside_its_routes(string role)
    {
        var who = new TestOperator($"only-{role}", $"Only {role}", role);
        var wrong = new List<string>();
        foreach (var (method, path, json, roles) in Routes)
        {
            var (status, body) = await system.AsOperatorAsync(who, method, path, json);
            var refused = (status, body.Status()) == (HttpStatusCode.Forbidden, "05");
            if (refused == roles.Contains(role) || status == HttpStatusCode.Unauthorized)
            {
                wrong.Add($"{method} {path}: HTTP {(int)status} {body.ToJsonString()}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Fact]
    public async Task A_registration_waits_for_a_second_operator_whose_approval_is_in_force_on_every_replica()
    {
        var maker = new TestOperator("pm-ayu", "Ayu Lestari", "partner-manager");
        var checker = new TestOperator("pm-budi", "Budi Santoso", "partner-manager");
        var code = PartnerCalls.NewPartnerCode("FE");
        var (made, proposal) = await system.AsOperatorAsync(maker, HttpMethod.Post, "/v1/admin/partners",
            $$"""{"partnerCode": "{{code}}", "name": "Four eyes", "allowList": ["127.0.0.1", "::1"], "productCodes": ["95"]}""");
        Assert.True(made == HttpStatusCode.Accepted, proposal.ToJsonString());
        var changeId = proposal["data"]!["changeId"]!.GetValue<string>();
        Assert.Equal(("pending", "register-partner", "pm-ayu"), (proposal["data"]!["state"]!.GetValue<string>(),
            proposal["data"]!["kind"]!.GetValue<string>(), proposal["data"]!["madeBy"]!.GetValue<string>()));
        await using (var db = await system.CreateDbContextAsync())
        {
            Assert.False(await db.Partners.AnyAsync(p => p.Code == code), "a proposed partner was registered before its approval");
        }

        var (byMaker, refusal) = await system.AsOperatorAsync(maker, HttpMethod.Post, $"/v1/admin/changes/{changeId}/approve");
        Assert.Equal((HttpStatusCode.Forbidden, "05"), (byMaker, refusal.Status()));

        var (approved, approval) = await system.AsOperatorAsync(checker, HttpMethod.Post, $"/v1/admin/changes/{changeId}/approve");
        Assert.True(approved == HttpStatusCode.OK, approval.ToJsonString());
        var partner = approval["data"]!["partner"]!;
        Assert.Equal("approved", approval["data"]!["change"]!["state"]!.GetValue<string>());
        // In force on every replica when the approval answers: no waiting, the first call succeeds.
        await system.KnownToEveryReplicaAsync(new TestPartner(code, partner["apiKey"]!.GetValue<string>(), partner["webhookSecret"]!.GetValue<string>()));

        var (again, twice) = await system.AsOperatorAsync(checker, HttpMethod.Post, $"/v1/admin/changes/{changeId}/approve");
        Assert.Equal((HttpStatusCode.Conflict, "04"), (again, twice.Status()));
        Assert.Null(twice["data"]!["partner"]);
        await using (var db = await system.CreateDbContextAsync())
        {
            Assert.Equal(1, await db.PartnerKeys.CountAsync(k => db.Partners.Any(p => p.Id == k.PartnerId && p.Code == code)));
        }

        var (_, trail) = await system.AsOperatorAsync(new TestOperator("audit-citra", "Citra", "auditor"), HttpMethod.Get,
            $"/v1/admin/audit?partnerCode={code}");
        var entries = trail["data"]!["entries"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Contains(entries, e => e["action"]!.GetValue<string>() == "POST /v1/admin/partners/" && e["outcome"]!.GetValue<string>() == "00"
            && e["operator"]?.GetValue<string>() == "pm-ayu" && e["operatorName"]?.GetValue<string>() == "Ayu Lestari"
            && e["changeId"]?.GetValue<string>() == changeId);
        Assert.Contains(entries, e => e["action"]!.GetValue<string>() == "POST /v1/admin/changes/{changeId:guid}/approve"
            && e["outcome"]!.GetValue<string>() == "00" && e["operator"]?.GetValue<string>() == "pm-budi"
            && e["operatorName"]?.GetValue<string>() == "Budi Santoso" && e["changeId"]?.GetValue<string>() == changeId);
        Assert.True(entries.Any(e => e["outcome"]!.GetValue<string>() == "05" && e["operator"]?.GetValue<string>() == "pm-ayu"),
            string.Join(Environment.NewLine, entries.Select(e => e.ToJsonString())));

        var (_, byOperator) = await system.AsOperatorAsync(new TestOperator("audit-citra", "Citra", "auditor"), HttpMethod.Get,
            "/v1/admin/audit?operator=pm-budi");
        Assert.All(byOperator["data"]!["entries"]!.AsArray(), e => Assert.Equal("pm-budi", e!["operator"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_expired_change_cannot_be_approved_and_is_listed_as_expired()
    {
        var code = PartnerCalls.NewPartnerCode("EX");
        var (_, proposal) = await system.AsOperatorAsync(Operators.Maker, HttpMethod.Post, "/v1/admin/partners",
            $$"""{"partnerCode": "{{code}}", "name": "Too late", "allowList": ["127.0.0.1"], "productCodes": ["95"]}""");
        var changeId = Guid.Parse(proposal["data"]!["changeId"]!.GetValue<string>());
        await using (var db = await system.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE changes SET expires_at = now() - interval '1 minute' WHERE id = {changeId}");
        }

        var (status, body) = await system.AsOperatorAsync(Operators.Checker, HttpMethod.Post, $"/v1/admin/changes/{changeId}/approve");

        Assert.Equal((HttpStatusCode.Conflict, "04"), (status, body.Status()));
        Assert.Contains("expired", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var (_, expired) = await system.AsOperatorAsync(Operators.Checker, HttpMethod.Get, "/v1/admin/changes?state=expired&limit=200");
        Assert.Contains(expired["data"]!["changes"]!.AsArray(), c => c!["changeId"]!.GetValue<string>() == changeId.ToString());
        await using var after = await system.CreateDbContextAsync();
        Assert.Equal(ChangeState.Expired, await after.Changes.Where(c => c.Id == changeId).Select(c => c.State).SingleAsync());
        Assert.False(await after.Partners.AnyAsync(p => p.Code == code));
    }

    [Fact]
    public async Task An_unknown_change_is_001()
    {
        var (status, body) = await system.AsOperatorAsync(Operators.Checker, HttpMethod.Post, $"/v1/admin/changes/{Guid.NewGuid()}/approve");

        Assert.Equal((HttpStatusCode.NotFound, "001"), (status, body.Status()));
    }

    [Fact]
    public async Task Sixty_bad_tokens_in_a_row_are_throttled_before_any_is_read_and_audited()
    {
        var address = $"203.0.113.{Random.Shared.Next(1, 255)}";
        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 60; attempt++)
        {
            answers.Add(await SendFromAsync(address, $"Bearer not-a-token-{attempt}"));
        }

        var valid = await SendFromAsync(address, $"Bearer {system.TokenOf(Operators.Maker)}");

        Assert.Equal(HttpStatusCode.Unauthorized, answers[0]);
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
        Assert.True(answers.SkipWhile(a => a == HttpStatusCode.Unauthorized).All(a => a == HttpStatusCode.TooManyRequests), string.Join(",", answers));
        // Refused unread: not even a good token gets through until the window passes.
        Assert.Equal(HttpStatusCode.TooManyRequests, valid);
        await using var db = await system.CreateDbContextAsync();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.SourceAddress == address && e.Actor == "unknown" && e.Outcome == "05"));
        Assert.True(await db.AuditEvents.AnyAsync(e => e.SourceAddress == address && e.Outcome == "07"));
    }

    [Fact]
    public async Task The_partners_listener_has_no_back_office_and_the_back_office_no_partner_routes()
    {
        foreach (var api in system.ApiReplicaClients().Append(system.Api))
        {
            var (status, body) = await api.SendAsync(HttpMethod.Get, "/v1/admin/partners", null, system.Bearer(Operators.Maker));
            Assert.Equal((HttpStatusCode.NotFound, "001"), (status, body.Status()));
        }

        foreach (var backOffice in system.BackOfficeReplicaClients().Append(system.BackOffice))
        {
            var (status, body) = await backOffice.SendAsync(HttpMethod.Get, "/v1/borrower/0", null, null);
            Assert.Equal((HttpStatusCode.NotFound, "001"), (status, body.Status()));
            var (admin, _) = await backOffice.SendAsync(HttpMethod.Get, "/v1/admin/partners", null, system.Bearer(Operators.Maker));
            Assert.Equal(HttpStatusCode.OK, admin);
        }
    }

    private async Task<HttpStatusCode> SendFromAsync(string address, string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/admin/partners");
        request.Headers.Add("X-Forwarded-For", address);
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        using var response = await system.BackOffice.SendAsync(request);
        return response.StatusCode;
    }
}
