using DompetKilat.Api.Contract;
using DompetKilat.Lending.Webhooks;

namespace DompetKilat.Api.Security;

/// <summary>
/// Refuses a callback whose Standard Webhooks signature is missing, wrong or expired with
/// <c>05</c> (HTTP 401) before it is parsed, so nothing of it is stored. Runs after the body-size
/// limit, so at most one route's limit of bytes is ever buffered.
/// </summary>
internal sealed class CallbackSignatureMiddleware(RequestDelegate next, StandardWebhookSignature signature, TimeProvider clock)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!signature.IsRequired || context.GetEndpoint()?.Metadata.GetMetadata<SignedCallbackMetadata>() is null)
        {
            await next(context);
            return;
        }

        context.Request.EnableBuffering();
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        context.Request.Body.Position = 0;

        var headers = context.Request.Headers;
        if (!signature.Verify(headers[StandardWebhookSignature.IdHeader], headers[StandardWebhookSignature.TimestampHeader],
                headers[StandardWebhookSignature.SignatureHeader], body.GetBuffer().AsSpan(0, (int)body.Length), clock.GetUtcNow()))
        {
            await ContractResults.Failure(ContractStatus.NotAllowed, StatusCodes.Status401Unauthorized,
                "callback signature is missing, invalid or expired").ExecuteAsync(context);
            return;
        }

        await next(context);
    }
}
