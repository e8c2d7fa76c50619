using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace DompetKilat.Api.Contract;

/// <summary>
/// Answers <c>06</c> before reading a body whose declared length exceeds the route's limit
/// (API-CONTRACT §6). Minimal APIs would otherwise abort the request with an empty 413.
/// Bodies without a declared length are still cut off by Kestrel at the same limit.
/// </summary>
internal sealed class BodySizeLimitMiddleware(RequestDelegate next)
{
    /// <summary>
    /// Past this, a body is not worth reading only to throw it away, and the connection is closed
    /// instead. Twice the largest route's limit.
    /// </summary>
    private const long MostDrained = 16 * 1024 * 1024;

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    public async Task InvokeAsync(HttpContext context)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
        if (limit is not { } max || context.Request.ContentLength is not { } length || length <= max)
        {
            await next(context);
            return;
        }

        // A client still sending a body it was not asked to hold back (no Expect: 100-continue)
        // would see the connection reset, and maybe never read the answer, if it closed with its
        // bytes unread: so the body is read and discarded once the answer is out. Past the bound,
        // or when the client waits for leave to send, the connection is closed instead.
        var drain = length <= MostDrained && !context.Request.Headers.Expect.ToString().Contains("100-continue", StringComparison.OrdinalIgnoreCase);
        if (!drain)
        {
            context.Response.Headers.Connection = "close";
        }

        var size = max >= 1024 * 1024 ? $"{max / (1024 * 1024)} MiB" : $"{max / 1024} KiB";
        await ContractResults.Failure(ContractStatus.BodyTooLarge, StatusCodes.Status413PayloadTooLarge,
            $"request body exceeds {size}").ExecuteAsync(context);
        if (drain)
        {
            await DrainAsync(context);
        }
    }

    private static async Task DrainAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = null;
        }

        await context.Response.CompleteAsync();
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(DrainTimeout);
        try
        {
            while (await context.Request.Body.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // The client gave up or stalled; Kestrel closes what is left of the connection.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
