using System.Net;
using System.Net.Sockets;

namespace DompetKilat.Lending.Partners;

/// <summary>
/// Where a partner's webhook may not lead outside Development (API-CONTRACT §9): an address of
/// ours or of the cloud underneath, which a registered URL could otherwise make the dispatcher
/// call on an attacker's behalf. Checked at registration and again at every connect, since DNS
/// can change in between.
/// </summary>
public static class WebhookAddresses
{
    private static readonly IPNetwork[] Forbidden =
    [
        IPNetwork.Parse("0.0.0.0/8"),          // "this network"
        IPNetwork.Parse("10.0.0.0/8"),         // private
        IPNetwork.Parse("100.64.0.0/10"),      // carrier-grade NAT, and Alibaba's metadata address
        IPNetwork.Parse("127.0.0.0/8"),        // loopback
        IPNetwork.Parse("169.254.0.0/16"),     // link-local, and the AWS/GCP/Azure metadata address
        IPNetwork.Parse("172.16.0.0/12"),      // private
        IPNetwork.Parse("192.0.0.0/24"),       // IETF protocol assignments, Oracle's metadata address
        IPNetwork.Parse("192.168.0.0/16"),     // private
        IPNetwork.Parse("198.18.0.0/15"),      // benchmarking
        IPNetwork.Parse("224.0.0.0/3"),        // multicast and reserved, broadcast included
        IPNetwork.Parse("168.63.129.16/32"),   // Azure's host services
        IPNetwork.Parse("::/96"),              // unspecified, loopback and the deprecated IPv4-compatible form
        IPNetwork.Parse("64:ff9b::/96"),       // NAT64: reaches whatever IPv4 address it embeds, private ones included
        IPNetwork.Parse("64:ff9b:1::/48"),     // local-use NAT64
        IPNetwork.Parse("2001::/32"),          // Teredo: tunnels to an embedded IPv4 address
        IPNetwork.Parse("2002::/16"),          // 6to4: likewise
        IPNetwork.Parse("fec0::/10"),          // site-local, deprecated but still routed inside some networks
        IPNetwork.Parse("fc00::/7"),           // unique local, AWS's IPv6 metadata address
        IPNetwork.Parse("fe80::/10"),          // link-local
        IPNetwork.Parse("ff00::/8"),           // multicast
    ];

    /// <summary>The only port a webhook may name outside Development: HTTPS's own.</summary>
    public const int Port = 443;

    public static bool IsForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || Forbidden.Any(network => network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address));
    }

    /// <summary>
    /// Whether the URL is https on <see cref="Port"/> and its host resolves only to addresses a
    /// webhook may reach; a name that does not resolve is refused too, since nothing could be
    /// checked. Another port would let a URL reach a public host's other services.
    /// </summary>
    public static async Task<bool> IsPublicHttpsAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.Port != Port)
        {
            return false;
        }

        if (IPAddress.TryParse(uri.IdnHost, out var literal))
        {
            return !IsForbidden(literal);
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(uri.IdnHost, cancellationToken);
            return addresses.Length > 0 && !addresses.Any(IsForbidden);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
