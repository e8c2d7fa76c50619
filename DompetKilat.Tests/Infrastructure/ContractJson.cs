using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DompetKilat.Tests.Infrastructure;

/// <summary>Helpers that read responses as partners do: raw JSON, no shared DTOs with the Api.</summary>
public static class ContractJson
{
    public static async Task<(HttpStatusCode Status, JsonObject Body)> PostJsonAsync(this HttpClient client, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content);
        return (response.StatusCode, await ReadEnvelopeAsync(response));
    }

    /// <summary>
    /// Sends with <c>Expect: 100-continue</c>, as curl does for large bodies, so a body the server
    /// refuses up front is never uploaded and the client reads the refusal instead of a reset.
    /// </summary>
    public static async Task<(HttpStatusCode Status, JsonObject Body)> PostLargeJsonAsync(this HttpClient client, string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await ReadEnvelopeAsync(response));
    }

    public static async Task<(HttpStatusCode Status, JsonObject Body)> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await ReadEnvelopeAsync(response));
    }

    public static async Task<JsonObject> ReadEnvelopeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        var node = JsonNode.Parse(body)?.AsObject() ?? throw new InvalidOperationException("empty body");
        Assert.True(node.ContainsKey("status"), body);
        Assert.True(node.ContainsKey("message"), body);
        Assert.True(node.ContainsKey("data"), body);
        return node;
    }

    public static string Status(this JsonObject envelope) => envelope["status"]!.GetValue<string>();

    public static JsonValueKind KindOf(this JsonObject obj, string property) =>
        obj[property] is null ? JsonValueKind.Null : obj[property]!.GetValueKind();

    public static string[] ErrorFields(this JsonObject envelope) =>
        envelope["data"]!["errors"]!.AsObject().Select(e => e.Key).ToArray();

    public static string ToJson(this object value) => JsonSerializer.Serialize(value);
}
