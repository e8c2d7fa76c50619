using System.Globalization;
using System.Net;
using System.Text;
using DompetKilat.Api.Audit;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Security;
using DompetKilat.Lending.Audit;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using StackExchange.Redis;

namespace DompetKilat.Api.Admin;

/// <summary>
/// Operators sign in with a bearer token (JWT): from the deployment's OpenID Connect issuer, or
/// in development signed with the shared key <c>eng/operator-token.sh</c> uses. Roles come from
/// the <c>roles</c> claim, the operator from <c>sub</c> and <c>name</c>. Every refusal answers in
/// the envelope and is in the audit trail.
/// </summary>
internal static class OperatorAuthentication
{
    public const string Scheme = "Operator";
    public const string SubjectClaim = "sub";
    public const string NameClaim = "name";
    public const string RolesClaim = "roles";

    /// <summary>A token this close past its expiry is still taken: clocks of issuer and Api drift.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public static void AddOperatorAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BackOfficeOptions>().BindConfiguration(BackOfficeOptions.Section)
            .Validate(o => o.HasIssuer != (o.SigningKey is { Length: > 0 }),
                "BackOffice needs either Authority and Audience (an OpenID Connect issuer) or SigningKey, not both")
            .Validate(o => !o.HasIssuer || o.Audience is { Length: > 0 }, "BackOffice:Audience must be set with BackOffice:Authority")
            .Validate(o => o.HasIssuer || Encoding.UTF8.GetByteCount(o.SigningKey ?? "") >= 32,
                "BackOffice:SigningKey must be at least 32 bytes")
            .Validate(o => o.Port is > 0 and < 65536, "BackOffice:Port must name the back office's own listener")
            .Validate(o => o.ChangeLifetime > TimeSpan.Zero, "BackOffice:ChangeLifetime must be positive")
            .ValidateOnStart();
        builder.Services.AddSingleton<FailedSignIns>();

