using System.Threading.Channels;
using DompetKilat.Domain.Audit;
using DompetKilat.Domain.Persistence;

namespace DompetKilat.Api.Audit;

/// <summary>
/// Audit entries of reads (and refused writes, which change nothing), appended in batches off the
/// request path, so a profile read costs no extra round trip. Bounded: when the database falls
/// behind, requests wait for room rather than entries being dropped. An entry still queued when
/// the process crashes is lost; a change's own entry never is, because it commits with the change.
/// </summary>
public sealed class AuditTrail
{
    private readonly Channel<AuditEvent> queue = Channel.CreateBounded<AuditEvent>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    internal ChannelReader<AuditEvent> Pending => queue.Reader;

    public ValueTask AppendAsync(AuditEvent entry, CancellationToken cancellationToken) =>
        queue.Writer.TryWrite(entry) ? ValueTask.CompletedTask : queue.Writer.WriteAsync(entry, cancellationToken);

    internal void Close() => queue.Writer.TryComplete();
}

/// <summary>Drains the audit queue into PostgreSQL, a batch per insert, and flushes what is left on shutdown.</summary>
internal sealed class AuditTrailWriter(AuditTrail trail, IServiceScopeFactory scopes, ILogger<AuditTrailWriter> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the first entry of a batch waits for company. Written as soon as it arrived, each
    /// insert carried a handful of reads and cost a transaction and a WAL flush of its own: under
    /// load PostgreSQL spent more on the reads' audit entries than on the reads.
    /// </summary>
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(50);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditEvent>(BatchSize);
        // The loop ends when the queue is closed and empty, not on the stopping token, so shutdown flushes.
        while (await trail.Pending.WaitToReadAsync(CancellationToken.None))
        {
            // While shutting down, what is queued is written at once.
            if (trail.Pending.Count < BatchSize && !stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(Gather, CancellationToken.None);
            }

            while (batch.Count < BatchSize && trail.Pending.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            await WriteAsync(batch, stoppingToken);
            batch.Clear();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        trail.Close();
        await base.StopAsync(cancellationToken);
    }

    private async Task WriteAsync(List<AuditEvent> batch, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<LendingDbContext>();
                db.AuditEvents.AddRange(batch);
                await db.SaveChangesAsync(CancellationToken.None);
                return;
            }
            catch (Microsoft.EntityFrameworkCore.DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException refusal && IsPermanent(refusal))
            {
                if (batch.Count == 1)
                {
                    AuditLog.SetAside(logger, ex, batch[0].Actor, batch[0].Action, refusal.SqlState);
                    return;
                }

                // One entry PostgreSQL will never take must not hold back the others: each goes alone.
                foreach (var entry in batch)
                {
                    await WriteAsync([entry], stoppingToken);
                }

                return;
            }
            catch (Exception ex) when (ex is Microsoft.EntityFrameworkCore.DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(ex, "Shutting down with {Count} audit entries of reads unwritten", batch.Count);
                    return;
                }

                logger.LogWarning(ex, "Could not append {Count} audit entries; retrying", batch.Count);
                await Task.Delay(RetryDelay, CancellationToken.None);
            }
        }
    }

    /// <summary>The entry itself is refused (a constraint or its data), so retrying it can never succeed.</summary>
    private static bool IsPermanent(Npgsql.PostgresException refusal) =>
        refusal.SqlState.StartsWith("23", StringComparison.Ordinal) || refusal.SqlState.StartsWith("22", StringComparison.Ordinal);
}

internal static partial class AuditLog
{
    /// <summary>A fault: the trail misses this entry. It names who and what, never whose data.</summary>
    [LoggerMessage(LogLevel.Error, "Audit entry of {Actor} for {Action} refused by the database ({SqlState}); set aside so later entries are written")]
    public static partial void SetAside(ILogger logger, Exception exception, string actor, string action, string sqlState);
}
