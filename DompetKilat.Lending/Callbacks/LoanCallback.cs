namespace DompetKilat.Lending.Callbacks;

/// <summary>
/// One accepted callback in the durable inbox. Its <see cref="Id"/> is the acceptance order the
/// worker applies a loan's callbacks in; <see cref="TransactionId"/> is unique, which is what
/// makes a replay impossible to store twice.
/// </summary>
public sealed class LoanCallback
{
    public long Id { get; set; }

    public required string TransactionId { get; set; }

    public long LoanId { get; set; }

    public CallbackKind Kind { get; set; }

    /// <summary>The callback as accepted, in canonical JSON (what replays are compared against).</summary>
    public required string Payload { get; set; }

    /// <summary>SHA-256 of the route and canonical body: equal for a replay, different for a conflicting reuse.</summary>
    public required string Fingerprint { get; set; }

    public CallbackState State { get; set; }

    /// <summary>Why the callback was stale or parked; never personal data.</summary>
    public string? Reason { get; set; }

    public int Attempts { get; set; }

    public DateTime AcceptedAt { get; set; }

    public DateTime? ProcessedAt { get; set; }

    /// <summary>The worker replica that applied, recorded as stale or parked the callback.</summary>
    public string? ProcessedBy { get; set; }

    /// <summary>W3C traceparent of the accepting request, so the apply step joins its trace.</summary>
    public string? TraceParent { get; set; }
}

public enum CallbackKind
{
    Disbursement = 1,
    Repayment = 2,
}

public enum CallbackState
{
    Pending = 0,
    Applied = 1,
    Stale = 2,
    Parked = 3,
}
