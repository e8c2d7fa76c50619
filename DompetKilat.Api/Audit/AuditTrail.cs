using System.Threading.Channels;
using DompetKilat.Lending.Audit;
using DompetKilat.Lending.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace DompetKilat.Api.Audit;

/// <summary>
/// Audit entries of reads and refusals, committed together: every entry waits in a queue, writers
/// take whatever has gathered and commit it in one statement, and each caller is released when
/// the batch holding its entry is durable (API-CONTRACT §8: an answer carrying personal data
/// leaves only once its entry is). So a read costs a share of one commit, not one of its own,
/// and a replica killed at any moment has answered nothing its trail does not hold. A change's
/// own entry does not come here: it commits with the change.
/// </summary>
public sealed class AuditTrail
{
    private readonly Channel<PendingEntry> queue = Channel.CreateBounded<PendingEntry>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait });

    internal ChannelReader<PendingEntry> Pending => queue.Reader;

    /// <summary>Completes once <paramref name="entry"/> is committed; throws <see cref="AuditUnavailableException"/> when it could not be.</summary>
    public async Task AppendAsync(AuditEvent entry, CancellationToken cancellationToken)
    {
        var pending = new PendingEntry(entry);
        if (!queue.Writer.TryWrite(pending))
        {
            await queue.Writer.WriteAsync(pending, cancellationToken);
        }

        await pending.Durable.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Records a refusal (05, 07) before it is answered. A refusal carries no personal data, so
    /// one the trail cannot take is still answered; the writer has logged the fault.
    /// </summary>
    public async Task RecordRefusalAsync(AuditEvent entry) =>
        await AppendAsync(entry, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    internal void Close() => queue.Writer.TryComplete();
}

internal sealed class PendingEntry(AuditEvent entry)
{
    public AuditEvent Entry { get; } = entry;

    public TaskCompletionSource Durable { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The trail could not take an entry, so what it records must not be answered.</summary>
public sealed class AuditUnavailableException(string message, Exception innerException) : Exception(message, innerException);

/// <summary>
/// Commits queued entries in batches, one at a time: while a batch commits the next gathers, so
/// under load each commit carries every entry that arrived during the previous one, and when idle
/// an entry is written the moment it arrives. A second writer halved the batches and doubled the
/// commits, each a WAL flush and a transaction PostgreSQL pays for on every read (issue 33).
/// </summary>
internal sealed class AuditTrailWriter(AuditTrail trail, IServiceScopeFactory scopes, ILogger<AuditTrailWriter> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private const string Copy = $"COPY audit_events ({AuditEntrySql.Columns}) FROM STDIN (FORMAT BINARY)";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Run(WriteLoopAsync, CancellationToken.None);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        trail.Close();
        await base.StopAsync(cancellationToken);
    }

    // The loop ends when the queue is closed and empty, not on the stopping token, so shutdown writes what is queued.
    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingEntry>(BatchSize);
        while (await trail.Pending.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < BatchSize && trail.Pending.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            if (batch.Count > 0)
            {
                await WriteAsync(batch);
                batch.Clear();
            }
        }
    }

    private async Task WriteAsync(List<PendingEntry> batch)
    {
        try
        {
            await CopyAsync(batch);
            batch.ForEach(p => p.Durable.TrySetResult());
        }
        catch (PostgresException refusal) when (IsPermanent(refusal) && batch.Count > 1)
        {
            // One entry PostgreSQL will never take must not fail the others: each goes alone.
            foreach (var entry in batch)
            {
                await WriteAsync([entry]);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            if (batch.Count == 1 && ex is PostgresException permanent && IsPermanent(permanent))
            {
                AuditLog.Refused(logger, ex, batch[0].Entry.Actor, batch[0].Entry.Action, permanent.SqlState);
            }
            else
            {
                AuditLog.Unwritten(logger, ex, batch.Count);
            }

            var failure = new AuditUnavailableException("the audit trail could not record this call", ex);
            batch.ForEach(p => p.Durable.TrySetException(failure));
        }
    }

    /// <summary>One COPY: a single statement and commit for the whole batch, however large.</summary>
    private async Task CopyAsync(List<PendingEntry> batch)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LendingDbContext>();
        await db.Database.OpenConnectionAsync();
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var importer = await connection.BeginBinaryImportAsync(Copy);
            foreach (var entry in batch.Select(p => p.Entry))
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(entry.OccurredAt, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync(entry.Actor, NpgsqlDbType.Varchar);
                await WriteNullableAsync(importer, entry.PartnerId, NpgsqlDbType.Integer);
                await importer.WriteAsync(entry.Action, NpgsqlDbType.Varchar);
                await importer.WriteAsync(entry.Outcome, NpgsqlDbType.Varchar);
                await WriteNullableAsync(importer, entry.BorrowerId, NpgsqlDbType.Bigint);
                await WriteNullableAsync(importer, entry.LoanId, NpgsqlDbType.Bigint);
                await WriteNullableAsync(importer, entry.Subject, NpgsqlDbType.Varchar);
                await WriteNullableAsync(importer, entry.TraceId, NpgsqlDbType.Varchar);
                await WriteNullableAsync(importer, entry.SourceAddress, NpgsqlDbType.Varchar);
                await WriteNullableAsync(importer, entry.KeyId, NpgsqlDbType.Bigint);
                await WriteNullableAsync(importer, entry.OperatorSubject, NpgsqlDbType.Varchar);
                await WriteNullableAsync(importer, entry.OperatorName, NpgsqlDbType.Varchar);
                await WriteNullableAsync(importer, entry.ChangeId, NpgsqlDbType.Uuid);
            }

            await importer.CompleteAsync();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type) where T : struct =>
        value is { } present ? importer.WriteAsync(present, type) : importer.WriteNullAsync();

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type) =>
        value is not null ? importer.WriteAsync(value, type) : importer.WriteNullAsync();

    /// <summary>The entry itself is refused (a constraint or its data), so retrying it can never succeed.</summary>
    private static bool IsPermanent(PostgresException refusal) =>
        refusal.SqlState.StartsWith("23", StringComparison.Ordinal) || refusal.SqlState.StartsWith("22", StringComparison.Ordinal);
}

internal static partial class AuditLog
{
    /// <summary>A fault: the trail misses this entry, so its call was answered 99. It names who and what, never whose data.</summary>
    [LoggerMessage(LogLevel.Error, "Audit entry of {Actor} for {Action} refused by the database ({SqlState}); its call is answered 99")]
    public static partial void Refused(ILogger logger, Exception exception, string actor, string action, string sqlState);

    [LoggerMessage(LogLevel.Error, "Could not write {Count} audit entries; their calls are answered 99")]
    public static partial void Unwritten(ILogger logger, Exception exception, int count);
}
