using System.Net;
using DompetKilat.Lending.Partners;

namespace DompetKilat.Api.Security;

/// <summary>A set of addresses and CIDR ranges; IPv4 callers seen through IPv6 sockets match their IPv4 entries.</summary>
public sealed class AllowList
{
    private readonly IPNetwork[] networks;
    private readonly bool allowLoopback;

    public AllowList(IEnumerable<string> entries, bool allowLoopback)
    {
        networks = [.. entries.Select(PartnerRules.ParseNetwork)];
        this.allowLoopback = allowLoopback;
    }

    public bool Allows(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return (allowLoopback && IPAddress.IsLoopback(address)) || networks.Any(n => n.Contains(address));
    }
}
