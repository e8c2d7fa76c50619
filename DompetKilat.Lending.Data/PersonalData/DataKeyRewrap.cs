using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace DompetKilat.Lending.Data.PersonalData;

/// <summary>
/// Rotating a master key: every wrapped data key that another master key wrapped is unwrapped with
/// that key and wrapped again with the active one, a batch of rows per transaction. The personal
/// data sealed under a data key is never read or rewritten, so a rotation costs two small columns
/// per row whatever the rows hold.
/// </summary>
public static class DataKeyRewrap
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
            FOR UPDATE SKIP LOCKED
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
    /// </summary>
    public static async Task<RewrapBatch> RewrapNextAsync(
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
    /// How many wrapped data keys each master key holds, over both tables: a master key can be
    /// removed from configuration once it holds none. Every configured key is listed, if only with 0.
    /// One pass over each table's rows, without their sealed values.
    /// </summary>
    public static async Task<DataKeyCounts> CountAsync(LendingDbContext db, MasterKeys masterKeys, CancellationToken cancellationToken)
    {
        var counted = await db.Database.SqlQuery<MasterKeyCount>($"""
            SELECT data_key_id AS key_id, count(*) AS count FROM (
                SELECT data_key_id FROM borrowers WHERE data_key IS NOT NULL
                UNION ALL
                SELECT data_key_id FROM borrower_documents) wrapped
            GROUP BY data_key_id
            """).ToListAsync(cancellationToken);
        var byMasterKey = masterKeys.KeyIds.ToDictionary(id => id, _ => 0L, StringComparer.Ordinal);
        foreach (var count in counted)
        {
            byMasterKey[count.KeyId] = count.Count;
        }

        return new DataKeyCounts(masterKeys.ActiveKeyId, byMasterKey,
            byMasterKey.Where(k => k.Key != masterKeys.ActiveKeyId).Sum(k => k.Value));
    }

    private sealed record WrappedDataKey(long Id, byte[]? DataKey, string? DataKeyId);

    private sealed record MasterKeyCount(string KeyId, long Count);
}

/// <summary>
/// One batch: how many rows it took, how many it rewrapped, the id to continue after, and the rows
/// whose data key could not be unwrapped (their master key is not configured, or the value is damaged).
/// </summary>
public sealed record RewrapBatch(int Taken, int Rewrapped, long LastId, IReadOnlyList<long> Unreadable);

/// <summary>The wrapped data keys under each master key, and how many are not yet under the active one.</summary>
public sealed record DataKeyCounts(string ActiveKey, IReadOnlyDictionary<string, long> ByMasterKey, long AwaitingRewrap);
