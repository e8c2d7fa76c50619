using System.Text.Json;
using DompetKilat.Lending.Loans;

namespace DompetKilat.Lending.Notifications;

/// <summary>
/// Which notifications a loan change owes its partner (API-CONTRACT §9), and the outbox rows that
/// carry them; the loan raises them, and the outbox saves them in the change's own transaction.
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
    /// The outbox row of a raised notification: pending and due at once, or undeliverable when its
    /// partner cannot be reached (no webhookUrl, or no secret to sign with).
    /// </summary>
    public static PartnerEvent For(long loanId, RaisedLoanEvent raised, int partnerId, bool reachable)
    {
        var eventId = $"evt_{Guid.CreateVersion7(raised.OccurredAt):N}";
        var body = JsonSerializer.Serialize(new EventBody(eventId, raised.Type, raised.OccurredAt, raised.Loan), Json);
        return new PartnerEvent(eventId, partnerId, loanId, raised.Type, body, reachable, raised.OccurredAt, raised.TraceParent);
    }

    private sealed record EventBody(string Id, string Type, DateTime OccurredAt, LoanDetails Data);
}
