using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DompetKilat.AppHost;

namespace DompetKilat.Tests.Infrastructure;

/// <summary>A partner the test registered, with the key it was issued.</summary>
public sealed record TestPartner(string Code, string ApiKey, string WebhookSecret);

/// <summary>A back-office operator under test: its token's subject, name and roles.</summary>
public sealed record TestOperator(string Subject, string Name, params string[] Roles);

/// <summary>The operators most tests act as: two, so one can approve what the other made.</summary>
public static class Operators
{
    public static readonly string[] EveryRole = ["partner-manager", "loan-officer", "operations", "auditor"];

    public static readonly TestOperator Maker = new("test-maker", "Tess Maker", EveryRole);

    public static readonly TestOperator Checker = new("test-checker", "Chandra Checker", EveryRole);
}

/// <summary>Registering partners and calling as one of them, as a partner's own client would.</summary>
public static class PartnerCalls
{
    private static long sequence = DateTime.UtcNow.Ticks % 1_000_000;

    public static readonly string[] Loopback = ["127.0.0.1", "::1"];

    public static string NewPartnerCode(string prefix = "P") => $"{prefix}{Interlocked.Increment(ref sequence)}";

    /// <summary>Registers a partner as the back office does: one operator makes the change, a second approves it.</summary>
    public static Task<(HttpStatusCode Status, JsonObject Body)> RegisterPartnerAsync(this DompetKilatApp system, object body) =>
        system.AdminAsync(HttpMethod.Post, "/v1/admin/partners", JsonSerializer.Serialize(body));

    /// <summary>A keyed partner calling from loopback, told apart from <c>LOCAL</c> by its key.</summary>
    public static async Task<TestPartner> NewPartnerAsync(
        this DompetKilatApp system, string[]? allowList = null, string[]? productCodes = null, string? webhookUrl = null)
    {
        var code = NewPartnerCode();
        var (status, body) = await system.RegisterPartnerAsync(
            new { partnerCode = code, name = $"Partner {code}", allowList = allowList ?? Loopback, productCodes = productCodes ?? ["95"], webhookUrl });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        var partner = new TestPartner(code, body["data"]!["apiKey"]!.GetValue<string>(), body["data"]!["webhookSecret"]!.GetValue<string>());
        await system.KnownToEveryReplicaAsync(partner);
        return partner;
    }

    /// <summary>A keyed partner whose notifications go to the receiver, which checks them against its secret.</summary>
    public static async Task<TestPartner> NewPartnerListeningAtAsync(this DompetKilatApp system, PartnerReceiver receiver)
    {
        var partner = await system.NewPartnerAsync(webhookUrl: receiver.Url);
        receiver.Secret = partner.WebhookSecret;
        return partner;
    }

    /// <summary>
    /// A back-office call as <see cref="Operators.Maker"/>, who holds every role. A change that needs
    /// four eyes (202) is approved at once by <see cref="Operators.Checker"/>, and the answer is the
    /// approval's, its data what the change issued (the partner, or its new keys), as a direct call's was.
    /// </summary>
    public static Task<(HttpStatusCode Status, JsonObject Body)> AdminAsync(this DompetKilatApp system, HttpMethod method, string path, string? json = null) =>
        system.AdminAsync(system.BackOffice, method, path, json);

    /// <summary>As <see cref="AdminAsync(DompetKilatApp, HttpMethod, string, string?)"/>, on another back-office listener (a replica's own, another Api's).</summary>
    public static async Task<(HttpStatusCode Status, JsonObject Body)> AdminAsync(
        this DompetKilatApp system, HttpClient backOffice, HttpMethod method, string path, string? json = null)
    {
        var (status, body) = await backOffice.SendAsync(method, path, json, system.Bearer(Operators.Maker));
        if (status != HttpStatusCode.Accepted)
        {
            return (status, body);
        }

        var changeId = body["data"]!["changeId"]!.GetValue<string>();
        var (approved, approval) = await backOffice.SendAsync(HttpMethod.Post, $"/v1/admin/changes/{changeId}/approve", null,
            system.Bearer(Operators.Checker));
        if (approval["data"] is JsonObject { } data && (data["partner"] ?? data["keys"]) is JsonObject issued)
        {
            approval["data"] = issued.DeepClone();
        }

        return (approved, approval);
    }

