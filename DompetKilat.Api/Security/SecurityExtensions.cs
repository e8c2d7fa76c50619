using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using DompetKilat.Api.Contract;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace DompetKilat.Api.Security;

internal static class SecurityExtensions
{
    public static void AddCallerSecurity(this IHostApplicationBuilder builder)
    {
        var environment = builder.Environment;
        builder.Services.AddOptions<CallerOptions>().BindConfiguration(CallerOptions.Section)
            .Validate(o => environment.IsDevelopment() || o.CallbackSigningSecrets.Length > 0,
                "Security:CallbackSigningSecrets must hold at least one secret outside Development")
            .Validate(o => o.PartnerAllowList.Concat(o.CallbackAllowList).Concat(o.TrustedProxies).All(IsNetwork),
                "Security allow-lists and trusted proxies must be IP addresses or CIDR ranges")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new StandardWebhookSignature(sp.GetRequiredService<IOptions<CallerOptions>>().Value.CallbackSigningSecrets));

        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<CallerOptions>>((forwarded, callers) =>
        {
            // Only the configured proxies may speak for a caller; nobody else's X-Forwarded-For counts.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in callers.Value.TrustedProxies)
            {
                forwarded.KnownIPNetworks.Add(AllowList.Parse(proxy));
            }
        });

        builder.Services.AddOptions<CallerRateLimits>().BindConfiguration(CallerRateLimits.Section);
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<CallerRateLimits>>((options, limits) =>
        {
            var exemptLoopback = limits.Value.ExemptLoopback ?? environment.IsDevelopment();
            options.AddPolicy(CallerRateLimits.PartnerPolicy, context => PerCaller(context, limits.Value.Partners, exemptLoopback));
            options.AddPolicy(CallerRateLimits.CallbackPolicy, context => PerCaller(context, limits.Value.Callbacks, exemptLoopback));
            options.OnRejected = (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                rejected.HttpContext.Response.Headers.RetryAfter =
                    Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return new ValueTask(ContractResults.Failure(ContractStatus.TooManyRequests, StatusCodes.Status429TooManyRequests,
                    "rate limit exceeded").ExecuteAsync(rejected.HttpContext));
            };
        });

        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
    }

    /// <summary>
    /// The edge every request crosses, in order: the caller's real address, security headers,
    /// the contract's envelope for faults, the allow-list (before any body is read), the admin
    /// key, the caller's budget, the body-size limit, and the callback signature.
    /// </summary>
    public static WebApplication UsePartnerEdge(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler();
        app.UseContractStatusCodes();
        app.UseMiddleware<CallerAllowListMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<BodySizeLimitMiddleware>();
        app.UseMiddleware<CallbackSignatureMiddleware>();
        return app;
    }

    private static RateLimitPartition<string> PerCaller(HttpContext context, CallerRateLimits.Budget budget, bool exemptLoopback)
    {
        var caller = context.Connection.RemoteIpAddress;
        if (exemptLoopback && caller is not null && IPAddress.IsLoopback(caller))
        {
            return RateLimitPartition.GetNoLimiter("loopback");
        }

        return RateLimitPartition.GetTokenBucketLimiter(caller?.ToString() ?? "unknown", _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = budget.TokenLimit,
            TokensPerPeriod = budget.TokensPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static bool IsNetwork(string entry)
    {
        try
        {
            AllowList.Parse(entry);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
