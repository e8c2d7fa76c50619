using System.Net.Http.Headers;
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

    public static Task<(HttpStatusCode Status, JsonObject Body)> AdminPostAsync(this DompetKilatApp system, string path, string json) =>
        system.Api.PostWithKeyAsync(path, json, system.AdminApiKey);

    public static async Task<(HttpStatusCode Status, JsonObject Body)> PostWithKeyAsync(
        this HttpClient client, string path, string? json, string? apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await ContractJson.ReadEnvelopeAsync(response));
    }
}
