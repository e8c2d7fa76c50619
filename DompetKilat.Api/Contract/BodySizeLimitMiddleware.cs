using Microsoft.AspNetCore.Http.Metadata;

namespace DompetKilat.Api.Contract;

/// <summary>
/// Answers <c>06</c> before reading a body whose declared length exceeds the route's limit
/// (API-CONTRACT §6). Minimal APIs would otherwise abort the request with an empty 413.
/// Bodies without a declared length are still cut off by Kestrel at the same limit.
/// </summary>
internal sealed class BodySizeLimitMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
        if (limit is { } max && context.Request.ContentLength > max)
        {
            // The unread body makes the connection unusable; saying so keeps clients from reusing it.
            context.Response.Headers.Connection = "close";
            var size = max >= 1024 * 1024 ? $"{max / (1024 * 1024)} MiB" : $"{max / 1024} KiB";
            return ContractResults.Failure(ContractStatus.BodyTooLarge, StatusCodes.Status413PayloadTooLarge,
                $"request body exceeds {size}").ExecuteAsync(context);
        }

        return next(context);
    }
}
