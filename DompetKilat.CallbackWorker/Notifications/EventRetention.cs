using DompetKilat.Lending.Data;
using Microsoft.Extensions.Options;

namespace DompetKilat.CallbackWorker.Notifications;

/// <summary>
/// Removes events past their retention (API-CONTRACT §11), with their deliveries, in small batches so
/// no statement holds many rows or runs long. Every worker replica sweeps; the outbox skips rows
/// another replica is removing, so they share the work and never repeat it.
/// </summary>
internal sealed class EventRetention(
    IServiceScopeFactory scopeFactory, IOptions<PartnerEventOptions> options, TimeProvider clock, ILogger<EventRetention> logger) : BackgroundService
{
    private const int Batch = 500;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicRounds.RunAsync(options.Value.RetentionSweep, clock, SweepAsync,
            ex => logger.LogError(ex, "Removing partner events past retention failed; the next sweep tries again"), stoppingToken);

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - options.Value.Retention;
        var removed = 0;
        int last;
        do
        {
            await using var scope = scopeFactory.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LendingDbContext>();
            last = await PartnerEventOutbox.RemoveExpiredAsync(db, cutoff, Batch, cancellationToken);
            removed += last;
        }
        while (last == Batch);

        if (removed > 0)
        {
            logger.LogInformation("Removed {Count} partner events that occurred before {Cutoff:O}", removed, cutoff);
        }
    }
}
