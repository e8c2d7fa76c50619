using System.Text.Json;
using DompetKilat.Lending.Notifications;

namespace DompetKilat.Api.Events;

/// <summary>A page of the partner's events, oldest first; <c>hasMore</c> says whether to ask again after the last one.</summary>
public sealed record EventPage(IReadOnlyList<EventBody> Events, bool HasMore);

/// <summary>
/// An event exactly as its deliveries carry it (API-CONTRACT §9): its <c>id</c> is their <c>webhook-id</c>,
/// and <c>data</c> is what the change reported (the loan as <c>GET /v1/loan/{loanCode}</c> showed it then).
/// </summary>
public sealed record EventBody(string Id, string Type, DateTime OccurredAt, JsonElement Data)
{
    private static readonly JsonSerializerOptions Stored = new(JsonSerializerDefaults.Web);

    public static EventBody From(PartnerEvent e) => JsonSerializer.Deserialize<EventBody>(e.Body, Stored)
        ?? throw new InvalidOperationException($"event {e.EventId} has no body");
}

/// <summary>
/// One event with where it stands (<c>pending</c>, <c>delivered</c>, <c>failed</c> or <c>undeliverable</c>)
/// and every attempt to deliver it, oldest first.
/// </summary>
public sealed record EventDetails(string Id, string Type, DateTime OccurredAt, JsonElement Data, string State, IReadOnlyList<EventDelivery> Deliveries)
{
    public static EventDetails From(PartnerEvent e, IEnumerable<PartnerEventDelivery> deliveries)
    {
        var body = EventBody.From(e);
        return new EventDetails(body.Id, body.Type, body.OccurredAt, body.Data, StateName(e.State), [.. deliveries.Select(EventDelivery.From)]);
    }

    public static string StateName(PartnerEventState state) => state.ToString().ToLowerInvariant();
}

/// <summary>One attempt: when it started, the HTTP status the endpoint answered (null when it gave none) or why not, and how long it took. Never the answer's body.</summary>
public sealed record EventDelivery(DateTime AttemptedAt, int? Status, string? Error, int DurationMs)
{
    public static EventDelivery From(PartnerEventDelivery d) => new(d.AttemptedAt, d.Status, d.Error, d.DurationMs);
}

/// <summary>What a redelivery did: the event is <c>pending</c>, on its way again.</summary>
public sealed record RedeliveredEvent(string Id, string State);
