using DompetKilat.Lending.Loans;

namespace DompetKilat.Lending.Callbacks;

/// <summary>
/// One accepted callback in the durable inbox. Its <see cref="Id"/> is the acceptance order the
/// worker applies a loan's callbacks in; <see cref="TransactionId"/> is unique, which is what
/// makes a replay impossible to store twice. Accepted pending, it becomes applied or stale when
/// the worker applies it, parked when every retry failed, and pending again when an operator
/// retries a parked one; its state changes only here.
/// </summary>
public sealed class LoanCallback
{
    /// <summary>Callbacks are accepted by the inbox's own insert (which settles replays in the same statement); EF Core reads them back.</summary>
    private LoanCallback()
    {
        TransactionId = Payload = Fingerprint = "";
    }

    public long Id { get; private set; }

    public string TransactionId { get; private set; }

    public long LoanId { get; private set; }

    public CallbackKind Kind { get; private set; }

    /// <summary>The callback as accepted, in canonical JSON (what replays are compared against).</summary>
    public string Payload { get; private set; }

    /// <summary>SHA-256 of the route and canonical body: equal for a replay, different for a conflicting reuse.</summary>
    public string Fingerprint { get; private set; }

    public CallbackState State { get; private set; }

    /// <summary>Why the callback was stale or parked; never personal data.</summary>
    public string? Reason { get; private set; }

    public int Attempts { get; private set; }

    public DateTime AcceptedAt { get; private set; }

    public DateTime? ProcessedAt { get; private set; }

    /// <summary>The worker replica that applied, recorded as stale or parked the callback.</summary>
    public string? ProcessedBy { get; private set; }

    /// <summary>W3C traceparent of the accepting request, so the apply step joins its trace.</summary>
    public string? TraceParent { get; private set; }

    /// <summary>The callback's loan took (or, being stale, did not take) its snapshot.</summary>
    public void Record(LifecycleStep step, string replica, DateTime now)
    {
        State = step.Outcome == LifecycleOutcome.Done ? CallbackState.Applied : CallbackState.Stale;
        Reason = step.Reason;
        Attempts++;
        ProcessedAt = now;
        ProcessedBy = replica;
    }

    /// <summary>An operator retries a parked callback: pending again, applied in its turn. False unless it is parked.</summary>
    public bool Requeue()
    {
        if (State != CallbackState.Parked)
        {
            return false;
        }

        State = CallbackState.Pending;
        ProcessedAt = null;
        return true;
    }

    /// <summary>Set aside after <paramref name="attempts"/> failed tries, so the loan's later callbacks can move on.</summary>
    public void Park(string reason, int attempts, string replica, DateTime now)
    {
        State = CallbackState.Parked;
        Reason = reason;
        Attempts += attempts;
        ProcessedAt = now;
        ProcessedBy = replica;
    }
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
