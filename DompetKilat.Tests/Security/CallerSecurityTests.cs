using DompetKilat.Lending.Callbacks;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Tests.Security;

[Collection(DompetKilatAppCollection.Name)]
public sealed class CallerSecurityTests(DompetKilatApp system) : IDisposable
{
    /// <summary>The trusted proxy: its X-Forwarded-For names the caller.</summary>
    private readonly HttpClient viaProxy = new() { BaseAddress = new Uri($"http://127.0.0.1:{system.Api.BaseAddress!.Port}") };

    /// <summary>
    /// A caller that is not a trusted proxy: it reaches the Api's own socket over IPv6 loopback,
    /// past the orchestrator's IPv4 proxy, so its X-Forwarded-For must be ignored.
    /// </summary>
    private readonly HttpClient untrustedPeer = new() { BaseAddress = new Uri($"http://[::1]:{system.ApiTargetPort()}") };

    public void Dispose()
    {
        viaProxy.Dispose();
        untrustedPeer.Dispose();
    }

    [Fact]
    public async Task A_caller_no_partner_calls_from_is_05_before_its_body_is_read()
    {
        using var request = Forwarded(HttpMethod.Post, "/v1/borrower/register", "203.0.113.9", "{not json");

        using var response = await viaProxy.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await ContractJson.ReadEnvelopeAsync(response);
        Assert.Equal("05", body.Status());
        Assert.Equal("partner key is missing and no keyless partner calls from this address", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_keyless_partners_address_is_let_through()
    {
        using var request = Forwarded(HttpMethod.Get, "/v1/borrower/3626382876387831", "198.51.100.7");

        using var response = await viaProxy.SendAsync(request);

        Assert.Equal("001", (await ContractJson.ReadEnvelopeAsync(response)).Status());
    }

    [Fact]
    public async Task X_Forwarded_For_from_a_peer_that_is_not_a_trusted_proxy_is_ignored()
    {
        using var spoofed = Forwarded(HttpMethod.Get, "/v1/borrower/3626382876387831", "203.0.113.9");
        using var honoured = Forwarded(HttpMethod.Get, "/v1/borrower/3626382876387831", "203.0.113.9");

        using var fromUntrusted = await untrustedPeer.SendAsync(spoofed);
        using var fromProxy = await viaProxy.SendAsync(honoured);

        Assert.Equal("001", (await ContractJson.ReadEnvelopeAsync(fromUntrusted)).Status());
        Assert.Equal(HttpStatusCode.Unauthorized, fromProxy.StatusCode);
    }

    [Fact]
    public async Task Callbacks_answer_only_to_the_lenders_allow_list()
    {
        var json = LoanJourney.Callback("LC000000000001").ToJsonString();

        var (fromPartner, partnerBody) = await PostForwardedCallbackAsync(json, "198.51.100.8");
        var (fromLender, lenderBody) = await PostForwardedCallbackAsync(json, "192.0.2.10");

        Assert.Equal((HttpStatusCode.Forbidden, "05"), (fromPartner, partnerBody.Status()));
        Assert.Equal((HttpStatusCode.NotFound, "001"), (fromLender, lenderBody.Status()));
    }

    [Fact]
    public async Task A_callback_signed_with_the_secret_being_rotated_out_is_still_accepted()
    {
        var loanCode = await system.ApprovedLoanAsync();

        var (status, body) = await system.PostCallbackAsync("/v1/loan/disburse", LoanJourney.Callback(loanCode).ToJsonString(),
            secret: DompetKilatApp.CallbackSigningSecrets[1]);

        Assert.Equal((HttpStatusCode.OK, "00"), (status, body.Status()));
    }

    public static TheoryData<string, string?, int> BadSignatures => new()
    {
        { "a secret no longer configured", "whsec_" + Convert.ToBase64String(new byte[32]), 0 },
        { "a timestamp six minutes old", null, -6 },
        { "a timestamp six minutes ahead", null, 6 },
    };

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task A_callback_with_a_bad_signature_is_05_and_nothing_is_stored(string why, string? secret, int minutesOff)
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode);

        var (status, body) = await system.PostCallbackAsync("/v1/loan/disburse", callback.ToJsonString(),
            secret: secret, signedAt: DateTimeOffset.UtcNow.AddMinutes(minutesOff));

        Assert.True((HttpStatusCode.Unauthorized, "05") == (status, body.Status()), why);
        await AssertNothingStoredAsync(callback["transactionId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_callback_whose_body_was_changed_after_signing_is_05()
    {
        var loanCode = await system.ApprovedLoanAsync();
        var signedJson = LoanJourney.Callback(loanCode).ToJsonString();
        var tampered = signedJson.Replace("1000000", "9000000", StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/loan/disburse")
        {
            Content = new StringContent(tampered, System.Text.Encoding.UTF8, "application/json"),
        };
        LoanJourney.SignCallback(request, signedJson, DompetKilatApp.CallbackSigningSecrets[0], DateTimeOffset.UtcNow);

        using var response = await system.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("05", (await ContractJson.ReadEnvelopeAsync(response)).Status());
    }

    [Fact]
    public async Task An_unsigned_callback_is_05_and_nothing_is_stored()
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode);

        var (status, body) = await system.Api.PostJsonAsync("/v1/loan/disburse", callback.ToJsonString());

        Assert.Equal((HttpStatusCode.Unauthorized, "05"), (status, body.Status()));
        await AssertNothingStoredAsync(callback["transactionId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_caller_over_its_budget_is_07_with_Retry_After_and_recovers_after_it()
    {
        // A keyless partner of its own, so exhausting its budget leaves the other tests' partners alone.
        const string caller = "203.0.113.77";
        var (registered, _) = await system.RegisterPartnerAsync(new
        {
            partnerCode = PartnerCalls.NewPartnerCode("B"), name = "Budget", allowList = new[] { "203.0.113.64/27" },
            productCodes = new[] { "95" }, keyless = true,
        });
        Assert.Equal(HttpStatusCode.OK, registered);
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 2 * DompetKilatApp.PartnerBurst; i++)
        {
            answers.Add(await viaProxy.SendAsync(Forwarded(HttpMethod.Get, "/v1/borrower/3626382876387831", caller)));
        }

        var limited = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Equal("07", (await ContractJson.ReadEnvelopeAsync(limited)).Status());
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        answers.ForEach(a => a.Dispose());

        await Task.Delay(retryAfter.Value + TimeSpan.FromMilliseconds(200));
        using var recovered = await viaProxy.SendAsync(Forwarded(HttpMethod.Get, "/v1/borrower/3626382876387831", caller));

        Assert.Equal(HttpStatusCode.NotFound, recovered.StatusCode);
    }

    [Fact]
    public async Task Responses_carry_no_server_banner_and_the_headers_a_json_api_needs()
    {
        using var response = await system.Api.GetAsync("/v1/borrower/3626382876387831");

        Assert.False(response.Headers.Contains("Server"));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    private static HttpRequestMessage Forwarded(HttpMethod method, string path, string client, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Forwarded-For", client);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        return request;
    }

    private async Task<(HttpStatusCode, System.Text.Json.Nodes.JsonObject)> PostForwardedCallbackAsync(string json, string client)
    {
        using var request = Forwarded(HttpMethod.Post, "/v1/loan/disburse", client, json);
        LoanJourney.SignCallback(request, json, DompetKilatApp.CallbackSigningSecrets[0], DateTimeOffset.UtcNow);
        using var response = await viaProxy.SendAsync(request);
        return (response.StatusCode, await ContractJson.ReadEnvelopeAsync(response));
    }

    private async Task AssertNothingStoredAsync(string transactionId)
    {
        await using var db = await system.CreateDbContextAsync();
        Assert.False(await db.LoanCallbacks.AnyAsync(c => c.TransactionId == transactionId && c.State != CallbackState.Parked && c.Id > 0));
    }
}
