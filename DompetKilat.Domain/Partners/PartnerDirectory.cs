using System.Collections.Frozen;
using System.Net;
using System.Security.Cryptography;

namespace DompetKilat.Domain.Partners;

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

    public static KnownPartner From(Partner partner, IReadOnlyDictionary<string, int> activeProducts) => new(
        partner.Id, partner.Code, partner.IsKeyless, partner.IsDisabled,
        [.. partner.AllowList.Select(PartnerRules.ParseNetwork)], partner.ProductCodes.ToFrozenSet(StringComparer.Ordinal),
        partner.ProductCodes.Where(activeProducts.ContainsKey).Distinct(StringComparer.Ordinal)
            .ToFrozenDictionary(code => code, code => activeProducts[code], StringComparer.Ordinal));
}

/// <summary>Who is calling: the partner, or why nobody is (a <c>05</c> with its HTTP status).</summary>
public sealed record CallerIdentification(KnownPartner? Partner, int RefusalStatus, string? RefusalReason)
{
    public static CallerIdentification Identified(KnownPartner partner) => new(partner, 0, null);

    public static CallerIdentification Unauthenticated(string reason) => new(null, 401, reason);

    public static CallerIdentification Forbidden(string reason) => new(null, 403, reason);
}

/// <summary>
/// The partner registry as one immutable snapshot, read on every request without a database
/// round trip and replaced whole when the registry changes. It decides who is calling by the
/// rules of API-CONTRACT §8, before anything reads the body.
/// </summary>
public sealed class PartnerDirectory
{
    private readonly FrozenDictionary<string, (KnownPartner Partner, byte[] Hash, DateTime? ExpiresAt)> byKeyHash;
    private readonly KnownPartner[] keyless;

    /// <param name="partners">Every partner, with its unexpired keys.</param>
    /// <param name="activeProducts">The active products' ids by code; none when left out.</param>
    public PartnerDirectory(IEnumerable<Partner> partners, IReadOnlyDictionary<string, int>? activeProducts = null)
    {
        activeProducts ??= FrozenDictionary<string, int>.Empty;
        var known = partners.Select(p => (Partner: p, Known: KnownPartner.From(p, activeProducts))).ToList();
        byKeyHash = known
            .SelectMany(p => p.Partner.Keys.Select(k => (Hash: Convert.ToHexString(k.KeyHash), Entry: (p.Known, k.KeyHash, k.ExpiresAt))))
            .ToFrozenDictionary(e => e.Hash, e => e.Entry, StringComparer.Ordinal);
        keyless = [.. known.Where(p => p.Known.IsKeyless).Select(p => p.Known)];
        Partners = [.. known.Select(p => p.Known)];
    }

    public static PartnerDirectory Empty { get; } = new([]);

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

        return Admit(entry.Partner, address);
    }

    private CallerIdentification IdentifyByAddress(IPAddress address)
    {
        // Active keyless ranges never overlap (the registry refuses it); a disabled one may, so the active one wins.
        var matches = keyless.Where(p => p.AllowsAddress(address)).ToList();
        var partner = matches.FirstOrDefault(p => !p.IsDisabled) ?? matches.FirstOrDefault();
        return partner is null
            ? CallerIdentification.Unauthenticated("partner key is missing and no keyless partner calls from this address")
            : Admit(partner, address);
    }

    private static CallerIdentification Admit(KnownPartner partner, IPAddress address)
    {
        if (partner.IsDisabled)
        {
            return CallerIdentification.Forbidden($"partner {partner.Code} is disabled");
        }

        return partner.AllowsAddress(address)
            ? CallerIdentification.Identified(partner)
            : CallerIdentification.Forbidden($"client IP {address} is not allowed");
    }
}
