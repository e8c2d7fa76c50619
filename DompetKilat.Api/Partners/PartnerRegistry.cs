using DompetKilat.Domain.Partners;
using DompetKilat.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DompetKilat.Api.Partners;

/// <summary>
/// This replica's copy of the partner registry and the active products. Callers are identified
/// and their products resolved against it on every request without a database round trip; it is
/// reloaded whole whenever any replica changes the registry or anyone changes a product
/// (PostgreSQL notifies every listener when the change commits), so a disabled partner, a revoked
/// key or a retired product stops working everywhere within moments.
/// </summary>
public sealed class PartnerRegistry
{
    private volatile PartnerDirectory? current;

    /// <summary>The registry as last loaded; null until the first load, when no partner can be identified.</summary>
    public PartnerDirectory? Current => current;

    public async Task ReloadAsync(LendingDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        // Expired keys are left out; a key that expires later is checked against the clock on each request.
        var partners = await db.Partners.AsNoTracking()
            .Include(p => p.Keys.Where(k => k.ExpiresAt == null || k.ExpiresAt > now))
            .AsSplitQuery()
            .ToListAsync(cancellationToken);
        var activeProducts = await db.Products.AsNoTracking().Where(p => p.IsActive).ToDictionaryAsync(p => p.Code, p => p.Id, cancellationToken);
        current = new PartnerDirectory(partners, activeProducts);
    }
}

/// <summary>Reloads the registry when it changes, and after every reconnect, in case a change went unheard.</summary>
internal sealed class PartnerRegistryListener(
    PartnerRegistry registry,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IConfiguration configuration,
    ILogger<PartnerRegistryListener> logger)
    : Doorbell(PartnerConfiguration.NotificationChannel, configuration, logger)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(base.ExecuteAsync(stoppingToken), ReloadLoopAsync(stoppingToken));

    private async Task ReloadLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WaitAsync(Timeout.InfiniteTimeSpan, stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                await registry.ReloadAsync(scope.ServiceProvider.GetRequiredService<LendingDbContext>(), clock.GetUtcNow().UtcDateTime, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
            {
                logger.LogWarning(ex, "Could not reload the partner registry; retrying");
                Ring();
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }
}

/// <summary>Not ready until the registry is loaded: before that, no partner could be identified.</summary>
internal sealed class PartnerRegistryHealthCheck(PartnerRegistry registry) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(registry.Current is null
            ? HealthCheckResult.Unhealthy("the partner registry is not loaded yet")
            : HealthCheckResult.Healthy());
}
