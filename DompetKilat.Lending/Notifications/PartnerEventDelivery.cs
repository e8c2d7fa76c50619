namespace DompetKilat.Lending.Notifications;

/// <summary>
/// One attempt at delivering a <see cref="PartnerEvent"/>, as the partner may see it (API-CONTRACT §11):
/// when it started, the HTTP status its endpoint answered or why there was no answer, and how long it
/// took. The answer's body is never read, so it is never kept. Written only by the outbox when it
/// records the attempt; removed with its event.
/// </summary>
public sealed class PartnerEventDelivery
{
    /// <summary>For EF Core, which reads stored attempts back; the outbox writes them.</summary>
    private PartnerEventDelivery()
    {
    }

    public long Id { get; private set; }

    /// <summary>The outbox row's key (<see cref="PartnerEvent.Id"/>), not its <c>evt_</c> id.</summary>
    public long PartnerEventId { get; private set; }

    public DateTime AttemptedAt { get; private set; }

    /// <summary>The HTTP status the partner answered; null when it gave none.</summary>
    public int? Status { get; private set; }

    /// <summary>Why there was no 2xx answer, in our words (never the partner's).</summary>
    public string? Error { get; private set; }

    public int DurationMs { get; private set; }
}
