using System.Text.Json.Serialization;
using DompetKilat.Lending.Partners;

namespace DompetKilat.Api.Admin;

/// <summary>A partner as the back office sees it. <c>apiKey</c> and <c>webhookSecret</c> appear only in the answer that issued them.</summary>
public sealed record PartnerView(
    string PartnerCode,
    string Name,
    IReadOnlyList<string> AllowList,
    IReadOnlyList<string> ProductCodes,
    string? WebhookUrl,
    bool Keyless,
    string Status,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? DisabledAt)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ApiKey { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WebhookSecret { get; init; }

    public static PartnerView From(Partner partner) => new(
        partner.Code, partner.Name, partner.AllowList, partner.ProductCodes, partner.WebhookUrl, partner.IsKeyless,
        partner.IsDisabled ? "DISABLED" : "ACTIVE", partner.CreatedAt, partner.UpdatedAt, partner.DisabledAt);
}

public sealed record PartnerList(IReadOnlyList<PartnerView> Partners);

/// <summary>
/// New credentials, shown once; the previous ones stop working at <c>previousExpireAt</c>. A
/// <c>webhookSecret</c> only when one was asked for: an init property, so the document does not require it.
/// </summary>
public sealed record IssuedPartnerKeys(string PartnerCode, string ApiKey, DateTime PreviousExpireAt)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WebhookSecret { get; init; }
}
