using DompetKilat.Lending.Callbacks;
using DompetKilat.Lending.Data;
using Polly;
using Polly.Registry;

namespace DompetKilat.CallbackWorker.Callbacks;

/// <summary>
/// Drains the callback inbox: wakes on the inbox's notification (or a periodic sweep), claims a
/// batch of loans, applies their callbacks in one transaction, and repeats until nothing is
/// pending, in two lanes. A batch that keeps failing is split loan by loan, and a loan that still
/// fails has its oldest callback parked, so one bad callback never stalls the rest.
/// </summary>
internal sealed class CallbackProcessor(
    IServiceScopeFactory scopeFactory,
    CallbackNotifications notifications,
    ResiliencePipelineProvider<string> pipelines,
    ILogger<CallbackProcessor> logger) : BackgroundService
{
    public const string ApplyPipeline = "callback-apply";

    /// <summary>Loans per transaction: large enough to amortise the commit, small enough to keep locks short.</summary>
    private const int BatchSize = 100;

    /// <summary>
    /// Callbacks per transaction. A worker that fell behind finds many callbacks waiting on each
    /// loan, each carrying the loan's whole payment history; without a bound a batch held all of
    /// them at once, so a long enough outage would have grown it past any memory limit.
    /// </summary>
    private const int MaxCallbacksPerBatch = 250;

    /// <summary>
    /// And the characters of their payloads: 250 callbacks of the largest size the contract allows
    /// (256 KiB) would hold more than 100 MB as text alone, and a worker killed for its memory would
    /// restart into the same batch. Ordinary callbacks never reach this; a batch always takes its
    /// oldest callback, however large.
    /// </summary>
    private const int MaxPayloadCharsPerBatch = 4 * 1024 * 1024;

    /// <summary>
    /// Batches applied side by side: while one waits on PostgreSQL's round trips another applies.
    /// Each claims loans the others have not locked, as another replica's would.
    /// </summary>
    private const int Lanes = 2;

    private static readonly TimeSpan Sweep = TimeSpan.FromSeconds(2);

    private int caughtUp;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Lanes).Select(_ => DrainAsync(stoppingToken)));

    private async Task DrainAsync(CancellationToken stoppingToken)
    {
        var pipeline = pipelines.GetPipeline(ApplyPipeline);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await ProcessBatchAsync(pipeline, stoppingToken) == 0)
                {
                    if (Interlocked.Exchange(ref caughtUp, 1) == 0)
                    {
                        logger.LogInformation("Callback worker caught up with the inbox; applying callbacks as they arrive");
                    }

                    await notifications.WaitAsync(Sweep, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database is unreachable or the whole batch could not be split: wait, then sweep again.
                logger.LogError(ex, "Callback batch failed; retrying after the next sweep interval");
                await Task.Delay(Sweep, stoppingToken);
            }
        }
    }

    private async Task<int> ProcessBatchAsync(ResiliencePipeline pipeline, CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(token => ApplyInTransactionAsync(loanId: null, token), cancellationToken);
        }
        catch (CallbackBatchException batch)
        {
            logger.LogWarning(batch.InnerException, "A batch of {LoanCount} loans kept failing; applying them one by one", batch.Loans.Count);
            var processed = 0;
            foreach (var loanId in batch.Loans)
            {
                processed += await ProcessLoanAsync(pipeline, loanId, cancellationToken);
            }

            return processed;
        }
    }

    private async Task<int> ProcessLoanAsync(ResiliencePipeline pipeline, long loanId, CancellationToken cancellationToken)
    {
        var attempts = 0;
        try
        {
            return await pipeline.ExecuteAsync(token =>
            {
                attempts++;
                return ApplyInTransactionAsync(loanId, token);
            }, cancellationToken);
        }
        catch (CallbackBatchException failed)
        {
            await using var scope = scopeFactory.CreateAsyncScope();
            var applier = scope.ServiceProvider.GetRequiredService<CallbackApplier>();
            var parked = await applier.ParkHeadAsync(loanId, failed.InnerException!, attempts, cancellationToken);
            if (parked is null)
            {
                return 0;
            }

            logger.LogError(failed.InnerException, "Parked callback {CallbackId} of loan {LoanId} after {Attempts} attempts", parked.Id, loanId, attempts);
            applier.Record([parked]);
            return 1;
        }
    }

    /// <summary>
    /// One transaction: lock the given loan, or a fresh batch of loans when none is given, apply
    /// their pending callbacks, commit. A failure names the locked loans so the batch can be split.
    /// </summary>
    private async ValueTask<int> ApplyInTransactionAsync(long? loanId, CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LendingDbContext>();
        var applier = scope.ServiceProvider.GetRequiredService<CallbackApplier>();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var locked = loanId is { } id
            ? await applier.ClaimLoanAsync(id, cancellationToken)
            : await applier.ClaimLoansAsync(BatchSize, cancellationToken);
        if (locked.Count == 0)
        {
            return 0;
        }

        List<LoanCallback> processed;
        try
        {
            processed = await applier.ApplyAsync(locked, MaxCallbacksPerBatch, MaxPayloadCharsPerBatch, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new CallbackBatchException(locked, ex);
        }

        applier.Record(processed);
        return processed.Count;
    }
}

/// <summary>Applying the callbacks of these loans failed; nothing of it was committed.</summary>
internal sealed class CallbackBatchException(IReadOnlyList<long> loans, Exception inner)
    : Exception("applying the callbacks of a batch of loans failed", inner)
{
    public IReadOnlyList<long> Loans { get; } = loans;
}
