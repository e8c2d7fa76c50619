using System.Net;
using DompetKilat.Lending.Partners;

namespace DompetKilat.Tests.Domain;

/// <summary>Who is calling (API-CONTRACT §8), decided by the registry snapshot alone, without HTTP.</summary>
public sealed class PartnerDirectoryTests
{
    private static readonly DateTime Now = new(2026, 11, 25, 3, 0, 0, DateTimeKind.Utc);

    private static (Partner Partner, string Key) NewPartner(string code, bool keyless, params string[] allowList)
    {
        var (partner, credentials) = Partner.Register(code, code, allowList, ["95"], null, keyless, Now);
        return (partner, credentials.ApiKey);
    }

    /// <summary>The registry as a replica loads it at <paramref name="at"/>, each partner under an id of its own.</summary>
    private static PartnerDirectory Directory(DateTime at, params Partner[] partners) =>
        new(partners.Select(p => p.Terms(at) with { Id = p.Code.GetHashCode(StringComparison.Ordinal) }));

    [Fact]
    public void A_key_names_its_partner_when_the_address_is_on_its_allow_list()
    {
        var (tokoku, key) = NewPartner("TOKOKU", keyless: false, "203.0.113.0/24");
        var directory = Directory(Now, tokoku);

        Assert.Equal("TOKOKU", directory.Identify(key, IPAddress.Parse("203.0.113.9"), Now).Partner?.Code);
        Assert.Equal((null, 403), Refusal(directory.Identify(key, IPAddress.Parse("198.51.100.1"), Now)));
        Assert.Equal((null, 401), Refusal(directory.Identify(key + "x", IPAddress.Parse("203.0.113.9"), Now)));
        Assert.Equal((null, 401), Refusal(directory.Identify(new string('k', 10_000), IPAddress.Parse("203.0.113.9"), Now)));
    }

    [Fact]
    public void Without_a_key_the_keyless_partner_whose_range_holds_the_address_is_the_caller()
    {
        var (keyless, _) = NewPartner("REFERENCE", keyless: true, "198.51.100.0/24");
        var (keyed, _) = NewPartner("KEYED", keyless: false, "203.0.113.0/24");
        var directory = Directory(Now, keyless, keyed);

        Assert.Equal("REFERENCE", directory.Identify(null, IPAddress.Parse("::ffff:198.51.100.7"), Now).Partner?.Code);
        Assert.Equal((null, 401), Refusal(directory.Identify(null, IPAddress.Parse("203.0.113.9"), Now)));
    }

    [Fact]
    public void A_disabled_partner_is_refused_with_403_by_key_and_by_address()
    {
        var (partner, key) = NewPartner("GONE", keyless: true, "198.51.100.0/24");
        partner.Disable(Now);
        var directory = Directory(Now, partner);

        Assert.Equal((null, 403), Refusal(directory.Identify(key, IPAddress.Parse("198.51.100.7"), Now)));
        Assert.Equal((null, 403), Refusal(directory.Identify(null, IPAddress.Parse("198.51.100.7"), Now)));
    }

    [Fact]
    public void A_rotated_key_works_until_its_overlap_ends_and_a_revoked_one_stops_at_once()
    {
        var (partner, first) = NewPartner("ROTATING", keyless: false, "10.0.0.0/8");
        var second = partner.Rotate(newWebhookSecret: true, revokePrevious: false, Now).ApiKey;
        var address = IPAddress.Parse("10.1.2.3");

        var directory = Directory(Now, partner);
        Assert.NotNull(directory.Identify(first, address, Now.AddHours(23)).Partner);
        Assert.Null(directory.Identify(first, address, Now.AddHours(24)).Partner);
        Assert.NotNull(directory.Identify(second, address, Now.AddDays(30)).Partner);
        Assert.NotNull(partner.PreviousWebhookSecret);

        var third = partner.Rotate(newWebhookSecret: false, revokePrevious: true, Now.AddHours(1)).ApiKey;
        directory = Directory(Now.AddHours(1), partner);
        Assert.Null(directory.Identify(first, address, Now.AddHours(1)).Partner);
        Assert.Null(directory.Identify(second, address, Now.AddHours(1)).Partner);
        Assert.NotNull(directory.Identify(third, address, Now.AddHours(1)).Partner);
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.20.0.0/16", true)]
    [InlineData("10.20.0.0/16", "10.0.0.0/8", true)]
    [InlineData("10.0.0.0/24", "10.0.1.0/24", false)]
    [InlineData("198.51.100.7", "198.51.100.0/24", true)]
    [InlineData("::1", "127.0.0.0/8", false)]
    public void Ranges_overlap_when_one_holds_the_others_first_address(string a, string b, bool overlap) =>
        Assert.Equal(overlap, PartnerRules.Overlap(PartnerRules.ParseNetwork(a), PartnerRules.ParseNetwork(b)));

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.1/24")]
    [InlineData("not an address")]
    [InlineData("")]
    public void A_malformed_range_is_not_a_network(string entry) => Assert.False(PartnerRules.TryParseNetwork(entry, out _));

    private static (KnownPartner?, int) Refusal(CallerIdentification identification) =>
        (identification.Partner, identification.RefusalStatus);
}
