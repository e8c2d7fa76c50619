using System.Data;
using DompetKilat.Lending.Partners;
using DompetKilat.Lending.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace DompetKilat.Api.Partners;

/// <summary>
/// The registry as the database holds it, and what each replica reports it enforces. Triggers on
/// partners, keys and products raise <c>partner_registry.version</c> in the changing transaction;
/// each replica writes the version it enforces to <c>partner_registry_replicas</c> on every
/// confirmation, so the back office can wait until every live replica enforces its change.
/// </summary>
public sealed class PartnerRegistryStore(ILogger<PartnerRegistryStore> logger)
{
    /// <summary>
    /// A replica that confirmed within this long may still be serving. It is longer than
    /// <see cref="PartnerRegistry.StaleAfter"/>, after which a replica refuses partner calls by
    /// itself, so a replica that stopped confirming has stopped serving before it stops counting.
    /// </summary>
    public static readonly TimeSpan LiveWindow = TimeSpan.FromSeconds(5);

    /// <summary>Names this process in <c>partner_registry_replicas</c> and in the back office's errors.</summary>
    public string ReplicaId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>
    /// Reports <paramref name="enforcedVersion"/> for this replica (0 while loading: a replica
    /// announces itself before it reads the registry, so a change committed meanwhile is waited
    /// for) and answers the registry's current version.
    /// </summary>
    public async Task<long> ConfirmAsync(LendingDbContext db, long enforcedVersion, CancellationToken cancellationToken) =>
        await ScalarAsync(db, """
            INSERT INTO partner_registry_replicas (replica, version, confirmed_at) VALUES (@replica, @version, now())
            ON CONFLICT (replica) DO UPDATE SET version = excluded.version, confirmed_at = excluded.confirmed_at
            RETURNING (SELECT version FROM partner_registry)
            """, cancellationToken, ("replica", ReplicaId), ("version", enforcedVersion));

    public async Task<long> CurrentVersionAsync(LendingDbContext db, CancellationToken cancellationToken) =>
        await ScalarAsync(db, "SELECT version FROM partner_registry", cancellationToken);

    /// <summary>The live replicas that do not enforce <paramref name="version"/> yet.</summary>
    public async Task<IReadOnlyList<string>> LaggingAsync(LendingDbContext db, long version, CancellationToken cancellationToken) =>
        await db.Database.SqlQuery<string>($"""
            SELECT replica AS "Value" FROM partner_registry_replicas
            WHERE version < {version} AND confirmed_at > now() - {LiveWindow}
            ORDER BY replica
            """).ToListAsync(cancellationToken);

    /// <summary>Forgets replicas gone for an hour, so the table holds the live ones and recent history only.</summary>
    public async Task ForgetDepartedAsync(LendingDbContext db, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"DELETE FROM partner_registry_replicas WHERE confirmed_at < now() - interval '1 hour'", cancellationToken);

    /// <summary>
    /// Everything identification needs, and nothing more: no webhook secret is read, so a secret
    /// under a key this replica lacks cannot stop the reload. One snapshot, so the version is
    /// exactly the rows read. A partner whose stored terms cannot be read is left out and logged.
    /// </summary>
    public async Task<PartnerDirectory> LoadAsync(LendingDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var version = await CurrentVersionAsync(db, cancellationToken);
        // Expired keys are left out; a key that expires later is checked against the clock on each request.
        var keys = (await db.Set<PartnerKey>().AsNoTracking()
                .Where(k => k.ExpiresAt == null || k.ExpiresAt > now)
                .Select(k => new { k.PartnerId, Terms = new PartnerKeyTerms(k.Id, k.KeyHash, k.ExpiresAt) })
                .ToListAsync(cancellationToken))
            .ToLookup(k => k.PartnerId, k => k.Terms);
        var partners = (await db.Partners.AsNoTracking()
                .Select(p => new { p.Id, p.Code, p.IsKeyless, IsDisabled = p.DisabledAt != null, p.AllowList, p.ProductCodes })
                .ToListAsync(cancellationToken))
            .Select(p => new PartnerTerms(p.Id, p.Code, p.IsKeyless, p.IsDisabled, p.AllowList, p.ProductCodes, [.. keys[p.Id]]));
        var activeProducts = await db.Products.AsNoTracking().Where(p => p.IsActive).ToDictionaryAsync(p => p.Code, p => p.Id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new PartnerDirectory(partners, activeProducts, version,
            (partner, ex) => RegistryLog.UnreadablePartner(logger, ex, partner.Code, partner.Id));
    }

    private static async Task<long> ScalarAsync(
        LendingDbContext db, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection());
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

internal static partial class RegistryLog
{
    [LoggerMessage(LogLevel.Error, "Partner {PartnerCode} (id {PartnerId}) has stored terms this version cannot read; it is left out of the registry and its calls are refused")]
    public static partial void UnreadablePartner(ILogger logger, Exception exception, string partnerCode, int partnerId);

    [LoggerMessage(LogLevel.Error, "Partner calls are refused on this replica: {Reason}")]
    public static partial void NotCurrent(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Information, "Partner registry version {Version} in force on this replica ({ReplicaId})")]
    public static partial void InForce(ILogger logger, long version, string replicaId);

    [LoggerMessage(LogLevel.Warning, "Could not confirm the partner registry; retrying")]
    public static partial void ConfirmationFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Error, "The partner registry's {Loop} stopped unexpectedly; restarting it")]
    public static partial void LoopFailed(ILogger logger, Exception exception, string loop);
}
