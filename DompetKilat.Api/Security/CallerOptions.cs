namespace DompetKilat.Api.Security;

/// <summary>
/// Who may call (API-CONTRACT §7): the lender's callback senders (single addresses or CIDR
/// ranges) and the proxies whose <c>X-Forwarded-For</c> counts. Partners are in the partner
/// registry (§8), not in configuration.
/// </summary>
public sealed class CallerOptions
{
    public const string Section = "Security";

    /// <summary>The setting the partner registry replaced; the Api refuses to start while it is still set.</summary>
    public const string RetiredPartnerAllowList = "Security:PartnerAllowList";

    public string[] CallbackAllowList { get; set; } = [];

    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Loopback callers pass the callback allow-list; the default in Development only.</summary>
    public bool? AllowLoopback { get; set; }

    /// <summary>
    /// Standard Webhooks signing secrets (<c>whsec_</c> + base64) for callbacks. More than one is
    /// active during a rotation. Required outside Development.
    /// </summary>
    public string[] CallbackSigningSecrets { get; set; } = [];
}
