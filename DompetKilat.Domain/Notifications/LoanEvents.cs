using System.Diagnostics;
using System.Text.Json;
using DompetKilat.Domain.Loans;

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

    /// <summary>A new pending event about the loan as it is now, due at once, joined to the current trace.</summary>
    public static PartnerEvent For(Loan loan, int partnerId, string type, DateTime now)
    {
        var eventId = $"evt_{Guid.CreateVersion7(now):N}";
        return new PartnerEvent
        {
            EventId = eventId,
            PartnerId = partnerId,
            LoanId = loan.Id,
            Type = type,
            Body = JsonSerializer.Serialize(new EventBody(eventId, type, now, LoanDetails.From(loan)), Json),
            State = PartnerEventState.Pending,
            NextAttemptAt = now,
            RetryUntil = now + RetryWindow,
            OccurredAt = now,
            TraceParent = Activity.Current?.Id,
        };
    }

    private sealed record EventBody(string Id, string Type, DateTime OccurredAt, LoanDetails Data);
}
