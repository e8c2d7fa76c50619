using DompetKilat.Api.Contract;
using Microsoft.Extensions.Options;

namespace DompetKilat.Api.Security;

/// <summary>
/// Refuses callback senders outside the lender's allow-list with <c>05</c> (HTTP 403) before
/// anything reads the body. The caller's address is the connection's, or the forwarded one when the
/// connection comes from a trusted proxy (the forwarded-headers middleware runs first).
/// </summary>
internal sealed class CallerAllowListMiddleware(RequestDelegate next, IOptions<CallerOptions> options, IHostEnvironment environment)
{
    private readonly AllowList callbacks = new(options.Value.CallbackAllowList, options.Value.AllowLoopback ?? environment.IsDevelopment());

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AllowedCallers>()?.Group == CallerGroup.Callbacks
            && !callbacks.Allows(context.Connection.RemoteIpAddress))
        {
            context.Response.Headers.Connection = "close";
            return ContractResults.Failure(ContractStatus.NotAllowed, StatusCodes.Status403Forbidden,
                $"client IP {context.Connection.RemoteIpAddress} is not allowed").ExecuteAsync(context);
        }

        return next(context);
    }
}
