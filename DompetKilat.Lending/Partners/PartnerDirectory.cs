using System.Collections.Frozen;
using System.Net;
using System.Security.Cryptography;

namespace DompetKilat.Lending.Partners;

/// <summary>
/// What the Api needs to know of a partner to identify, scope and budget its calls.
/// <see cref="ActiveProducts"/> maps those of its product codes that are configured and active to
/// the product's id, so that an application needs no lookup of its own.
/// </summary>
public sealed record KnownPartner(
    int Id, string Code, bool IsKeyless, bool IsDisabled, IReadOnlyList<IPNetwork> AllowList, FrozenSet<string> ProductCodes,
    FrozenDictionary<string, int> ActiveProducts)
{
    public bool IsLocal => Code == Partner.LocalCode;

    public bool AllowsAddress(IPAddress address) => AllowList.Any(n => n.Contains(address));

    public static KnownPartner From(PartnerTerms partner, IReadOnlyDictionary<string, int> activeProducts) => new(
        partner.Id, partner.Code, partner.IsKeyless, partner.IsDisabled,
        [.. partner.AllowList.Select(PartnerRules.ParseNetwork)], partner.ProductCodes.ToFrozenSet(StringComparer.Ordinal),
        partner.ProductCodes.Where(activeProducts.ContainsKey).Distinct(StringComparer.Ordinal)
            .ToFrozenDictionary(code => code, code => activeProducts[code], StringComparer.Ordinal));
}

/// <summary>
/// Who is calling: the partner, or why nobody is (a <c>05</c> with its HTTP status). A refused
/// call still has <see cref="Named"/> and <see cref="KeyId"/> when it presented a known key or
/// came from a keyless partner's range, for the audit trail.
/// </summary>
public sealed record CallerIdentification(KnownPartner? Partner, KnownPartner? Named, long? KeyId, int RefusalStatus, string? RefusalReason)
{
    public static CallerIdentification Identified(KnownPartner partner, long? keyId) => new(partner, partner, keyId, 0, null);

    public static CallerIdentification Unauthenticated(string reason) => new(null, null, null, 401, reason);

    public static CallerIdentification Forbidden(KnownPartner named, long? keyId, string reason) => new(null, named, keyId, 403, reason);
}

/// <summary>
/// The partner registry as one immutable snapshot, read on every request without a database
/// round trip and replaced whole when the registry changes. It decides who is calling by the
/// rules of API-CONTRACT §8, before anything reads the body.
/// </summary>
public sealed class PartnerDirectory
{
    private readonly FrozenDictionary<string, (KnownPartner Partner, long KeyId, byte[] Hash, DateTime? ExpiresAt)> byKeyHash;
    private readonly KnownPartner[] keyless;

    /// <param name="partners">Every partner, with its unexpired keys.</param>
    /// <param name="activeProducts">The active products' ids by code; none when left out.</param>
    /// <param name="version">The registry version these partners are (see <see cref="Version"/>).</param>
    /// <param name="unreadable">
    /// Told of each partner whose stored terms today's rules cannot read (a range they refuse);
    /// that partner is left out, so its calls are refused, and every other partner is served.
    /// </param>
    public PartnerDirectory(
        IEnumerable<PartnerTerms> partners, IReadOnlyDictionary<string, int>? activeProducts = null, long version = 0,
        Action<PartnerTerms, Exception>? unreadable = null)
    {
        activeProducts ??= FrozenDictionary<string, int>.Empty;
        var known = new List<(PartnerTerms Partner, KnownPartner Known)>();
        foreach (var partner in partners)
        {
            try
            {
                known.Add((partner, KnownPartner.From(partner, activeProducts)));
            }
            catch (FormatException ex) when (unreadable is not null)
            {
                unreadable(partner, ex);
            }
        }

        byKeyHash = known
            .SelectMany(p => p.Partner.Keys.Select(k => (Hash: Convert.ToHexString(k.KeyHash), Entry: (p.Known, k.Id, k.KeyHash, k.ExpiresAt))))
            .ToFrozenDictionary(e => e.Hash, e => e.Entry, StringComparer.Ordinal);
        keyless = [.. known.Where(p => p.Known.IsKeyless).Select(p => p.Known)];
        Partners = [.. known.Select(p => p.Known)];
        Version = version;
    }

    public static PartnerDirectory Empty { get; } = new([]);

    /// <summary>
    /// The registry's version in the database when these partners were read: every committed
    /// change to partners, keys or products raises it, so a replica that holds version N enforces
    /// every change up to N.
    /// </summary>
    public long Version { get; }

    public IReadOnlyList<KnownPartner> Partners { get; }

    public CallerIdentification Identify(string? presentedKey, IPAddress? address, DateTime now)
    {
        if (address is null)
        {
            return CallerIdentification.Unauthenticated("the caller's address is unknown");
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return presentedKey is null ? IdentifyByAddress(address) : IdentifyByKey(presentedKey, address, now);
    }

    private CallerIdentification IdentifyByKey(string presentedKey, IPAddress address, DateTime now)
    {
        if (presentedKey.Length == 0 || presentedKey.Length > PartnerSecrets.MaxKeyLength)
        {
            return CallerIdentification.Unauthenticated("partner key is unknown or revoked");
        }

        var hash = PartnerSecrets.HashKey(presentedKey);
        // The dictionary finds the entry by the hash; the final comparison runs in constant time anyway.
        if (!byKeyHash.TryGetValue(Convert.ToHexString(hash), out var entry)
            || !CryptographicOperations.FixedTimeEquals(hash, entry.Hash)
            || (entry.ExpiresAt is { } expires && expires <= now))
        {
            return CallerIdentification.Unauthenticated("partner key is unknown or revoked");
        }

        return Admit(entry.Partner, entry.KeyId, address);
    }

    private CallerIdentification IdentifyByAddress(IPAddress address)
    {
        // Active keyless ranges never overlap (the registry refuses it); a disabled one may, so the active one wins.
        var matches = keyless.Where(p => p.AllowsAddress(address)).ToList();
        var partner = matches.FirstOrDefault(p => !p.IsDisabled) ?? matches.FirstOrDefault();
        return partner is null
            ? CallerIdentification.Unauthenticated("partner key is missing and no keyless partner calls from this address")
            : Admit(partner, keyId: null, address);
    }

    private static CallerIdentification Admit(KnownPartner partner, long? keyId, IPAddress address)
    {
        if (partner.IsDisabled)
        {
            return CallerIdentification.Forbidden(partner, keyId, $"partner {partner.Code} is disabled");
        }

        return partner.AllowsAddress(address)
            ? CallerIdentification.Identified(partner, keyId)
            : CallerIdentification.Forbidden(partner, keyId, $"client IP {address} is not allowed");
    }
}
