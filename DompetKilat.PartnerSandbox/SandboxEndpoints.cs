using System.Text.Json;
using DompetKilat.Lending.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DompetKilat.PartnerSandbox;

/// <summary>
/// A partner's webhook endpoint for developers: verifies each notification's Standard Webhooks
/// signature with <c>LOCAL</c>'s secret, as a partner must, and logs what arrived, so the
/// dashboard shows notifications following the reference's curls.
/// </summary>
public static class SandboxEndpoints
{
    public const string EventsPath = "/events";

    /// <summary>Far more than any event; a bigger body is not one of ours.</summary>
    private const int MaxBody = 256 * 1024;

    public static IEndpointRouteBuilder MapSandboxEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(EventsPath, ReceiveAsync);
        return app;
    }

    public static async Task<Results<NoContent, UnauthorizedHttpResult, BadRequest>> ReceiveAsync(
        HttpRequest request, StandardWebhookSignature signature, TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(SandboxEndpoints));
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > MaxBody)
            {
                return TypedResults.BadRequest();
            }

            body.Write(buffer, 0, read);
        }

        var headers = request.Headers;
        var id = headers[StandardWebhookSignature.IdHeader].ToString();
        if (!signature.Verify(id, headers[StandardWebhookSignature.TimestampHeader], headers[StandardWebhookSignature.SignatureHeader],
                body.GetBuffer().AsSpan(0, (int)body.Length), clock.GetUtcNow()))
        {
            logger.LogWarning("Refused notification {WebhookId}: its signature does not verify with LOCAL's webhook secret", id);
            return TypedResults.Unauthorized();
        }

        using var json = JsonDocument.Parse(body.GetBuffer().AsMemory(0, (int)body.Length));
        var root = json.RootElement;
        var type = root.GetProperty("type").GetString();
        var data = root.GetProperty("data");
        if (data.TryGetProperty("loanCode", out var loanCode))
        {
            logger.LogInformation("Received {EventType} {WebhookId} for loan {LoanCode}: {Status}, {NumberOfPay} payments, signature verified",
                type, id, loanCode.GetString(), data.GetProperty("status").GetString(), data.GetProperty("numberOfPay").GetInt32());
        }
        else
        {
            // Not about a loan (a borrower's erasure, a test event): its type says what it is.
            logger.LogInformation("Received {EventType} {WebhookId}, signature verified", type, id);
        }

        return TypedResults.NoContent();
    }
}
