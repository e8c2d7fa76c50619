using System.Security.Cryptography;
using DompetKilat.Lending.Data.PersonalData;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace DompetKilat.Lending.Data;

/// <summary>
/// Rotating a master key: what another master key sealed is moved under the active one. That is
/// every borrower's wrapped data key, unwrapped with its key and wrapped again, a batch of rows per
/// transaction; the personal data sealed under a data key is never read or rewritten, so a rotation
/// costs two small columns per row whatever the rows hold. And partners' webhook secrets, which a
/// master key seals directly (<see cref="FieldProtector"/>): a few values, opened and sealed again.
/// </summary>
public static class MasterKeyRotation
{
    /// <summary>Every table holding a wrapped copy of a borrower's data key.</summary>
    public static readonly IReadOnlyList<string> Tables = [BorrowerColumns.Table, BorrowerColumns.DocumentsTable];

    /// <summary>Each table's statements, its name written in from <see cref="Tables"/> and nowhere else.</summary>
    private static readonly Dictionary<string, (string Select, string Update)> Statements = Tables.ToDictionary(
        table => table,
        table => ($"""
            SELECT id, data_key, data_key_id FROM {table}
            WHERE data_key_id <> @active AND data_key IS NOT NULL AND id > @after
            ORDER BY id
            LIMIT @size
            FOR NO KEY UPDATE SKIP LOCKED
            """,
            $"""
            UPDATE {table} AS t SET data_key = r.data_key, data_key_id = @active
            FROM unnest(@ids, @keys) AS r(id, data_key)
            WHERE t.id = r.id
            """));

    /// <summary>
    /// Rewraps up to <paramref name="size"/> rows of <paramref name="table"/> past id
    /// <paramref name="after"/> that are not under the active master key, in one transaction.
    /// Rows are taken by id (a pass is one walk along the primary key) and locked with
    /// <c>SKIP LOCKED</c>: replicas rotating at once share the rows instead of rewrapping one twice
    /// or waiting on each other, and a replica killed mid-batch leaves its rows under their old
    /// key, where every replica still opens them. An erased borrower has no data key to rewrap.
    /// The lock is <c>NO KEY UPDATE</c> (the key is not changed): every profile read inserts an
    /// audit entry whose foreign key share-locks the borrower's key, and a full row lock would skip
    /// each borrower being read at that moment, to be caught only by another pass.
    /// </summary>
    public static async Task<RewrapBatch> RewrapDataKeysAsync(
        LendingDbContext db, MasterKeys masterKeys, string table, long after, int size, CancellationToken cancellationToken)
    {
        var active = masterKeys.ActiveKeyId;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var rows = await db.Database.SqlQueryRaw<WrappedDataKey>(Statements[table].Select,
            new NpgsqlParameter("active", active), new NpgsqlParameter("after", after), new NpgsqlParameter("size", size))
            .ToListAsync(cancellationToken);

        var ids = new List<long>(rows.Count);
        var rewrapped = new List<byte[]>(rows.Count);
        var unreadable = new List<long>();
        foreach (var row in rows)
        {
            var address = new RowAddress(table, row.Id);
            try
            {
                rewrapped.Add(masterKeys.Rewrap(row.DataKey, row.DataKeyId, address));
                ids.Add(row.Id);
            }
            catch (PersonalDataUnreadableException)
            {
                // Left as it is, under the key that wrapped it: the caller reports it, and the
                // figures keep counting it under that key, so that key is not retired with it.
                unreadable.Add(row.Id);
            }
        }

        if (ids.Count > 0)
        {
            await db.Database.ExecuteSqlRawAsync(Statements[table].Update,
                [
                    new NpgsqlParameter("active", active),
                    new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = ids.ToArray() },
                    new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = rewrapped.ToArray() },
                ],
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new RewrapBatch(rows.Count, ids.Count, rows.Count == 0 ? after : rows[^1].Id, unreadable);
    }

