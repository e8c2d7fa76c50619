using DompetKilat.CallbackWorker.Callbacks;
using DompetKilat.Domain.Callbacks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polly;
using Polly.Retry;
using StackExchange.Redis;

namespace Microsoft.AspNetCore.Builder;

internal static class ApplicationServiceExtensions
{
    public const string RedisConnectionName = "redis";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddLendingDatabase();
        builder.AddFieldEncryption();
        // The worker does not need Redis to apply callbacks, so losing it degrades health only.
        builder.AddRedisClient(RedisConnectionName, settings => settings.DisableHealthChecks = true);
        builder.Services.AddHealthChecks().AddRedis(
            sp => sp.GetRequiredService<IConnectionMultiplexer>(), RedisConnectionName, HealthStatus.Degraded);

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
    }
}
