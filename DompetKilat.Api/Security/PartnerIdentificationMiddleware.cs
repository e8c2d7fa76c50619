using DompetKilat.Api.Contract;
using DompetKilat.Api.Partners;

namespace DompetKilat.Api.Security;

/// <summary>
/// Decides which partner is calling a partner route (API-CONTRACT §8) before anything reads the
/// body: by <c>X-Partner-Key</c>, or for a request without one by the keyless partner whose range
/// holds the caller's address (after the trusted-proxy rule). Refusals are <c>05</c>: 401 when no
/// partner is named, 403 when the partner may not call from here or is disabled.
/// </summary>
internal sealed class PartnerIdentificationMiddleware(RequestDelegate next, PartnerRegistry registry, TimeProvider clock)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AllowedCallers>()?.Group != CallerGroup.Partners)
        {
            return next(context);
        }

        if (registry.Current is not { } directory)
        {
            return ContractResults.Failure(ContractStatus.Unavailable, StatusCodes.Status503ServiceUnavailable,
                "service temporarily unavailable").ExecuteAsync(context);
        }

        var key = context.Request.Headers.TryGetValue(CallingPartner.KeyHeader, out var presented) ? presented.ToString() : null;
        var identification = directory.Identify(key, context.Connection.RemoteIpAddress, clock.GetUtcNow().UtcDateTime);
        if (identification.Partner is null)
        {
            context.Response.Headers.Connection = "close";
            return ContractResults.Failure(ContractStatus.NotAllowed, identification.RefusalStatus, identification.RefusalReason!)
                .ExecuteAsync(context);
        }

        context.Features.Set(new CallingPartner(identification.Partner));
        return next(context);
    }
}
