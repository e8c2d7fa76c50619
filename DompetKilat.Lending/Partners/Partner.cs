
namespace DompetKilat.Lending.Partners;

/// <summary>
/// A lending partner on the platform (API-CONTRACT §8): who it is, where it calls from, which
/// products it may apply under and where it hears about its loans. Its borrowers are its own.
/// </summary>
public sealed class Partner
{
    /// <summary>The built-in keyless partner of the Development environment, for loopback callers.</summary>
    public const string LocalCode = "LOCAL";

    public int Id { get; private set; }

    public string Code { get; private set; } = "";

    public string Name { get; private set; } = "";

    /// <summary>Addresses and CIDR ranges the partner calls from.</summary>
    public List<string> AllowList { get; private set; } = [];

    public List<string> ProductCodes { get; private set; } = [];

    public string? WebhookUrl { get; private set; }

    /// <summary>Identified by its address alone, as the partner reference's own scheme does.</summary>
    public bool IsKeyless { get; private set; }

    /// <summary>
/// Standard Webhooks secret (<c>whsec_</c> + base64) its notifications are signed with; issued at
/// registration, absent only for a partner carried over from the configured allow-list until one is issued.
/// </summary>
    [EncryptedAtRest]
    public string? WebhookSecret { get; private set; }

    /// <summary>The secret being rotated out; notifications carry both signatures until it expires.</summary>
    [EncryptedAtRest]
    public string? PreviousWebhookSecret { get; private set; }

    public DateTime? PreviousWebhookSecretExpiresAt { get; private set; }

    public List<PartnerKey> Keys { get; private set; } = [];

