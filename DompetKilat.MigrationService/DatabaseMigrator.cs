using System.Diagnostics;
using DompetKilat.Domain.Partners;
using DompetKilat.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.MigrationService;

/// <summary>
/// Brings the schema up to date once, then stops. The AppHost starts the Api and the
/// CallbackWorker only after this finished successfully, so no replica ever races a
/// migration or serves against an old schema.
/// </summary>
internal sealed class DatabaseMigrator(
    IServiceProvider serviceProvider,
    IHostApplicationLifetime lifetime,
    IHostEnvironment environment,
    TimeProvider clock,
    ILogger<DatabaseMigrator> logger) : BackgroundService
{
    private static readonly ActivitySource ActivitySource = new(Extensions.TelemetrySourceName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var activity = ActivitySource.StartActivity("Migrate database", ActivityKind.Client);
        try
        {
            await using var scope = serviceProvider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LendingDbContext>();

            var pending = (await db.Database.GetPendingMigrationsAsync(stoppingToken)).ToList();
            logger.LogInformation("Applying {Count} pending migrations", pending.Count);

            // Retries ride out the seconds in which PostgreSQL accepts connections but still recovers.
            var strategy = db.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(() => db.Database.MigrateAsync(stoppingToken));
            if (environment.IsDevelopment())
            {
                await EnsureLocalPartnerAsync(db, stoppingToken);
            }

            logger.LogInformation("Database schema is up to date");
        }
        catch (Exception ex)
        {
            activity?.AddException(ex);
            logger.LogCritical(ex, "Database migration failed");
            Environment.ExitCode = 1;
        }

        lifetime.StopApplication();
    }

    /// <summary>
    /// Development's built-in keyless partner for loopback callers (API-CONTRACT §8), so the
    /// partner reference's curl examples run unchanged. Its key is never shown: it needs none.
    /// </summary>
    private async Task EnsureLocalPartnerAsync(LendingDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Partners.AnyAsync(p => p.Code == Partner.LocalCode, cancellationToken))
        {
            return;
        }

        var (local, _) = Partner.Register(Partner.LocalCode, "Local development", ["127.0.0.0/8", "::1"], ["95"],
            webhookUrl: null, keyless: true, clock.GetUtcNow().UtcDateTime);
        db.Partners.Add(local);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Registered the built-in partner {PartnerCode} for loopback callers", Partner.LocalCode);
    }
}
