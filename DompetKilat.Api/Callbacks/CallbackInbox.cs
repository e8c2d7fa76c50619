using System.Diagnostics;
using DompetKilat.Lending.Callbacks;
using DompetKilat.Lending.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

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
    private const string Insert = """
        INSERT INTO loan_callbacks (transaction_id, loan_id, kind, payload, fingerprint, state, attempts, accepted_at, trace_parent)
        SELECT $1, l.id, $2, $3, $4, 0, 0, $5, $6
        FROM loans l WHERE l.loan_code = $7 AND l.loan_code <> ''
        ON CONFLICT (transaction_id) DO NOTHING
        RETURNING id
        """;

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
        // A plain command, not EF's SQL query, which builds and looks up a LINQ query on every call.
        bool inserted;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var insert = new NpgsqlCommand(Insert, (NpgsqlConnection)db.Database.GetDbConnection())
            {
                Parameters =
                {
                    new() { Value = transactionId, NpgsqlDbType = NpgsqlDbType.Varchar },
                    new() { Value = (short)kind },
                    new() { Value = payload, NpgsqlDbType = NpgsqlDbType.Jsonb },
                    new() { Value = fingerprint, NpgsqlDbType = NpgsqlDbType.Varchar },
                    new() { Value = clock.GetUtcNow().UtcDateTime },
                    new() { Value = (object?)Activity.Current?.Id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar },
                    new() { Value = body.LoanCode!, NpgsqlDbType = NpgsqlDbType.Varchar },
                },
            };
            inserted = await insert.ExecuteScalarAsync(cancellationToken) is not null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        if (inserted)
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
