using System.Diagnostics;
using DompetKilat.Lending.Callbacks;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Loans;
using DompetKilat.Lending.Notifications;
using DompetKilat.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DompetKilat.CallbackWorker.Callbacks;

/// <summary>
/// Applies pending callbacks, a batch of loans at a time, each loan's callbacks in acceptance
/// order. The loan rows are locked with <c>FOR NO KEY UPDATE SKIP LOCKED</c>, so any number of
/// worker replicas share the work without two touching one loan; the callbacks' new states commit
/// in the same transaction as the loans, so a crash at any instant leaves each callback either
/// applied with its loan or still pending, never half of it. Applying never changes a loan's key,
/// so the lock leaves the key share that every new row naming the loan takes: the Api accepts the
/// loan's next callback while a batch holding it waits on the database.
/// </summary>
internal sealed class CallbackApplier(LendingDbContext db, CallbackMetrics metrics, TimeProvider clock)
{
    private static readonly ActivitySource ActivitySource = new(ServiceDefaults.Extensions.TelemetrySourceName);

    /// <summary>Names this replica in the inbox, so operators can tell which one handled a callback.</summary>
    private static readonly string Replica = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>
    /// Locks up to <paramref name="maxLoans"/> loans with pending callbacks, those waiting longest
    /// first, skipping loans another replica holds. Must run inside a transaction.
    /// </summary>
    public async Task<List<long>> ClaimLoansAsync(int maxLoans, CancellationToken cancellationToken) =>
        await db.Database.SqlQuery<long>($"""
            SELECT l.id AS "Value" FROM loans l
            WHERE l.id IN (SELECT c.loan_id FROM loan_callbacks c WHERE c.state = 0 ORDER BY c.id LIMIT {maxLoans * 4})
            LIMIT {maxLoans}
            FOR NO KEY UPDATE OF l SKIP LOCKED
            """).ToListAsync(cancellationToken);

    /// <summary>Locks one loan, unless another replica holds it. Must run inside a transaction.</summary>
    public async Task<List<long>> ClaimLoanAsync(long loanId, CancellationToken cancellationToken) =>
        await db.Database.SqlQuery<long>($"""
            SELECT id AS "Value" FROM loans WHERE id = {loanId} FOR NO KEY UPDATE SKIP LOCKED
            """).ToListAsync(cancellationToken);

    /// <summary>
    /// Applies the oldest pending callbacks of the given (locked) loans, at most
    /// <paramref name="maxCallbacks"/> and no more once their payloads reach
    /// <paramref name="maxPayloadChars"/>, and saves; returns them. Taken in acceptance order across
    /// the loans, so what is taken of each loan is always its oldest, and the rest wait for the next batch.
    /// </summary>
    public async Task<List<LoanCallback>> ApplyAsync(IReadOnlyList<long> loanIds, int maxCallbacks, long maxPayloadChars, CancellationToken cancellationToken)
    {
        var callbacks = new List<LoanCallback>();
        var payloadChars = 0L;
        await foreach (var callback in db.LoanCallbacks
            .Where(c => c.State == CallbackState.Pending && loanIds.Contains(c.LoanId))
            .OrderBy(c => c.Id)
            .Take(maxCallbacks)
            .AsAsyncEnumerable()
            .WithCancellation(cancellationToken))
        {
            callbacks.Add(callback);
            payloadChars += callback.Payload.Length;
            if (payloadChars >= maxPayloadChars)
            {
                break;
            }
        }

        // Each loan carries its whole payment history too, so only the loans this batch took
        // callbacks of are loaded; the others stay locked until the commit and wait for the next.
        var applying = callbacks.Select(c => c.LoanId).Distinct().ToList();
        var loans = await db.Loans.Where(l => applying.Contains(l.Id)).ToDictionaryAsync(l => l.Id, cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var callback in callbacks)
        {
            using var activity = StartApplyActivity(callback);
            // What the step raises is saved with it below, so the partner hears of exactly the changes that commit.
            var step = loans[callback.LoanId].Apply(CallbackFingerprint.Read(callback.Payload).ToSnapshot(), callback.AcceptedAt, now);
            callback.Record(step, Replica, now);
            activity?.SetTag("dompetkilat.callback.outcome", callback.State.ToString());
        }

        await db.SaveChangesAsync(cancellationToken);
        return callbacks;
    }

    public void Record(IEnumerable<LoanCallback> processed)
    {
        foreach (var callback in processed)
        {
            metrics.Processed(callback.Kind, callback.State, callback.ProcessedAt!.Value - callback.AcceptedAt);
        }
    }

    /// <summary>
    /// Sets aside the oldest pending callback of a loan that failed every retry, with the reason,
    /// so the loan's later callbacks can move on and an operator can look at it.
    /// </summary>
    public async Task<LoanCallback?> ParkHeadAsync(long loanId, Exception failure, int attempts, CancellationToken cancellationToken)
    {
        var head = await db.LoanCallbacks
            .Where(c => c.LoanId == loanId && c.State == CallbackState.Pending)
            .OrderBy(c => c.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (head is null)
        {
            return null;
        }

        head.Park(Describe(failure), attempts, Replica, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        return head;
    }

    /// <summary>What went wrong, without values: database messages can quote the data that broke them.</summary>
    private static string Describe(Exception failure) => failure switch
    {
        InvalidCallbackException invalid => invalid.Message,
        PostgresException postgres => $"database refused the update ({postgres.SqlState}{(postgres.ConstraintName is { } c ? $", {c}" : "")})",
        _ => $"{failure.GetType().Name} while applying",
    };

    /// <summary>The apply step joins the trace of the request that accepted the callback.</summary>
    private static Activity? StartApplyActivity(LoanCallback callback)
    {
        ActivityContext.TryParse(callback.TraceParent, null, out var accepted);
        var activity = ActivitySource.StartActivity("apply callback", ActivityKind.Consumer, accepted);
        activity?.SetTag("dompetkilat.callback.id", callback.Id);
        activity?.SetTag("dompetkilat.callback.kind", callback.Kind.ToString());
        activity?.SetTag("dompetkilat.loan.id", callback.LoanId);
        return activity;
    }
}
