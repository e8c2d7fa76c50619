namespace DompetKilat.Lending.Notifications;

/// <summary>
/// One notification owed to a partner (API-CONTRACT §9), written in the transaction of the loan
/// change it reports: the outbox. <see cref="EventId"/> is the <c>webhook-id</c> of every attempt;
/// <see cref="Body"/> is kept as the exact bytes sent, so each retry carries the same event.
/// </summary>
public sealed class PartnerEvent
{
    public long Id { get; set; }

    public required string EventId { get; set; }

    public int PartnerId { get; set; }

    public long LoanId { get; set; }

    public required string Type { get; set; }

    public required string Body { get; set; }

    public PartnerEventState State { get; set; }

    public int Attempts { get; set; }

    /// <summary>When the next attempt is due; while an attempt runs, when its claim lapses.</summary>
    public DateTime NextAttemptAt { get; set; }

    /// <summary>Retries stop after this; a redelivery starts a new window.</summary>
    public DateTime RetryUntil { get; set; }

    /// <summary>The HTTP status of the last attempt; null when it got no answer.</summary>
    public int? LastStatus { get; set; }

    /// <summary>Why the last attempt failed, without the partner's answer (never read beyond its status).</summary>
    public string? LastError { get; set; }

    public DateTime OccurredAt { get; set; }

    public DateTime? DeliveredAt { get; set; }

    /// <summary>W3C traceparent of the request or callback that made the change, so each attempt joins its trace.</summary>
    public string? TraceParent { get; set; }
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
