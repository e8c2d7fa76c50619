using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace DompetKilat.Tests.Infrastructure;

/// <summary>The steps a loan goes through before the case under test, each checked as it happens.</summary>
public static class LoanJourney
{
    public static async Task<JsonObject> RegisteredBorrowerAsync(this DompetKilatApp system)
    {
        var registration = TestPeople.Registration();
        var (status, body) = await system.Api.PostJsonAsync("/v1/borrower/register", registration.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return registration;
    }

    /// <summary>A fresh borrower's application; returns the new loan's id.</summary>
    public static async Task<long> AppliedLoanAsync(this DompetKilatApp system)
    {
        var application = TestPeople.LoanApplication(await system.RegisteredBorrowerAsync());
        var (status, body) = await system.Api.PostJsonAsync("/v1/loan/register", application.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return body["data"]!["id"]!.GetValue<long>();
    }

    /// <summary>A fresh loan the back office approved; returns its loanCode.</summary>
    public static async Task<string> ApprovedLoanAsync(this DompetKilatApp system)
    {
        var id = await system.AppliedLoanAsync();
        var (status, body) = await system.AdminPostAsync($"/v1/admin/loan/{id}/approve", "{}");
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return body["data"]!["loanCode"]!.GetValue<string>();
    }

    /// <summary>
    /// A callback in the partner reference's shape: the disbursement sample when
    /// <paramref name="numberOfPay"/> is 0, a repayment snapshot of that many 250,000 payments otherwise.
    /// </summary>
    public static JsonObject Callback(string loanCode, string status = "active", int numberOfPay = 0, string? transactionId = null) => new()
    {
        ["transactionId"] = transactionId ?? Guid.NewGuid().ToString(),
        ["loanCode"] = loanCode,
        ["bankCode"] = "BNI",
        ["paymentAccountNumber"] = "8808999966040139",
        ["status"] = status,
        ["loanAmount"] = 1000000,
        ["loanAmountPaid"] = 250000 * numberOfPay,
        ["tenor"] = 4,
        ["tenorUnit"] = "day",
        ["numberOfPay"] = numberOfPay,
        ["histories"] = numberOfPay == 0
            ? null
            : new JsonArray([.. Enumerable.Range(1, numberOfPay).Select(i => (JsonNode)new JsonObject
            {
                // An hour apart, so the longest history the body limit allows still lies in the past.
                ["transactionTime"] = new DateTime(2021, 10, 25, 15, 20, 16, 921, DateTimeKind.Utc).AddHours(i - 1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
                ["paymentAmount"] = 250000,
            })]),
    };

    public static Task<(HttpStatusCode Status, JsonObject Body)> SendCallbackAsync(this DompetKilatApp system, JsonObject callback) =>
        system.PostCallbackAsync(callback["histories"] is JsonArray ? "/v1/callback/loan/repayment" : "/v1/loan/disburse", callback.ToJsonString());

    /// <summary>Posts a callback signed as the lender signs it (Standard Webhooks, the current secret).</summary>
    public static async Task<(HttpStatusCode Status, JsonObject Body)> PostCallbackAsync(
        this DompetKilatApp system, string route, string json, string? secret = null, DateTimeOffset? signedAt = null, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route)
        {
            Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        SignCallback(request, json, secret ?? DompetKilatApp.CallbackSigningSecrets[0], signedAt ?? DateTimeOffset.UtcNow);
        using var response = await (client ?? system.Api).SendAsync(request);
        return (response.StatusCode, await ContractJson.ReadEnvelopeAsync(response));
    }

    public static void SignCallback(HttpRequestMessage request, string json, string secret, DateTimeOffset signedAt)
    {
        var id = $"msg_{Guid.NewGuid():N}";
        var timestamp = signedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signature = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{json}"));
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp);
        request.Headers.Add("webhook-signature", $"v1,{Convert.ToBase64String(signature)}");
    }

    /// <summary>Polls the loan until the worker has applied what the test expects, or fails after a while.</summary>
    public static async Task<JsonObject> WaitForLoanAsync(this DompetKilatApp system, string loanCode, Func<JsonObject, bool> applied)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (_, body) = await system.Api.GetJsonAsync($"/v1/loan/{loanCode}");
            var loan = body["data"]!.AsObject();
            if (applied(loan))
            {
                return loan;
            }

            Assert.True(DateTime.UtcNow < deadline, $"loan {loanCode} never reached the expected state: {loan.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    public static Task<(HttpStatusCode Status, JsonObject Body)> AdminPostAsync(this DompetKilatApp system, string path, string? json) =>
        system.AdminAsync(HttpMethod.Post, path, json);
}