    /// <summary>A back-office call as <paramref name="who"/>, answered as it is (a change stays pending).</summary>
    public static Task<(HttpStatusCode Status, JsonObject Body)> AsOperatorAsync(
        this DompetKilatApp system, TestOperator who, HttpMethod method, string path, string? json = null) =>
        system.BackOffice.SendAsync(method, path, json, system.Bearer(who));

    public static (string Name, string Value) Bearer(this DompetKilatApp system, TestOperator who) =>
        ("Authorization", $"Bearer {system.TokenOf(who)}");

    public static string TokenOf(this DompetKilatApp system, TestOperator who) =>
        OperatorTokens.Mint(system.BackOfficeSigningKey, who.Subject, who.Name, who.Roles, TimeSpan.FromHours(1));

    public static Task<(HttpStatusCode Status, JsonObject Body)> GetAsPartnerAsync(this HttpClient client, string path, string? partnerKey) =>
        client.SendAsync(HttpMethod.Get, path, null, partnerKey is null ? null : ("X-Partner-Key", partnerKey));

    public static Task<(HttpStatusCode Status, JsonObject Body)> PostAsPartnerAsync(this HttpClient client, string path, JsonNode json, string? partnerKey) =>
        client.SendAsync(HttpMethod.Post, path, json.ToJsonString(), partnerKey is null ? null : ("X-Partner-Key", partnerKey));

    public static async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(
        this HttpClient client, HttpMethod method, string path, string? json, (string Name, string Value)? header)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        if (header is { } h)
        {
            request.Headers.Add(h.Name, h.Value);
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await ContractJson.ReadEnvelopeAsync(response));
    }

    /// <summary>A borrower the partner registered and applied a loan for; returns the registration and the loan's id.</summary>
    public static async Task<(JsonObject Registration, long LoanId)> BorrowerWithAppliedLoanAsync(this DompetKilatApp system, TestPartner partner)
    {
        var registration = TestPeople.Registration();
        var (registered, registeredBody) = await system.Api.PostAsPartnerAsync("/v1/borrower/register", registration, partner.ApiKey);
        Assert.True(registered == HttpStatusCode.OK, registeredBody.ToJsonString());
        var (applied, loan) = await system.Api.PostAsPartnerAsync("/v1/loan/register", TestPeople.LoanApplication(registration), partner.ApiKey);
        Assert.True(applied == HttpStatusCode.OK, loan.ToJsonString());
        return (registration, loan["data"]!["id"]!.GetValue<long>());
    }

    /// <summary>A borrower the partner registered and applied a loan for; the loan approved, so it has a code.</summary>
    public static async Task<(JsonObject Registration, long LoanId, string LoanCode)> BorrowerWithApprovedLoanAsync(
        this DompetKilatApp system, TestPartner partner)
    {
        var (registration, loanId) = await system.BorrowerWithAppliedLoanAsync(partner);
        var (approved, approval) = await system.AdminPostAsync($"/v1/admin/loan/{loanId}/approve", "{}");
        Assert.True(approved == HttpStatusCode.OK, approval.ToJsonString());
        return (registration, loanId, approval["data"]!["loanCode"]!.GetValue<string>());
    }

    /// <summary>A client for each Api replica's own socket, past the orchestrator's load-balancing proxy.</summary>
    public static IReadOnlyList<HttpClient> ApiReplicaClients(this DompetKilatApp system) =>
        [.. system.Replicas("api").Select(replica => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{replica.Address.Port}") })];

    /// <summary>A client for each Api replica's own back-office socket, past the orchestrator's proxy.</summary>
    public static IReadOnlyList<HttpClient> BackOfficeReplicaClients(this DompetKilatApp system) =>
        [.. system.Instances["api"].Select(id =>
        {
            Assert.True(system.App.ResourceNotifications.TryGetCurrentState(id, out var instance), $"no state for {id}");
            var port = instance.Snapshot.EnvironmentVariables.Single(v => v.Name == "BackOffice__Port").Value;
            return new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") };
        })];

    /// <summary>
    /// Checks that every Api replica already knows the partner's key: a registration is in force
    /// everywhere when it answers. Each check spends one token of the partner's budget.
    /// </summary>
    public static async Task KnownToEveryReplicaAsync(this DompetKilatApp system, TestPartner partner)
    {
        foreach (var replica in system.ApiReplicaClients())
        {
            using (replica)
            {
                var (status, _) = await replica.GetAsPartnerAsync("/v1/borrower/0", partner.ApiKey);
                Assert.True(status != HttpStatusCode.Unauthorized, $"{replica.BaseAddress} has not heard of partner {partner.Code}");
            }
        }
    }
}
