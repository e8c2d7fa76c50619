using DompetKilat.Api.Admin;
using DompetKilat.Api.Audit;
using DompetKilat.Api.Callbacks;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Security;
using DompetKilat.Lending.Callbacks;
using DompetKilat.Lending.Data;
using DompetKilat.ServiceDefaults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace DompetKilat.Api.Extensions;

internal static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddLendingDatabase();
        builder.AddFieldEncryption();
        builder.Services.AddSingleton<LendingIds>();
        builder.Services.AddScoped<BorrowerRegistration>();
        // Redis only speeds up replay answers and wakes the workers, so losing it degrades health instead of failing it.
        // Redis's own I/O threads (a dedicated scheduler) spin while they wait for work: 13% of the Api's
        // CPU under registrations, on a machine whose two cores also run PostgreSQL. The shared thread
        // pool carries the few Redis calls a request makes (docs/benchmarks.md, issue 33).
        builder.AddRedisClient(ResourceNames.Redis, settings => settings.DisableHealthChecks = true,
            options => options.SocketManager = SocketManager.ThreadPool);
        builder.Services.AddHealthChecks().AddRedis(
            sp => sp.GetRequiredService<IConnectionMultiplexer>(), ResourceNames.Redis, HealthStatus.Degraded);
        builder.Services.AddSingleton<CallbackMetrics>();
        builder.Services.AddSingleton<CallbackDeduplication>();
        builder.Services.AddSingleton<CallbackDoorbell>();
        builder.Services.AddScoped<CallbackInbox>();
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddHostedService<AuditTrailWriter>();
        builder.Services.AddScoped<AuditRecord>();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<PartnerEventOptions>().BindConfiguration(PartnerEventOptions.Section)
            .Validate(o => o.Retention > TimeSpan.Zero, "PartnerEvents:Retention must be positive")
            .ValidateOnStart();
        builder.Services.AddPartnerContract();

        builder.AddCallerSecurity();
        builder.AddOperatorAuthentication();
    }
}
