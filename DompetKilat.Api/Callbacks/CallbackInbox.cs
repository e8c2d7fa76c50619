using System.Diagnostics;
using DompetKilat.Lending.Callbacks;
using DompetKilat.Lending.Data;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Api.Callbacks;

public enum CallbackAcceptance
{
    Accepted,
    Replayed,
    Conflict,
    UnknownLoan,
}

/// <summary>
/// Accepts a callback into the durable inbox. It answers only after PostgreSQL committed the row,
/// and the unique key on <c>transaction_id</c> makes a second copy impossible however many
/// replays race (API-CONTRACT §4). The worker applies what lands here, woken by the doorbell.
/// </summary>
public sealed class CallbackInbox(
    LendingDbContext db, CallbackDeduplication deduplication, CallbackDoorbell doorbell, CallbackMetrics metrics, TimeProvider clock)
{
    public async Task<CallbackAcceptance> AcceptAsync(CallbackKind kind, CallbackBody body, CancellationToken cancellationToken)
    {
        var transactionId = body.TransactionId!;
        var (payload, fingerprint) = CallbackFingerprint.Of(kind, body);

        if (await deduplication.FindAsync(transactionId) is { } known)
        {
            return Replay(kind, known == fingerprint);
        }

        // The loan lookup rides in the insert: one round trip for the common case, a new callback
        // for a known loan. No row back means a replay that raced past Redis, or an unknown loan.
        var acceptedAt = clock.GetUtcNow().UtcDateTime;
        var traceParent = Activity.Current?.Id;
        var inserted = await db.Database.SqlQuery<long>($"""
            INSERT INTO loan_callbacks (transaction_id, loan_id, kind, payload, fingerprint, state, attempts, accepted_at, trace_parent)
            SELECT {transactionId}, l.id, {(short)kind}, {payload}::jsonb, {fingerprint}, 0, 0, {acceptedAt}, {traceParent}
            FROM loans l WHERE l.loan_code = {body.LoanCode} AND l.loan_code <> ''
            ON CONFLICT (transaction_id) DO NOTHING
            RETURNING id AS "Value"
            """).ToListAsync(cancellationToken);

        if (inserted.Count == 1)
        {
            doorbell.Ring();
            deduplication.Remember(transactionId, fingerprint);
            metrics.Accepted(kind);
            return CallbackAcceptance.Accepted;
        }

        var stored = await db.LoanCallbacks.Where(c => c.TransactionId == transactionId)
            .Select(c => c.Fingerprint).SingleOrDefaultAsync(cancellationToken);
        if (stored is null)
        {
            return CallbackAcceptance.UnknownLoan;
        }

        deduplication.Remember(transactionId, stored);
        return Replay(kind, stored == fingerprint);
    }

    private CallbackAcceptance Replay(CallbackKind kind, bool samePayload)
    {
        metrics.Duplicate(kind, samePayload);
        return samePayload ? CallbackAcceptance.Replayed : CallbackAcceptance.Conflict;
    }
}
