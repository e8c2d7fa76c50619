namespace DompetKilat.Api.Security;

/// <summary>
/// Who may call (API-CONTRACT §7): allow-lists of single addresses or CIDR ranges for partners
/// and for the lender's callback senders, and the proxies whose <c>X-Forwarded-For</c> counts.
/// </summary>
public sealed class CallerOptions
{
    public const string Section = "Security";

    public string[] PartnerAllowList { get; set; } = [];

    public string[] CallbackAllowList { get; set; } = [];

    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Loopback callers pass every allow-list; the default in Development only.</summary>
    public bool? AllowLoopback { get; set; }

    /// <summary>
    /// Standard Webhooks signing secrets (<c>whsec_</c> + base64) for callbacks. More than one is
    /// active during a rotation. Required outside Development.
    /// </summary>
    public string[] CallbackSigningSecrets { get; set; } = [];
}
