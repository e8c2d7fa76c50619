namespace DompetKilat.Domain.Notifications;

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

public enum PartnerEventState
{
    Pending = 0,
    Delivered = 1,
    Failed = 2,
}