    public DateTime? DisabledAt { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public bool IsDisabled => DisabledAt is not null;

    /// <summary>What identification reads of the partner (see <see cref="PartnerDirectory"/>): its terms and unexpired keys, no secret.</summary>
    public PartnerTerms Terms(DateTime now) => new(
        Id, Code, IsKeyless, IsDisabled, AllowList, ProductCodes,
        [.. Keys.Where(k => k.IsValidAt(now)).Select(k => new PartnerKeyTerms(k.Id, k.KeyHash, k.ExpiresAt))]);

    /// <summary>A new partner with its first key and webhook secret.</summary>
    public static (Partner Partner, IssuedCredentials Credentials) Register(
        string code, string name, IEnumerable<string> allowList, IEnumerable<string> productCodes, string? webhookUrl, bool keyless, DateTime now)
    {
        var apiKey = PartnerSecrets.NewApiKey();
        var partner = new Partner
        {
            Code = code,
            Name = name,
            WebhookSecret = PartnerSecrets.NewWebhookSecret(),
            Keys = [new PartnerKey(PartnerSecrets.HashKey(apiKey), now)],
            CreatedAt = now,
        };
        partner.Update(name, allowList, productCodes, webhookUrl, keyless, now);
        return (partner, new IssuedCredentials(apiKey, partner.WebhookSecret));
    }

    /// <summary>Sets the partner's terms (at registration, and the back office's update, API-CONTRACT §8); its keys and secrets stay.</summary>
    public void Update(string name, IEnumerable<string> allowList, IEnumerable<string> productCodes, string? webhookUrl, bool keyless, DateTime now)
    {
        Name = name;
        AllowList = [.. allowList.Select(e => e.Trim())];
        ProductCodes = [.. productCodes.Distinct(StringComparer.Ordinal)];
        WebhookUrl = webhookUrl;
        IsKeyless = keyless;
        UpdatedAt = now;
    }

    /// <summary>
    /// Notifications go to <paramref name="webhookUrl"/>, signed with <paramref name="webhookSecret"/>
    /// alone: Development's built-in partner follows the sandbox it is given each run.
    /// </summary>
    public void NotifyAt(string webhookUrl, string webhookSecret, DateTime now)
    {
        WebhookUrl = webhookUrl;
        WebhookSecret = webhookSecret;
        PreviousWebhookSecret = null;
        PreviousWebhookSecretExpiresAt = null;
        UpdatedAt = now;
    }

    /// <summary>Whether the partner can be sent notifications: a webhook address, and a secret to sign with.</summary>
    public bool IsReachable => WebhookUrl is not null && WebhookSecret is not null;

    /// <summary>From now on the partner's calls are refused; its data stays. False when it was disabled already.</summary>
    public bool Disable(DateTime now)
    {
        if (IsDisabled)
        {
            return false;
        }

        DisabledAt = UpdatedAt = now;
        return true;
    }

    /// <summary>The partner's calls are served again, with the keys and terms it had. False when it was not disabled.</summary>
    public bool Enable(DateTime now)
    {
        if (!IsDisabled)
        {
            return false;
        }

        DisabledAt = null;
        UpdatedAt = now;
        return true;
    }

    /// <summary>
    /// Issues a new key (and, if asked, a new webhook secret). What it replaces keeps working for
    /// <see cref="PartnerSecrets.RotationOverlap"/>, or stops at once when <paramref name="revokePrevious"/>.
    /// </summary>
    public IssuedCredentials Rotate(bool newWebhookSecret, bool revokePrevious, DateTime now)
    {
        var retiredAt = revokePrevious ? now : now + PartnerSecrets.RotationOverlap;
        foreach (var key in Keys.Where(k => k.IsValidAt(now)))
        {
            key.RetireBy(retiredAt);
        }

        var apiKey = PartnerSecrets.NewApiKey();
        Keys.Add(new PartnerKey(PartnerSecrets.HashKey(apiKey), now));

        string? secret = null;
        if (newWebhookSecret)
        {
            PreviousWebhookSecret = revokePrevious ? null : WebhookSecret;
            PreviousWebhookSecretExpiresAt = revokePrevious || WebhookSecret is null ? null : retiredAt;
            secret = WebhookSecret = PartnerSecrets.NewWebhookSecret();
        }

        UpdatedAt = now;
        return new IssuedCredentials(apiKey, secret);
    }
}

/// <summary>
/// One API key of a partner, kept only as its SHA-256: a key is 32 random bytes, so no slow hash
/// is needed against guessing, and the hash alone finds the partner.
/// </summary>
public sealed class PartnerKey
{
    public PartnerKey(byte[] keyHash, DateTime now)
    {
        KeyHash = keyHash;
        CreatedAt = now;
    }

    private PartnerKey()
    {
    }

    public long Id { get; private set; }

    public int PartnerId { get; private set; }

    public byte[] KeyHash { get; private set; } = [];

    public DateTime CreatedAt { get; private set; }

    /// <summary>Null while current; set when a newer key replaces it (overlap) or it is revoked (now).</summary>
    public DateTime? ExpiresAt { get; private set; }

    public bool IsValidAt(DateTime now) => ExpiresAt is null || ExpiresAt > now;

    /// <summary>The key stops working at <paramref name="at"/>, or earlier if it was to stop earlier already.</summary>
    public void RetireBy(DateTime at) => ExpiresAt = ExpiresAt is { } expires && expires < at ? expires : at;
}

/// <summary>A partner as identification reads it: no webhook secret, so a secret this replica cannot decrypt never stops a reload.</summary>
public sealed record PartnerTerms(
    int Id, string Code, bool IsKeyless, bool IsDisabled, IReadOnlyList<string> AllowList, IReadOnlyList<string> ProductCodes,
    IReadOnlyList<PartnerKeyTerms> Keys);

/// <summary>An unexpired key of a partner, by its hash.</summary>
public sealed record PartnerKeyTerms(long Id, byte[] KeyHash, DateTime? ExpiresAt);

/// <summary>A partner just registered or given new credentials, with the plain values shown to the back office once.</summary>
public sealed record IssuedCredentials(string ApiKey, string? WebhookSecret);
