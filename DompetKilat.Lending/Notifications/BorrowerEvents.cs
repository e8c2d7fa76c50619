using System.Text.Json;

namespace DompetKilat.Lending.Notifications;

/// <summary>Notifications about a borrower itself rather than one of its loans (API-CONTRACT §9, §12).</summary>
public static class BorrowerEvents
{
    /// <summary>The borrower's personal data was erased; the partner should erase its own copy.</summary>
    public const string Erased = "borrower.erased";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The outbox row of a raised borrower notification, as <see cref="LoanEvents.For"/> makes a loan's.</summary>
    public static PartnerEvent For(RaisedBorrowerEvent raised, int partnerId, bool reachable)
    {
        var eventId = $"evt_{Guid.CreateVersion7(raised.OccurredAt):N}";
        var body = JsonSerializer.Serialize(new EventBody(eventId, raised.Type, raised.OccurredAt, raised.Borrower), Json);
        return new PartnerEvent(eventId, partnerId, loanId: null, raised.Type, body, reachable, raised.OccurredAt, raised.TraceParent);
    }

    private sealed record EventBody(string Id, string Type, DateTime OccurredAt, ErasedBorrower Data);
}

/// <summary>A notification a borrower raised, not saved yet.</summary>
public sealed record RaisedBorrowerEvent(string Type, ErasedBorrower Borrower, DateTime OccurredAt, string? TraceParent);

/// <summary>
/// What <see cref="BorrowerEvents.Erased"/> tells the partner: the borrower by the id its
/// registration answered (no personal value: the event outlives the erasure), and its loans by code.
/// </summary>
public sealed record ErasedBorrower(long Id, DateTime ErasedAt, IReadOnlyList<string> LoanCodes);
