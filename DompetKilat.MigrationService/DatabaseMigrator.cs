using System.Diagnostics;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Partners;
using DompetKilat.ServiceDefaults;
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
            var done = mode == MigrationMode.Wait
                ? await WaitForSchemaAsync(db, stoppingToken)
                : await MigrateAsync(db, stoppingToken);
            if (!done)
            {
                Environment.ExitCode = 1;
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

    /// <returns>False, with the reason logged, when the database cannot be brought up to date.</returns>
    private async Task<bool> MigrateAsync(LendingDbContext db, CancellationToken stoppingToken)
    {
        if (await PendingMigrationsAsync(db, stoppingToken) is not { } pending)
        {
            return false;
        }

        logger.LogInformation("Applying {Count} pending migrations", pending.Count);

        // Retries ride out the seconds in which PostgreSQL accepts connections but still recovers.
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(() => db.Database.MigrateAsync(stoppingToken));
        if (configuration["ServiceLogin:Name"] is { Length: > 0 } login)
        {
            await EnsureServiceLoginAsync(db, login, configuration["ServiceLogin:Password"], stoppingToken);
        }

        if (environment.IsDevelopment())
        {
            await EnsureLocalPartnerAsync(db, stoppingToken);
        }

        logger.LogInformation("Database schema is up to date");
        return true;
    }

    /// <summary>
    /// The migrations this build has yet to apply, or null, with the reason logged, for a database
    /// made before development's migrations were squashed into one before the first release: its
    /// history holds ids this build does not know and not this build's first, so applying would fail
    /// on the first table that already exists. Nothing was released, so no such database holds data
    /// worth converting.
    /// </summary>
    private async Task<List<string>?> PendingMigrationsAsync(LendingDbContext db, CancellationToken cancellationToken)
    {
        var known = db.Database.GetMigrations().ToList();
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        var unknown = applied.Except(known).ToList();
        if (unknown.Count > 0 && known.Count > 0 && !applied.Contains(known[0]))
        {
            logger.LogCritical(
                "The database's migration history holds {Count} migrations this build does not know, the newest {Migration}: the migrations were squashed into one ({Initial}) before the first release, and a database made before that cannot be upgraded. Recreate it: stop the AppHost and delete the local data in .data/ (README), or drop the database elsewhere, then start again",
                unknown.Count, unknown.Max(StringComparer.Ordinal), known[0]);
            return null;
        }

        return known.Except(applied).ToList();
    }

    /// <summary>
    /// The login the Api and the worker connect with: a member of the service role and of nothing
    /// else, so it can append to the audit trail but never change it, not even after
    /// <c>RESET ROLE</c>, and cannot take the owner's role. Where the deployment creates the login
    /// itself (docs/deploy.md) this only checks it; here, with a password given, it is created or
    /// its password set, which needs CREATEROLE (the AppHost's migrations run as the superuser).
    /// </summary>
    private async Task EnsureServiceLoginAsync(LendingDbContext db, string login, string? password, CancellationToken cancellationToken)
    {
        if (password is { Length: > 0 })
        {
            var exists = await db.Database.SqlQuery<bool>($"SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {login}) AS \"Value\"")
                .SingleAsync(cancellationToken);
            var verb = exists ? "ALTER" : "CREATE";
            await ExecuteFormattedAsync(db, $"{verb} ROLE %I WITH LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L",
                [login, password], cancellationToken);
            await ExecuteFormattedAsync(db, $"GRANT {LendingDatabaseExtensions.ServiceRole} TO %I", [login], cancellationToken);
        }

        var owner = await db.Database.SqlQuery<string>($"SELECT tableowner::text AS \"Value\" FROM pg_tables WHERE schemaname = 'public' AND tablename = 'audit_events'")
            .SingleAsync(cancellationToken);
        var unsafeLogin = await db.Database.SqlQuery<bool>($"""
            SELECT r.rolsuper OR pg_has_role(r.oid, {owner}::name, 'MEMBER') OR NOT pg_has_role(r.oid, {LendingDatabaseExtensions.ServiceRole}::name, 'MEMBER') AS "Value"
            FROM pg_roles r WHERE r.rolname = {login}
            """).SingleAsync(cancellationToken);
        if (unsafeLogin)
        {
            throw new InvalidOperationException(
                $"The services' login {login} must be a member of {LendingDatabaseExtensions.ServiceRole}, and neither a superuser nor a member of the schema's owner {owner}.");
        }

        logger.LogInformation("The services connect as {Login}, which may append to the audit trail but not change it", login);
    }

    /// <summary>Role statements take no parameters: PostgreSQL's format() quotes the names and the password instead.</summary>
    private static async Task ExecuteFormattedAsync(LendingDbContext db, string template, string[] arguments, CancellationToken cancellationToken)
    {
        var statement = arguments.Length == 1
            ? await db.Database.SqlQuery<string>($"SELECT format({template}, {arguments[0]}) AS \"Value\"").SingleAsync(cancellationToken)
            : await db.Database.SqlQuery<string>($"SELECT format({template}, {arguments[0]}, {arguments[1]}) AS \"Value\"").SingleAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync(statement, cancellationToken);
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
            local.NotifyAt(sandboxUrl, sandboxSecret, clock.GetUtcNow().UtcDateTime);
            logger.LogInformation("Partner {PartnerCode} notifies the partner sandbox at {WebhookUrl}", Partner.LocalCode, sandboxUrl);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Polls until this build's migrations are all applied. An unreachable database is waited out
    /// too: the pod starting is what a deployment sees, not a crash loop with growing back-off.
    /// </summary>
    /// <returns>False, with the reason logged, when the database can never be brought up to date.</returns>
    private async Task<bool> WaitForSchemaAsync(LendingDbContext db, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                if (await PendingMigrationsAsync(db, stoppingToken) is not { } pending)
                {
                    return false;
                }

                if (pending.Count == 0)
                {
                    logger.LogInformation("Database schema is up to date");
                    return true;
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
