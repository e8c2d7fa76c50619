using DompetKilat.Lending.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DompetKilat.Api.Partners;

/// <summary>
/// Keeps this replica's <see cref="PartnerRegistry"/> current: a confirmation every
/// <see cref="PartnerRegistry.ConfirmEvery"/> (which alone keeps the registry current behind a
/// pooler that drops notifications), and at once when PostgreSQL notifies a change or the back
/// office rings. Both loops are supervised: one that fails is logged and started again, never
/// silently gone, and meanwhile the registry stops being vouched for after its bound.
/// </summary>
internal sealed class PartnerRegistryListener(
    PartnerRegistry registry,
    PartnerRegistryStore store,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IConfiguration configuration,
    ILogger<PartnerRegistryListener> logger)
    : Doorbell(PartnerConfiguration.NotificationChannel, configuration, logger)
{
    private static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(1);
    private static readonly int ForgetEvery = (int)(TimeSpan.FromMinutes(1) / PartnerRegistry.ConfirmEvery);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(SuperviseAsync("notification listener", base.ExecuteAsync, stoppingToken),
                     SuperviseAsync("confirmation loop", ConfirmLoopAsync, stoppingToken));

    private async Task SuperviseAsync(string loop, Func<CancellationToken, Task> run, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await run(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                RegistryLog.LoopFailed(logger, ex, loop);
                await Task.Delay(RestartDelay, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ConfirmLoopAsync(CancellationToken stoppingToken)
    {
        var reportedStale = false;
        for (var round = 0; !stoppingToken.IsCancellationRequested; round++)
        {
            try
            {
                await ConfirmAsync(forgetDeparted: round % ForgetEvery == 0, stoppingToken);
                reportedStale = false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                RegistryLog.ConfirmationFailed(logger, ex);
            }

            // A fault, once per episode: from here on this replica refuses partner calls.
            if (registry.WhyNotCurrent() is { } reason && registry.EnforcedVersion > 0 && !reportedStale)
            {
                RegistryLog.NotCurrent(logger, reason);
                reportedStale = true;
            }

            await WaitAsync(PartnerRegistry.ConfirmEvery, stoppingToken);
        }
    }

    private async Task ConfirmAsync(bool forgetDeparted, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LendingDbContext>();
        var startedAt = clock.GetTimestamp();
        var current = await store.ConfirmAsync(db, registry.EnforcedVersion, cancellationToken);
        if (current != registry.EnforcedVersion)
        {
            try
            {
                registry.Load(await store.LoadAsync(db, clock.GetUtcNow().UtcDateTime, cancellationToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                registry.FellBehind(current);
                throw;
            }

            RegistryLog.InForce(logger, registry.EnforcedVersion, store.ReplicaId);
            startedAt = clock.GetTimestamp();
            current = await store.ConfirmAsync(db, registry.EnforcedVersion, cancellationToken);
        }

        if (current == registry.EnforcedVersion)
        {
            registry.Confirmed(startedAt);
        }
        else
        {
            // Changed again while loading: go round at once.
            Ring();
        }

        if (forgetDeparted)
        {
            await store.ForgetDepartedAsync(db, cancellationToken);
        }
    }
}

/// <summary>
/// Not ready while the registry is not vouched for: before its first load (starting up, not a
/// fault) and whenever it could not be confirmed current within its bound.
/// </summary>
internal sealed class PartnerRegistryHealthCheck(PartnerRegistry registry) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(registry.WhyNotCurrent() is { } reason ? HealthCheckResult.Unhealthy(reason) : HealthCheckResult.Healthy());
}