    /// <summary>
    /// Seals again under the active master key every partner's webhook secret (and the one being
    /// rotated out) that another key sealed, in one transaction; partners are few. It waits for a
    /// partner's row rather than skip it: every partner call share-locks its partner for a moment, so
    /// a busy partner would be skipped pass after pass. A replica that waited for another's reseal
    /// finds the row no longer matching. Returns the partners whose secrets could not be opened with
    /// any configured key, left as they are.
    /// </summary>
    public static async Task<IReadOnlyList<int>> ResealPartnerSecretsAsync(
        LendingDbContext db, FieldProtector protector, MasterKeys masterKeys, CancellationToken cancellationToken)
    {
        var active = masterKeys.ActiveKeyId;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var partners = await db.Database.SqlQuery<PartnerSecrets>($"""
            SELECT id, webhook_secret, previous_webhook_secret FROM partners
            WHERE split_part(webhook_secret, ':', 3) <> {active} OR split_part(previous_webhook_secret, ':', 3) <> {active}
            ORDER BY id
            FOR NO KEY UPDATE
            """).ToListAsync(cancellationToken);

        var resealed = new List<PartnerSecrets>(partners.Count);
        var unreadable = new List<int>();
        foreach (var partner in partners)
        {
            try
            {
                resealed.Add(new PartnerSecrets(partner.Id, Reseal(partner.WebhookSecret), Reseal(partner.PreviousWebhookSecret)));
            }
            catch (CryptographicException)
            {
                unreadable.Add(partner.Id);
            }
        }

        if (resealed.Count > 0)
        {
            int[] ids = [.. resealed.Select(p => p.Id)];
            string?[] secrets = [.. resealed.Select(p => p.WebhookSecret)];
            string?[] previous = [.. resealed.Select(p => p.PreviousWebhookSecret)];
            await db.Database.ExecuteSqlAsync($"""
                UPDATE partners AS p SET webhook_secret = r.webhook_secret, previous_webhook_secret = r.previous_webhook_secret
                FROM unnest({ids}, {secrets}, {previous}) AS r(id, webhook_secret, previous_webhook_secret)
                WHERE p.id = r.id
                """, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return unreadable;

        string? Reseal(string? stored) => stored is null ? null : protector.Protect(protector.Unprotect(stored));
    }

    /// <summary>
    /// How many values each master key seals directly, over every table: borrowers' wrapped data keys
    /// and partners' webhook secrets. A master key can leave the configuration once it seals none.
    /// Every configured key is listed, if only with 0. One pass over each table's rows, without their
    /// sealed personal values.
    /// </summary>
    public static async Task<MasterKeyCounts> CountAsync(LendingDbContext db, MasterKeys masterKeys, CancellationToken cancellationToken)
    {
        var counted = await db.Database.SqlQuery<MasterKeyCount>($"""
            SELECT key_id, count(*) AS count FROM (
                SELECT data_key_id AS key_id FROM borrowers WHERE data_key IS NOT NULL
                UNION ALL
                SELECT data_key_id FROM borrower_documents
                UNION ALL
                SELECT split_part(secret, ':', 3) FROM partners
                CROSS JOIN LATERAL (VALUES (webhook_secret), (previous_webhook_secret)) AS s(secret)
                WHERE secret IS NOT NULL) sealed
            GROUP BY key_id
            """).ToListAsync(cancellationToken);
        var byMasterKey = masterKeys.KeyIds.ToDictionary(id => id, _ => 0L, StringComparer.Ordinal);
        foreach (var count in counted)
        {
            byMasterKey[count.KeyId] = count.Count;
        }

        return new MasterKeyCounts(masterKeys.ActiveKeyId, byMasterKey,
            byMasterKey.Where(k => k.Key != masterKeys.ActiveKeyId).Sum(k => k.Value));
    }

    private sealed record WrappedDataKey(long Id, byte[]? DataKey, string? DataKeyId);

    private sealed record PartnerSecrets(int Id, string? WebhookSecret, string? PreviousWebhookSecret);

    private sealed record MasterKeyCount(string KeyId, long Count);
}

/// <summary>
/// One batch: how many rows it took, how many it rewrapped, the id to continue after, and the rows
/// whose data key could not be unwrapped (their master key is not configured, or the value is damaged).
/// </summary>
public sealed record RewrapBatch(int Taken, int Rewrapped, long LastId, IReadOnlyList<long> Unreadable);

/// <summary>The values each master key seals (wrapped data keys, partners' webhook secrets), and how many are not yet under the active one.</summary>
public sealed record MasterKeyCounts(string ActiveKey, IReadOnlyDictionary<string, long> ByMasterKey, long AwaitingRotation);
