using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using DompetKilat.Lending.Webhooks;

namespace DompetKilat.CallbackWorker.Notifications;

/// <summary>What one attempt came to: the partner's HTTP status, or none and why.</summary>
internal sealed record AttemptOutcome(int? Status, string? Error)
{
    public bool Delivered => Status is >= 200 and < 300;

    /// <summary>The partner asked never to be sent this again (API-CONTRACT §9).</summary>
    public bool Gone => Status == 410;
}

/// <summary>
/// Posts one signed event to a partner. An attempt is bounded whatever the partner does: the
/// resilience pipeline's timeout covers connect, send and the answer's headers; redirects are not
/// followed; the answer's body is never read, so a huge or endless body costs nothing.
/// </summary>
internal sealed class PartnerWebhookClient(IHttpClientFactory httpClientFactory, IHostEnvironment environment, TimeProvider clock)
{
    public const string HttpClientName = "partner-webhooks";

    /// <summary>Per attempt (API-CONTRACT §9): no answer within this is a failed attempt.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    public async Task<AttemptOutcome> SendAsync(string webhookUrl, string eventId, string body, IReadOnlyList<string> secrets, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(webhookUrl, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp && environment.IsDevelopment()))
        {
            return new AttemptOutcome(null, "webhookUrl is not an https URL");
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add(StandardWebhookSignature.IdHeader, eventId);
        request.Headers.Add(StandardWebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(StandardWebhookSignature.SignatureHeader, StandardWebhookSignature.Sign(secrets, eventId, timestamp, bytes));

        var client = httpClientFactory.CreateClient(HttpClientName);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return new AttemptOutcome((int)response.StatusCode, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptOutcome(null, Describe(ex));
        }
    }

    /// <summary>Why there was no answer, in words that quote nothing the partner sent.</summary>
    private static string Describe(Exception failure) => failure switch
    {
        Polly.Timeout.TimeoutRejectedException => $"no answer within {AttemptTimeout.TotalSeconds:0} s",
        HttpRequestException { HttpRequestError: var error } http when error != HttpRequestError.Unknown =>
            http.InnerException is null ? $"{error}: {http.Message}" : $"{error}",
        _ => failure.GetType().Name,
    };
}
