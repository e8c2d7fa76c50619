using DompetKilat.Api.Audit;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Partners;
using DompetKilat.Lending.Audit;

namespace DompetKilat.Api.Security;

/// <summary>
/// Decides which partner is calling a partner route (API-CONTRACT §8) before anything reads the
/// body: by <c>X-Partner-Key</c>, or for a request without one by the keyless partner whose range
/// holds the caller's address (after the trusted-proxy rule). Refusals are <c>05</c>: 401 when no
/// partner is named, 403 when the partner may not call from here or is disabled; each is in the
/// audit trail with the caller's address and the key's id before it is answered. A replica that
/// cannot vouch for its registry identifies nobody (<c>99</c>) rather than trust an old copy.
/// </summary>
internal sealed class PartnerIdentificationMiddleware(RequestDelegate next, PartnerRegistry registry, AuditTrail trail, TimeProvider clock)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AllowedCallers>()?.Group != CallerGroup.Partners)
        {
            await next(context);
            return;
        }

        if (registry.Current is not { } directory)
        {
            await ContractResults.Failure(ContractStatus.Unavailable, StatusCodes.Status503ServiceUnavailable,
                "service temporarily unavailable").ExecuteAsync(context);
            return;
        }

        var key = context.Request.Headers.TryGetValue(CallingPartner.KeyHeader, out var presented) ? presented.ToString() : null;
        var now = clock.GetUtcNow().UtcDateTime;
        var identification = directory.Identify(key, context.Connection.RemoteIpAddress, now);
        if (identification.Partner is null)
        {
            var named = identification.Named;
            await trail.RecordRefusalAsync(AuditRecord.Of(context, now, named?.Code ?? AuditEvent.UnknownCaller, named?.Id,
                identification.KeyId, ContractStatus.NotAllowed));
            context.Response.Headers.Connection = "close";
            await ContractResults.Failure(ContractStatus.NotAllowed, identification.RefusalStatus, identification.RefusalReason!)
                .ExecuteAsync(context);
            return;
        }

        context.Features.Set(new CallingPartner(identification.Partner, identification.KeyId));
        await next(context);
    }
}
