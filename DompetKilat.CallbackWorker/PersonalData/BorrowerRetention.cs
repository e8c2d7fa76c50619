using System.Diagnostics;
using DompetKilat.Lending.Audit;
using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;
using DompetKilat.Lending.Loans;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DompetKilat.CallbackWorker.PersonalData;

/// <summary>
/// How long personal data is kept when nothing needs it any more (API-CONTRACT §12). The defaults
/// are a starting point for the lender's compliance officer, not legal advice: a registration that
/// never became a loan application is kept a year, so a partner's onboarding can resume; a borrower
/// whose loans are all closed is kept five years after the last one closed, the period Indonesian
/// financial record-keeping commonly asks a lender to be able to show a loan's counterparty for.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "BorrowerRetention";

    public TimeSpan WithoutLoans { get; set; } = TimeSpan.FromDays(365);

    public TimeSpan AfterLoansClosed { get; set; } = TimeSpan.FromDays(5 * 365 + 1);

    /// <summary>How often a worker looks for borrowers due for erasure.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Erases the personal data of borrowers the retention rule no longer allows keeping, in batches.
/// One worker replica runs it at a time (a transaction-scoped advisory lock; the others skip the
/// round), and each borrower is erased under its row lock through <see cref="BorrowerErasure"/>, so
/// even a back-office erasure at the same moment erases a borrower once. Killed halfway, it loses
/// only its uncommitted batch, whose borrowers stay whole and are erased on the next round.
/// </summary>
internal sealed class BorrowerRetention(
    IServiceScopeFactory scopeFactory, IOptions<RetentionOptions> options, TimeProvider clock, ILogger<BorrowerRetention> logger) : BackgroundService
{
    /// <summary>The advisory lock naming this job; any fixed number no other lock of the database uses.</summary>
    private const long RunnerLock = 0x44_4B_52_45_54_4E; // "DKRETN"

    private const int BatchSize = 100;

    private static readonly ActivitySource ActivitySource = new(ServiceDefaults.Extensions.TelemetrySourceName);

    private static readonly int[] TerminalStatuses = [.. Enum.GetValues<LoanStatus>().Where(s => s.IsTerminal()).Select(s => (int)s)];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicRounds.RunAsync(options.Value.Interval, clock, EraseDueAsync,
            ex => logger.LogError(ex, "Retention round failed; trying again after the interval"), stoppingToken);

    private async Task EraseDueAsync(CancellationToken cancellationToken)
    {
        var erased = 0;
        (int Due, int Erased) batch;
        do
        {
            batch = await EraseDueBatchAsync(cancellationToken);
            erased += batch.Erased;
        }
        while (batch.Due == BatchSize);

        if (erased > 0)
        {
            logger.LogInformation("Retention erased the personal data of {Count} borrowers", erased);
        }
    }

    /// <summary>Erases up to a batch of due borrowers in one transaction: how many were due and how many it erased (none while another replica holds the round).</summary>
    private async Task<(int Due, int Erased)> EraseDueBatchAsync(CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity("erase borrowers due for retention");
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LendingDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.Database.SqlQuery<bool>($"""SELECT pg_try_advisory_xact_lock({RunnerLock}) AS "Value" """).SingleAsync(cancellationToken))
        {
            return (0, 0);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var (withoutLoans, afterClosed) = (now - options.Value.WithoutLoans, now - options.Value.AfterLoansClosed);
        var due = await db.Database.SqlQuery<long>($"""
            SELECT b.id AS "Value" FROM borrowers b
            WHERE b.erased_at IS NULL AND (
                (b.created_at < {withoutLoans} AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.borrower_id = b.id))
                OR (EXISTS (SELECT 1 FROM loans l WHERE l.borrower_id = b.id)
                    AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.borrower_id = b.id AND l.status <> ALL({TerminalStatuses}))
                    AND (SELECT max(l.updated_at) FROM loans l WHERE l.borrower_id = b.id) < {afterClosed}))
            ORDER BY b.id
            LIMIT {BatchSize}
            FOR UPDATE OF b SKIP LOCKED
            """).ToListAsync(cancellationToken);

        var erased = 0;
        foreach (var borrowerId in due)
        {
            if (await BorrowerErasure.EraseAsync(db, borrowerId, now, cancellationToken) is { Outcome: ErasureOutcome.Erased })
            {
                db.AuditEvents.Add(new AuditEvent
                {
                    OccurredAt = now, Actor = AuditEvent.Retention, Action = "retention: erase borrower", Outcome = "00",
                    BorrowerId = borrowerId, TraceId = Activity.Current?.TraceId.ToString(),
                });
                erased++;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (due.Count, erased);
    }
}
