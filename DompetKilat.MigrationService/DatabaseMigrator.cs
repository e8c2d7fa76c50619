using System.Diagnostics;
using DompetKilat.Domain.Partners;
using DompetKilat.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.MigrationService;

/// <summary>What the migration service does: apply the migrations, or wait until someone else has.</summary>
internal enum MigrationMode
{
    /// <summary>Brings the schema up to date, then exits. The AppHost's migration resource, Kubernetes' migration Job.</summary>
    Apply,

    /// <summary>
    /// Changes nothing; exits once no migration is pending. Kubernetes runs this as an init container
    /// of every Api and worker pod, so a replica starts only after the release's migration Job finished.
    /// </summary>
    Wait,
}

/// <summary>
/// Brings the schema up to date once, then stops. The AppHost starts the Api and the
/// CallbackWorker only after this finished successfully, so no replica ever races a
/// migration or serves against an old schema.
/// </summary>
internal sealed class DatabaseMigrator(
    IServiceProvider serviceProvider,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    IHostEnvironment environment,
    TimeProvider clock,
    ILogger<DatabaseMigrator> logger) : BackgroundService
{
    private static readonly ActivitySource ActivitySource = new(Extensions.TelemetrySourceName);
    private static readonly TimeSpan WaitPoll = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var mode = configuration.GetValue("Migrations:Mode", MigrationMode.Apply);
        using var activity = ActivitySource.StartActivity(mode == MigrationMode.Apply ? "Migrate database" : "Wait for database schema", ActivityKind.Client);
        try
        {
            await using var scope = serviceProvider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LendingDbContext>();
            if (mode == MigrationMode.Wait)
            {
                await WaitForSchemaAsync(db, stoppingToken);
            }
            else
            {
                await MigrateAsync(db, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Environment.ExitCode = 1;
        }
        catch (Exception ex)
        {
            activity?.AddException(ex);
            logger.LogCritical(ex, "Database migration failed");
            Environment.ExitCode = 1;
        }

        lifetime.StopApplication();
    }

    private async Task MigrateAsync(LendingDbContext db, CancellationToken stoppingToken)
    {
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

    /// <summary>
    /// Development's built-in keyless partner for loopback callers (API-CONTRACT §8), so the
    /// partner reference's curl examples run unchanged. Its key is never shown: it needs none.
    /// </summary>
    private async Task EnsureLocalPartnerAsync(LendingDbContext db, CancellationToken cancellationToken)
    {
        var local = await db.Partners.SingleOrDefaultAsync(p => p.Code == Partner.LocalCode, cancellationToken);
        if (local is null)
        {
            (local, _) = Partner.Register(Partner.LocalCode, "Local development", ["127.0.0.0/8", "::1"], ["95"],
                webhookUrl: null, keyless: true, clock.GetUtcNow().UtcDateTime);
            db.Partners.Add(local);
            logger.LogInformation("Registered the built-in partner {PartnerCode} for loopback callers", Partner.LocalCode);
        }

        // The AppHost's partner sandbox listens where it was given a port this run, and verifies
        // with the development secret it was given: LOCAL follows both.
        var sandboxUrl = configuration["Sandbox:WebhookUrl"];
        var sandboxSecret = configuration["Sandbox:WebhookSecret"];
        if (sandboxUrl is not null && sandboxSecret is not null
            && (local.WebhookUrl != sandboxUrl || local.WebhookSecret != sandboxSecret))
        {
            local.WebhookUrl = sandboxUrl;
            local.WebhookSecret = sandboxSecret;
            local.PreviousWebhookSecret = null;
            local.PreviousWebhookSecretExpiresAt = null;
            local.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            logger.LogInformation("Partner {PartnerCode} notifies the partner sandbox at {WebhookUrl}", Partner.LocalCode, sandboxUrl);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Polls until this build's migrations are all applied. An unreachable database is waited out
    /// too: the pod starting is what a deployment sees, not a crash loop with growing back-off.
    /// </summary>
    private async Task WaitForSchemaAsync(LendingDbContext db, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                var pending = (await db.Database.GetPendingMigrationsAsync(stoppingToken)).ToList();
                if (pending.Count == 0)
                {
                    logger.LogInformation("Database schema is up to date");
                    return;
                }

                logger.LogInformation("Waiting for the migration job: {Count} migrations pending, the newest {Migration}", pending.Count, pending[^1]);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                logger.LogWarning(ex, "Database not reachable yet; waiting");
            }

            await Task.Delay(WaitPoll, stoppingToken);
        }
    }
}