        builder.Services.AddAuthentication().AddJwtBearer(Scheme, _ => { });
        builder.Services.AddOptions<JwtBearerOptions>(Scheme).Configure<IOptions<BackOfficeOptions>>((jwt, options) =>
        {
            var backOffice = options.Value;
            // Claims keep the token's own names (sub, name, roles), not the framework's long URIs.
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters.NameClaimType = NameClaim;
            jwt.TokenValidationParameters.RoleClaimType = RolesClaim;
            jwt.TokenValidationParameters.ClockSkew = ClockSkew;
            jwt.TokenValidationParameters.RequireExpirationTime = true;
            if (backOffice.HasIssuer)
            {
                jwt.Authority = backOffice.Authority;
                jwt.Audience = backOffice.Audience;
            }
            else
            {
                jwt.TokenValidationParameters.ValidIssuer = BackOfficeOptions.DevelopmentIssuer;
                jwt.TokenValidationParameters.ValidAudience = backOffice.Audience ?? BackOfficeOptions.DevelopmentAudience;
                jwt.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(backOffice.SigningKey!));
                jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            }

            jwt.Events = new JwtBearerEvents
            {
                OnChallenge = RefuseUnknownAsync,
                OnForbidden = RefuseWrongRoleAsync,
            };
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(BackOfficeRoutes.Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
    }

    /// <summary>
    /// Missing, expired, unsigned, foreign and malformed tokens answer alike, so a caller cannot
    /// tell which it sent; each counts against its address's failed sign-ins.
    /// </summary>
    private static async Task RefuseUnknownAsync(JwtBearerChallengeContext challenge)
    {
        challenge.HandleResponse();
        var http = challenge.HttpContext;
        var services = http.RequestServices;
        await services.GetRequiredService<FailedSignIns>().CountAsync(http);
        await services.GetRequiredService<AuditTrail>().RecordRefusalAsync(AuditRecord.Of(
            http, services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime, AuditEvent.UnknownCaller, null, null,
            ContractStatus.NotAllowed));
        await ContractResults.Failure(ContractStatus.NotAllowed, StatusCodes.Status401Unauthorized,
            "operator token is missing, expired or not valid").ExecuteAsync(http);
    }

    private static async Task RefuseWrongRoleAsync(ForbiddenContext forbidden)
    {
        var http = forbidden.HttpContext;
        var services = http.RequestServices;
        var entry = AuditRecord.Of(http, services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime, AuditEvent.BackOffice,
            null, null, ContractStatus.NotAllowed);
        await services.GetRequiredService<AuditTrail>().RecordRefusalAsync(entry);
        var roles = http.GetEndpoint()?.Metadata.GetMetadata<RolesOfRoute>()?.Roles ?? [];
        await ContractResults.Failure(ContractStatus.NotAllowed, StatusCodes.Status403Forbidden,
            $"this route needs the role {string.Join(" or ", roles)}").ExecuteAsync(http);
    }
}

/// <summary>
/// Failed sign-ins per source address, counted in Redis so the budget holds across replicas.
/// An address over its budget is refused (07) before its token is even read, so guessing costs
/// the guesser time and the Api no signature checks.
/// </summary>
internal sealed class FailedSignIns(
    IConnectionMultiplexer redis, IOptions<BackOfficeOptions> options, IOptions<CallerRateLimits> limits,
    IHostEnvironment environment, ILogger<FailedSignIns> logger)
{
    // One round trip: the window starts with an address's first failure.
    private const string CountScript = """
        local failures = redis.call('INCR', KEYS[1])
        if failures == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return failures
        """;

    /// <summary>How long the address must wait, or null while it may still try.</summary>
    public async Task<TimeSpan?> RefusedForAsync(HttpContext context)
    {
        if (KeyOf(context) is not { } key)
        {
            return null;
        }

        try
        {
            var db = redis.GetDatabase();
            var failures = (long?)await db.StringGetAsync(key) ?? 0;
            return failures < options.Value.FailedSignInLimit ? null : await db.KeyTimeToLiveAsync(key) ?? options.Value.FailedSignInWindow;
        }
        catch (RedisException ex)
        {
            // Without Redis the count is unknown; signatures are still checked, so nobody gets in unseen.
            SignInLog.Uncounted(logger, ex);
            return null;
        }
    }

    public async Task CountAsync(HttpContext context)
    {
        if (KeyOf(context) is not { } key)
        {
            return;
        }

        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(CountScript, [key],
                [(long)options.Value.FailedSignInWindow.TotalMilliseconds]);
        }
        catch (RedisException ex)
        {
            SignInLog.Uncounted(logger, ex);
        }
    }

    /// <summary>Loopback is the developer's own tools in Development, as for every other budget.</summary>
    private RedisKey? KeyOf(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        var exempt = limits.Value.ExemptLoopback ?? environment.IsDevelopment();
        if (address is null || (exempt && IPAddress.IsLoopback(address)))
        {
            return null;
        }

        return new RedisKey($"back-office:failed-sign-ins:{(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address)}");
    }
}

/// <summary>Refuses, unread, back-office calls from an address that failed to sign in too often.</summary>
internal sealed class FailedSignInGate(RequestDelegate next, FailedSignIns failures, AuditTrail trail, TimeProvider clock)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!BackOfficeListener.IsBackOffice(context.Request.Path) || await failures.RefusedForAsync(context) is not { } wait)
        {
            await next(context);
            return;
        }

        await trail.RecordRefusalAsync(AuditRecord.Of(context, clock.GetUtcNow().UtcDateTime, AuditEvent.UnknownCaller, null, null,
            ContractStatus.TooManyRequests));
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await ContractResults.Failure(ContractStatus.TooManyRequests, StatusCodes.Status429TooManyRequests,
            "too many failed sign-ins from this address").ExecuteAsync(context);
    }
}

internal static partial class SignInLog
{
    [LoggerMessage(LogLevel.Warning, "Failed back-office sign-ins could not be counted: Redis did not answer")]
    public static partial void Uncounted(ILogger logger, Exception exception);
}
