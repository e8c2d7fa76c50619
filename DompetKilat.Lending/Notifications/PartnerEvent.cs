namespace DompetKilat.Lending.Notifications;

/// <summary>
/// One notification owed to a partner (API-CONTRACT §9), written in the transaction of the loan or
/// borrower change it reports: the outbox. <see cref="EventId"/> is the <c>webhook-id</c> of every attempt;
/// <see cref="Body"/> is kept as the exact bytes sent, so each retry carries the same event. Once
/// stored, its state changes only through the outbox (PartnerEventOutbox in the persistence library).
/// </summary>
public sealed class PartnerEvent
{
    /// <summary>An event enqueued with the change it reports: due at once, retried for <see cref="LoanEvents.RetryWindow"/>.</summary>
    public PartnerEvent(string eventId, int partnerId, long? loanId, string type, string body, bool reachable, DateTime occurredAt, string? traceParent)
    {
        EventId = eventId;
        PartnerId = partnerId;
        LoanId = loanId;
        Type = type;
        Body = body;
        State = reachable ? PartnerEventState.Pending : PartnerEventState.Undeliverable;
        NextAttemptAt = occurredAt;
        RetryUntil = occurredAt + LoanEvents.RetryWindow;
        OccurredAt = occurredAt;
        TraceParent = traceParent;
    }

    /// <summary>For EF Core, which reads stored events back.</summary>
    private PartnerEvent()
    {
        EventId = Type = Body = "";
    }

    public long Id { get; private set; }

    public string EventId { get; private set; }

    public int PartnerId { get; private set; }

    /// <summary>The loan it reports on; a loan's events are delivered in order. None for a borrower's own events.</summary>
    public long? LoanId { get; private set; }

    public string Type { get; private set; }

    public string Body { get; private set; }

    public PartnerEventState State { get; private set; }

    public int Attempts { get; private set; }

    /// <summary>When the next attempt is due; while an attempt runs, when its claim lapses.</summary>
    public DateTime NextAttemptAt { get; private set; }

    /// <summary>Retries stop after this; a redelivery starts a new window.</summary>
    public DateTime RetryUntil { get; private set; }

    /// <summary>The HTTP status of the last attempt; null when it got no answer.</summary>
    public int? LastStatus { get; private set; }

    /// <summary>Why the last attempt failed, without the partner's answer (never read beyond its status).</summary>
    public string? LastError { get; private set; }

    public DateTime OccurredAt { get; private set; }

    /// <summary>
    /// When the row was written, by the database's clock (set by the database). Partners page by it:
    /// unlike the id, it can be bounded by the start of the oldest transaction still writing, so a
    /// page never passes an event that commits later.
    /// </summary>
    public DateTime RecordedAt { get; private set; }

    public DateTime? DeliveredAt { get; private set; }

    /// <summary>W3C traceparent of the request or callback that made the change, so each attempt joins its trace.</summary>
    public string? TraceParent { get; private set; }
}

/// <summary>Where an event stands; the admin routes show each as its lower-case name.</summary>
public enum PartnerEventState
{
    /// <summary>Waiting for its next attempt (or in one).</summary>
    Pending = 0,

    /// <summary>The partner answered 2xx.</summary>
    Delivered = 1,

    /// <summary>Given up on: the partner answered 410 Gone, or retries ran out.</summary>
    Failed = 2,

    /// <summary>
    /// Never attempted: its partner had no webhookUrl (or no secret to sign with) when the change
    /// happened, or lost it while the event waited. Only an operator's redelivery sends it, so a
    /// partner that sets a webhookUrl later is not flooded with a backlog it never asked for.
    /// </summary>
    Undeliverable = 3,
}
