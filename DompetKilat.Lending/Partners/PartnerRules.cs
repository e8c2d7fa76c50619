using System.Net;
using System.Text.RegularExpressions;

namespace DompetKilat.Lending.Partners;

/// <summary>Field rules of the partner registry (API-CONTRACT §8), shared by the Api's validators and the directory.</summary>
public static partial class PartnerRules
{
    public const int MaxNameLength = 200;
    public const int MaxAllowListEntries = 64;
    public const int MaxProductCodes = 32;
    public const int MaxWebhookUrlLength = 2048;

    [GeneratedRegex("^[A-Z0-9_]{2,32}$")]
    public static partial Regex PartnerCodePattern();

    /// <summary>A CIDR range, or a single address as its own /32 or /128.</summary>
    public static bool TryParseNetwork(string? entry, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(entry) || entry.Length > 64)
        {
            return false;
        }

        var trimmed = entry.Trim();
        if (trimmed.Contains('/', StringComparison.Ordinal))
        {
            // A range written with host bits set (10.0.0.1/24) is ambiguous: refused, not silently widened.
            return IPNetwork.TryParse(trimmed, out network)
                && IPAddress.TryParse(trimmed[..trimmed.IndexOf('/', StringComparison.Ordinal)], out var written)
                && written.Equals(network.BaseAddress);
        }

        if (!IPAddress.TryParse(trimmed, out var address))
        {
            return false;
        }

        network = new IPNetwork(address, address.GetAddressBytes().Length * 8);
        return true;
    }

    public static IPNetwork ParseNetwork(string entry) =>
        TryParseNetwork(entry, out var network) ? network : throw new FormatException($"'{entry}' is not an IP address or CIDR range.");

    /// <summary>Two ranges overlap when either holds the other's first address (CIDR ranges nest or are disjoint).</summary>
    public static bool Overlap(IPNetwork a, IPNetwork b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);

    /// <summary>A webhook URL is an absolute http(s) address without credentials in it.</summary>
    public static bool IsWebhookUrl(string url) =>
        url.Length <= MaxWebhookUrlLength
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && string.IsNullOrEmpty(uri.UserInfo)
        && string.IsNullOrEmpty(uri.Fragment);
}
