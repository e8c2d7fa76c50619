using System.Diagnostics;
using System.Text.Json;
using DompetKilat.Domain.Loans;
using DompetKilat.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Domain.Notifications;

/// <summary>
/// Which notifications a loan change owes its partner (API-CONTRACT §9), and the events
/// themselves. Callers add them to the context that saves the change, so both commit together.
/// </summary>
public static class LoanEvents
{
    public const string Approved = "loan.approved";
    public const string Rejected = "loan.rejected";
    public const string Disbursed = "loan.disbursed";
    public const string Repayment = "loan.repayment";
    public const string Completed = "loan.completed";
    public const string Closed = "loan.closed";

    /// <summary>Retries go on at least this long (API-CONTRACT §9), counted from the change or from a redelivery.</summary>
    public static readonly TimeSpan RetryWindow = TimeSpan.FromHours(24);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What the loan as it was before a snapshot and as it is after owe the partner, in the order it happened.</summary>
    public static IEnumerable<string> OfSnapshot(LoanStatus statusBefore, int numberOfPayBefore, bool wasDisbursed, Loan after)
    {
        // A first snapshot may already report payments or the end of the loan: the partner still
        // hears of the disbursement first.
        if (!wasDisbursed && after.DisbursedAt is not null)
        {
            yield return Disbursed;
        }

        if (after.NumberOfPay > numberOfPayBefore)
        {
            yield return Repayment;
        }

        if (after.Status != statusBefore)
        {
            switch (after.Status)
            {
                case LoanStatus.Completed:
                    yield return Completed;
                    break;
                case LoanStatus.Closed:
                    yield return Closed;
                    break;
                case LoanStatus.Rejected:
                    yield return Rejected;
                    break;
            }
        }
    }

    /// <summary>
    /// Which of these partners can be sent events (a webhookUrl, and a secret to sign with); the
    /// others' events are recorded <see cref="PartnerEventState.Undeliverable"/>. Call it in the
    /// transaction that adds the events: it share-locks the partners it returns until that commits,
    /// so an update removing a partner's webhook waits for these events and then finds them pending
    /// (and makes them undeliverable) instead of leaving them pending for nobody. A partner whose
    /// update is in flight is read as it is after that update.
    /// </summary>
    public static async Task<HashSet<int>> ReachablePartnersAsync(LendingDbContext db, IEnumerable<int> partnerIds, CancellationToken cancellationToken)
    {
        var ids = partnerIds.Distinct().ToArray();
        var reachable = await db.Database.SqlQuery<int>($"""
            SELECT id AS "Value" FROM partners
            WHERE id = ANY({ids}) AND webhook_url IS NOT NULL AND webhook_secret IS NOT NULL
            FOR SHARE
            """).ToListAsync(cancellationToken);
        return [.. reachable];
    }

    /// <summary>
    /// A new event about the loan as it is now, joined to the current trace: pending and due at once,
    /// or undeliverable when its partner cannot be reached (<see cref="ReachablePartnersAsync"/>).
    /// </summary>
    public static PartnerEvent For(Loan loan, int partnerId, bool reachable, string type, DateTime now)
    {
        var eventId = $"evt_{Guid.CreateVersion7(now):N}";
        return new PartnerEvent
        {
            EventId = eventId,
            PartnerId = partnerId,
            LoanId = loan.Id,
            Type = type,
            Body = JsonSerializer.Serialize(new EventBody(eventId, type, now, LoanDetails.From(loan)), Json),
            State = reachable ? PartnerEventState.Pending : PartnerEventState.Undeliverable,
            NextAttemptAt = now,
            RetryUntil = now + RetryWindow,
            OccurredAt = now,
            TraceParent = Activity.Current?.Id,
        };
    }

    private sealed record EventBody(string Id, string Type, DateTime OccurredAt, LoanDetails Data);
}
