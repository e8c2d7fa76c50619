using System.Diagnostics;
using DompetKilat.Domain.Callbacks;
using DompetKilat.Domain.Persistence;
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
/// replays race (API-CONTRACT §4). The worker applies what lands here.
/// </summary>
public sealed class CallbackInbox(LendingDbContext db, CallbackDeduplication deduplication, CallbackMetrics metrics, TimeProvider clock)
{
    public async Task<CallbackAcceptance> AcceptAsync(CallbackKind kind, CallbackBody body, CancellationToken cancellationToken)
    {
        var transactionId = body.TransactionId!;
        var (payload, fingerprint) = CallbackFingerprint.Of(kind, body);

        if (await deduplication.FindAsync(transactionId) is { } known)
        {
            return Replay(kind, known == fingerprint);
        }

        var loanId = await db.Loans.Where(l => l.LoanCode == body.LoanCode && l.LoanCode != "")
            .Select(l => (long?)l.Id).SingleOrDefaultAsync(cancellationToken);
        if (loanId is null)
        {
            return CallbackAcceptance.UnknownLoan;
        }

        var acceptedAt = clock.GetUtcNow().UtcDateTime;
        var traceParent = Activity.Current?.Id;
        var inserted = await db.Database.SqlQuery<long>($"""
            INSERT INTO loan_callbacks (transaction_id, loan_id, kind, payload, fingerprint, state, attempts, accepted_at, trace_parent)
            VALUES ({transactionId}, {loanId}, {(short)kind}, {payload}::jsonb, {fingerprint}, 0, 0, {acceptedAt}, {traceParent})
            ON CONFLICT (transaction_id) DO NOTHING
            RETURNING id AS "Value"
            """).ToListAsync(cancellationToken);

        if (inserted.Count == 1)
        {
            deduplication.Remember(transactionId, fingerprint);
            metrics.Accepted(kind);
            return CallbackAcceptance.Accepted;
        }

        var stored = await db.LoanCallbacks.Where(c => c.TransactionId == transactionId)
            .Select(c => c.Fingerprint).SingleAsync(cancellationToken);
        deduplication.Remember(transactionId, stored);
        return Replay(kind, stored == fingerprint);
    }

    private CallbackAcceptance Replay(CallbackKind kind, bool samePayload)
    {
        metrics.Duplicate(kind, samePayload);
        return samePayload ? CallbackAcceptance.Replayed : CallbackAcceptance.Conflict;
    }
}
