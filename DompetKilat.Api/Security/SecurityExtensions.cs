using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using DompetKilat.Api.Admin;
using DompetKilat.Api.Audit;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Partners;
using DompetKilat.Lending.Audit;
using DompetKilat.Lending.Partners;
using DompetKilat.Lending.Webhooks;
using DompetKilat.ServiceDefaults;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace DompetKilat.Api.Security;

internal static class SecurityExtensions
{
    public static void AddCallerSecurity(this IHostApplicationBuilder builder)
    {
        var environment = builder.Environment;
        if (builder.Configuration.GetSection(CallerOptions.RetiredPartnerAllowList).Exists())
        {
            throw new InvalidOperationException(
                $"{CallerOptions.RetiredPartnerAllowList} is replaced by the partner registry: register the partners it listed " +
                "(POST /v1/admin/partners, see the README's \"Partners\") and remove the setting.");
        }

        // The framework's own switch adds a second forwarded-headers step in front of the Api's, and
        // each step takes one hop: two hops of X-Forwarded-For would be believed from inside the trusted range.
        if (builder.Configuration.GetValue<bool>("FORWARDEDHEADERS_ENABLED"))
        {
            throw new InvalidOperationException(
                "ASPNETCORE_FORWARDEDHEADERS_ENABLED must not be set: the Api applies X-Forwarded-For itself, from Security:TrustedProxies only.");
        }

        builder.Services.AddOptions<CallerOptions>().BindConfiguration(CallerOptions.Section)
            .Validate(o => environment.IsDevelopment() || o.CallbackSigningSecrets.Length > 0,
                "Security:CallbackSigningSecrets must hold at least one secret outside Development")
            .Validate(o => o.CallbackAllowList.Concat(o.TrustedProxies).All(e => PartnerRules.TryParseNetwork(e, out _)),
                "Security allow-lists and trusted proxies must be IP addresses or CIDR ranges")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new StandardWebhookSignature(sp.GetRequiredService<IOptions<CallerOptions>>().Value.CallbackSigningSecrets));

        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<CallerOptions>>((forwarded, callers) =>
        {
            // Only the configured proxies may speak for a caller; nobody else's X-Forwarded-For counts.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            // One hop: the trusted proxy's own view of its caller. Entries further left are whatever the caller wrote.
            forwarded.ForwardLimit = 1;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in callers.Value.TrustedProxies)
            {
                forwarded.KnownIPNetworks.Add(PartnerRules.ParseNetwork(proxy));
            }
        });

        builder.Services.AddSingleton<PartnerRegistry>();
        builder.Services.AddSingleton<PartnerRegistryStore>();
        builder.Services.AddSingleton<PartnerRegistryListener>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PartnerRegistryListener>());
        builder.Services.AddHealthChecks().AddCheck<PartnerRegistryHealthCheck>("partner-registry");

        builder.Services.AddOptions<CallerRateLimits>().BindConfiguration(CallerRateLimits.Section);
        builder.Services.AddSingleton<SharedBudgetHealth>();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<CallerRateLimits>, IConnectionMultiplexer, SharedBudgetHealth, TimeProvider>(
            (options, limits, redis, health, clock) =>
        {
            var exempt = limits.Value.ExemptLoopback ?? environment.IsDevelopment();
            options.AddPolicy(CallerRateLimits.PartnerPolicy, context => context.Features.Get<CallingPartner>() is { } partner
                ? Budget(exempt && partner.Partner.IsLocal ? null : $"partner:{partner.Code}", limits.Value.Partners, redis, health, clock)
                : Budget(ByAddress("back-office", context, exempt), limits.Value.Partners, redis, health, clock));
            options.AddPolicy(CallerRateLimits.RedeliveryPolicy, context =>
            {
                var partner = context.Features.Get<CallingPartner>()
                    ?? throw new InvalidOperationException("Redeliveries are partner routes, behind partner identification.");
                return Budget(exempt && partner.Partner.IsLocal ? null : $"partner-redeliveries:{partner.Code}", limits.Value.Redeliveries, redis, health, clock);
            });
            options.AddPolicy(CallerRateLimits.CallbackPolicy, context =>
                Budget(ByAddress("callbacks", context, exempt), limits.Value.Callbacks, redis, health, clock));
            options.OnRejected = async (rejected, _) =>
            {
                var http = rejected.HttpContext;
                // Partners' and the back office's refusals are on record; the lender's callbacks are not audited routes.
                if (http.GetEndpoint()?.Metadata.GetMetadata<AllowedCallers>()?.Group != CallerGroup.Callbacks)
                {
                    var partner = http.Features.Get<CallingPartner>();
                    await http.RequestServices.GetRequiredService<AuditTrail>().RecordRefusalAsync(AuditRecord.Of(
                        http, clock.GetUtcNow().UtcDateTime, partner?.Code ?? AuditEvent.BackOffice, partner?.Id, partner?.KeyId,
                        ContractStatus.TooManyRequests));
                }

                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await ContractResults.Failure(ContractStatus.TooManyRequests, StatusCodes.Status429TooManyRequests,
                    "rate limit exceeded").ExecuteAsync(http);
            };
        });

        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
    }

    /// <summary>
    /// The edge every request crosses, in order: the caller's real address, security headers,
    /// the contract's envelope for faults, the listener's own routes (partners' or back office's),
    /// the failed sign-ins of the caller's address, the callback allow-list and the partner's
    /// identity (before any body is read), the operator's token and role, the caller's budget, the
    /// body-size limit, and the callback signature.
    /// </summary>
    public static WebApplication UsePartnerEdge(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler();
        app.UseContractStatusCodes();
        app.UseMiddleware<BackOfficeListener>();
        app.UseMiddleware<FailedSignInGate>();
        app.UseMiddleware<CallerAllowListMiddleware>();
        app.UseMiddleware<PartnerIdentificationMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<BodySizeLimitMiddleware>();
        app.UseMiddleware<CallbackSignatureMiddleware>();
        return app;
    }

    /// <summary>A budget shared by every replica, or none (<paramref name="partition"/> null) for exempt callers.</summary>
    private static RateLimitPartition<string> Budget(
        string? partition, CallerRateLimits.Budget budget, IConnectionMultiplexer redis, SharedBudgetHealth health, TimeProvider clock) =>
        partition is null
            ? RateLimitPartition.GetNoLimiter("exempt")
            : RateLimitPartition.Get(partition, key => new SharedBudgetLimiter(key, budget, redis, health, clock));

    private static string? ByAddress(string group, HttpContext context, bool exemptLoopback)
    {
        var caller = context.Connection.RemoteIpAddress;
        return exemptLoopback && caller is not null && IPAddress.IsLoopback(caller) ? null : $"{group}:{caller}";
    }
}
