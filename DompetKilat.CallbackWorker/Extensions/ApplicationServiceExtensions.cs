using DompetKilat.CallbackWorker.Callbacks;
using DompetKilat.CallbackWorker.Encryption;
using DompetKilat.CallbackWorker.Notifications;
using DompetKilat.CallbackWorker.PersonalData;
using DompetKilat.Lending.Callbacks;
using DompetKilat.Lending.Data;
using DompetKilat.ServiceDefaults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polly;
using Polly.Retry;
using StackExchange.Redis;

namespace DompetKilat.CallbackWorker.Extensions;

internal static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddLendingDatabase();
        builder.AddFieldEncryption();
        // The worker does not need Redis to apply callbacks, so losing it degrades health only.
        // Redis's own I/O threads (a dedicated scheduler) spin while they wait for work: 13% of the Api's
        // CPU under registrations, on a machine whose two cores also run PostgreSQL. The shared thread
        // pool carries the few Redis calls a request makes (docs/benchmarks.md, issue 33).
        builder.AddRedisClient(ResourceNames.Redis, settings => settings.DisableHealthChecks = true,
            options => options.SocketManager = SocketManager.ThreadPool);
        builder.Services.AddHealthChecks().AddRedis(
            sp => sp.GetRequiredService<IConnectionMultiplexer>(), ResourceNames.Redis, HealthStatus.Degraded);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CallbackMetrics>();
        builder.Services.AddScoped<CallbackApplier>();
        builder.Services.AddResiliencePipeline(CallbackProcessor.ApplyPipeline, pipeline => pipeline.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 3,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            ShouldHandle = new PredicateBuilder().Handle<CallbackBatchException>(),
        }));

        builder.Services.AddSingleton<CallbackNotifications>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CallbackNotifications>());
        builder.Services.AddHostedService<CallbackProcessor>();

        builder.AddPartnerNotifications();

        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section);
        builder.Services.AddHostedService<BorrowerRetention>();

        builder.Services.AddOptions<ReferenceIntegrityOptions>().BindConfiguration(ReferenceIntegrityOptions.Section)
            .Validate(o => o.Interval > TimeSpan.Zero, "ReferenceIntegrity:Interval must be positive")
            .ValidateOnStart();
        builder.Services.AddHostedService<ReferenceIntegrityCheck>();

        builder.Services.AddOptions<MasterKeyRotationOptions>().BindConfiguration(MasterKeyRotationOptions.Section)
            .Validate(o => o.BatchSize > 0 && o.BatchPause >= TimeSpan.Zero && o.Interval > TimeSpan.Zero,
                "MasterKeyRotation needs a positive BatchSize and Interval and a BatchPause of zero or more")
            .ValidateOnStart();
        builder.Services.AddHostedService<MasterKeyRotationJob>();
    }

    /// <summary>
    /// The outbox's dispatcher, beside the callbacks whose changes it reports: the worker already
    /// owns the loan's side of the lender conversation, scales out the same way, and needs no
    /// deployment of its own.
    /// </summary>
    private static void AddPartnerNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<NotificationMetrics>();
        builder.Services.AddPartnerWebhookClient();

        builder.Services.AddSingleton<PartnerEventNotifications>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PartnerEventNotifications>());
        builder.Services.AddHostedService<EventDispatcher>();

        builder.Services.AddOptions<PartnerEventOptions>().BindConfiguration(PartnerEventOptions.Section)
            .Validate(o => o.Retention > TimeSpan.Zero && o.RetentionSweep > TimeSpan.Zero, "PartnerEvents: Retention and RetentionSweep must be positive")
            .ValidateOnStart();
        builder.Services.AddHostedService<EventRetention>();
    }
}
