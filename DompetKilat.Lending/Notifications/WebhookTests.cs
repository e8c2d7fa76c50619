using System.Text.Json;

namespace DompetKilat.Lending.Notifications;

/// <summary>
/// The event a partner asks for to check its receiver and its signature code without a loan
/// (API-CONTRACT §11): delivered, retried and listed like every other event.
/// </summary>
public static class WebhookTests
{
    public const string Test = "webhook.test";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static PartnerEvent For(int partnerId, string partnerCode, bool reachable, DateTime occurredAt, string? traceParent)
    {
        var eventId = $"evt_{Guid.CreateVersion7(occurredAt):N}";
        var body = JsonSerializer.Serialize(new EventBody(eventId, Test, occurredAt, new TestData(partnerCode)), Json);
        return new PartnerEvent(eventId, partnerId, loanId: null, Test, body, reachable, occurredAt, traceParent);
    }

    private sealed record EventBody(string Id, string Type, DateTime OccurredAt, TestData Data);

    /// <summary>Names the partner it was sent to, and nothing else: there is no loan or borrower behind it.</summary>
    private sealed record TestData(string PartnerCode);
}

/// <summary>Every event type a partner can be sent, so a filter naming another is refused rather than matching nothing.</summary>
public static class PartnerEventTypes
{
    public static readonly IReadOnlyList<string> All =
    [
        LoanEvents.Approved, LoanEvents.Rejected, LoanEvents.Disbursed, LoanEvents.Repayment, LoanEvents.Completed, LoanEvents.Closed,
        BorrowerEvents.Erased, WebhookTests.Test,
    ];

    /// <summary>
    /// When an event id (<c>evt_</c> + a UUIDv7 in hex) was made: its enqueue time, so a cursor whose
    /// event retention removed can still be told from one that never existed.
    /// </summary>
    public static DateTime? IssuedAt(string eventId)
    {
        if (!eventId.StartsWith("evt_", StringComparison.Ordinal) || !Guid.TryParseExact(eventId[4..], "N", out var id) || id.Version != 7)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        var milliseconds = 0L;
        for (var i = 0; i < 6; i++)
        {
            milliseconds = milliseconds << 8 | bytes[i];
        }

        return DateTime.UnixEpoch.AddMilliseconds(milliseconds);
    }
}
