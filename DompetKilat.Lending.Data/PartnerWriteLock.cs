using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace DompetKilat.Lending.Data;

/// <summary>
/// A partner's writes and the changes that can stop them (a disable, a key revoked, new terms)
/// exclude each other through one advisory lock per partner (API-CONTRACT §8: a write that began
/// before a disable commits nothing after it). Every write holds it shared until it commits and
/// checks its caller in its next statement, which sees everything committed before the lock was
/// granted; a change takes it exclusively, so it waits for the writes already admitted, and every
/// later write waits for it and then sees it. A shared advisory lock writes nothing: the share lock
/// on the partner's row this replaces stamped the same row for every write, and under concurrency
/// each stamp became a multixact.
/// </summary>
public static class PartnerWriteLock
{
    /// <summary>The lock's first key, "PART": advisory locks are one namespace for the whole database.</summary>
    private const string Namespace = "1346458196";

    /// <summary>The write's share of the lock, for <c>$1</c> the partner's id; a statement of its own, before the check.</summary>
    public const string Shared = "SELECT pg_advisory_xact_lock_shared(" + Namespace + ", $1)";

    /// <summary>
    /// Whether the partner may still write: true while enabled, false once disabled, and no row when
    /// the key it called with (<c>$2</c>, null for a keyless partner) is unknown, revoked or expired at <c>$3</c>.
    /// </summary>
    public const string Admission = """
        SELECT p.disabled_at IS NULL AS enabled FROM partners p
        WHERE p.id = $1 AND ($2::bigint IS NULL OR EXISTS (
            SELECT 1 FROM partner_keys k WHERE k.id = $2 AND k.partner_id = p.id AND (k.expires_at IS NULL OR k.expires_at > $3)))
        """;

    /// <summary>Takes the partner's lock for a change, until <paramref name="db"/>'s transaction ends.</summary>
    public static async Task TakeForChangeAsync(LendingDbContext db, int partnerId, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A partner's change takes its write lock in the transaction that saves it.");
        }

        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({int.Parse(Namespace, CultureInfo.InvariantCulture)}, {partnerId})", cancellationToken);
    }

    /// <summary>Takes the write's share and checks the caller, in <paramref name="db"/>'s transaction, for a write that goes through the change tracker.</summary>
    public static async Task<WriteAdmission> AdmitAsync(LendingDbContext db, int partnerId, long? keyId, DateTime now, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A partner's write is admitted in the transaction that saves it.");
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction)db.Database.CurrentTransaction.GetDbTransaction();
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(Shared) { Parameters = { new() { Value = partnerId } } },
                new NpgsqlBatchCommand(Admission) { Parameters = { new() { Value = partnerId }, KeyParameter(keyId), new() { Value = now } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        return Of(await reader.ReadAsync(cancellationToken) ? reader.GetBoolean(0) : null);
    }

    /// <summary>What <see cref="Admission"/> answered.</summary>
    public static WriteAdmission Of(bool? enabled) => enabled switch
    {
        true => WriteAdmission.Admitted,
        false => WriteAdmission.PartnerDisabled,
        null => WriteAdmission.KeyRefused,
    };

    /// <summary>The key a call presented, typed even when null (a keyless partner) so the statement prepares once.</summary>
    public static NpgsqlParameter KeyParameter(long? keyId) => new() { Value = keyId is { } id ? id : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint };
}

public enum WriteAdmission
{
    Admitted,
    PartnerDisabled,

    /// <summary>The key the call presented is unknown, revoked or expired.</summary>
    KeyRefused,
}
