using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using DompetKilat.Lending.Webhooks;
using Polly;

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

internal static class PartnerWebhookClientRegistration
{
    /// <summary>
    /// The client every notification goes out through, hardened because its target is chosen by a
    /// partner: only addresses the connect guard vets, no redirects or cookies or proxies, a bounded
    /// attempt, and an answer whose body is never read (API-CONTRACT §9).
    /// </summary>
    public static IServiceCollection AddPartnerWebhookClient(this IServiceCollection services)
    {
        services.AddSingleton<WebhookConnectGuard>();
        services.AddSingleton<PartnerWebhookClient>();
        var webhookClient = services.AddHttpClient(PartnerWebhookClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                // The guard must see the partner's own address, not a proxy's.
                UseProxy = false,
                ConnectCallback = sp.GetRequiredService<WebhookConnectGuard>().ConnectAsync,
                ConnectTimeout = PartnerWebhookClient.AttemptTimeout,
                MaxResponseHeadersLength = 64,
                MaxResponseDrainSize = 0,
                MaxConnectionsPerServer = 32,
                // Connections are re-made (and the address re-checked) at least this often.
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            });
        // Not the standard handler of every other client: its retries would re-send at once what the
        // outbox schedules, and the schedule must survive restarts. The removal is marked
        // experimental, and it is the documented way to opt one client out of the defaults.
#pragma warning disable EXTEXP0001
        webhookClient.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        webhookClient.AddResilienceHandler("partner-webhook-attempt", pipeline => pipeline.AddTimeout(PartnerWebhookClient.AttemptTimeout));
        return services;
    }
}
