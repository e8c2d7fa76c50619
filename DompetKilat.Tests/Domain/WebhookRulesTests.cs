using System.Net;
using System.Text;
using DompetKilat.Lending.Notifications;
using DompetKilat.Lending.Partners;
using DompetKilat.Lending.Webhooks;

namespace DompetKilat.Tests.Domain;

/// <summary>Where a webhook may lead outside Development, how it is signed, and when it goes again (API-CONTRACT §9).</summary>
public sealed class WebhookRulesTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.20.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.100.100.200")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:a00:1::1")]
    [InlineData("2001:0:a00:1::1")]
    [InlineData("fec0::1")]
    [InlineData("::a00:1")]
    public void Internal_and_metadata_addresses_are_forbidden(string address) =>
        Assert.True(WebhookAddresses.IsForbidden(IPAddress.Parse(address)));

    [Theory]
    [InlineData("203.0.113.10")]
    [InlineData("8.8.8.8")]
    [InlineData("2001:4860:4860::8888")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.False(WebhookAddresses.IsForbidden(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://203.0.113.10/events", false)]
    [InlineData("https://203.0.113.10/events", true)]
    [InlineData("https://127.0.0.1/events", false)]
    [InlineData("https://[::1]/events", false)]
    [InlineData("https://169.254.169.254/latest/meta-data", false)]
    [InlineData("https://[::ffff:192.168.0.1]/events", false)]
    [InlineData("https://localhost/events", false)]
    [InlineData("https://name.invalid/events", false)]
    [InlineData("https://203.0.113.10:8443/events", false)]
    [InlineData("https://203.0.113.10:443/events", true)]
    public async Task Registration_wants_https_to_a_public_address(string url, bool allowed) =>
        Assert.Equal(allowed, await WebhookAddresses.IsPublicHttpsAsync(url, CancellationToken.None));

    [Fact]
    public void A_signature_made_during_a_rotation_verifies_with_either_secret()
    {
        var current = "whsec_" + Convert.ToBase64String(Enumerable.Repeat((byte)1, 32).ToArray());
        var previous = "whsec_" + Convert.ToBase64String(Enumerable.Repeat((byte)2, 32).ToArray());
        var body = Encoding.UTF8.GetBytes("""{"id":"evt_1"}""");
        var now = DateTimeOffset.UtcNow;

        var signature = StandardWebhookSignature.Sign([current, previous], "evt_1", now.ToUnixTimeSeconds(), body);

        Assert.Equal(2, signature.Split(' ').Length);
        var timestamp = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(new StandardWebhookSignature([current]).Verify("evt_1", timestamp, signature, body, now));
        Assert.True(new StandardWebhookSignature([previous]).Verify("evt_1", timestamp, signature, body, now));
        Assert.False(new StandardWebhookSignature([current]).Verify("evt_2", timestamp, signature, body, now));
    }

    [Fact]
    public void The_first_retry_comes_within_10_s_and_retries_span_at_least_24_hours()
    {
        Assert.True(DeliverySchedule.Backoff(1, jitter: 0.999) < TimeSpan.FromSeconds(10));

        var waited = TimeSpan.Zero;
        var attempts = 1;
        while (waited + DeliverySchedule.Backoff(attempts, jitter: 0) <= LoanEvents.RetryWindow)
        {
            waited += DeliverySchedule.Backoff(attempts++, jitter: 0);
        }

        Assert.InRange(attempts, 25, 40);
        Assert.All(Enumerable.Range(1, 60), n => Assert.True(DeliverySchedule.Backoff(n, 0.999) <= TimeSpan.FromHours(1.25)));
    }

    [Fact]
    public void A_failed_attempt_goes_again_within_the_retry_window_and_is_given_up_on_past_it_or_on_410()
    {
        var now = new DateTime(2026, 12, 3, 8, 0, 0, DateTimeKind.Utc);
        var window = now + TimeSpan.FromMinutes(30);

        var retried = DeliverySchedule.AfterFailure(3, window, new AttemptFailure(503, null, Gone: false), now, jitter: 0);
        Assert.False(retried.GivesUp);
        Assert.Equal(now + DeliverySchedule.Backoff(3, 0), retried.NextAttemptAt);

        var expired = DeliverySchedule.AfterFailure(20, window, new AttemptFailure(null, "connection refused", Gone: false), now, jitter: 0);
        Assert.True(expired.GivesUp);
        Assert.Equal("connection refused", expired.Reason);
        Assert.Equal("partner answered 500", DeliverySchedule.AfterFailure(20, window, new AttemptFailure(500, null, false), now, 0).Reason);

        var gone = DeliverySchedule.AfterFailure(1, window, new AttemptFailure(410, null, Gone: true), now, jitter: 0);
        Assert.True(gone.GivesUp);
        Assert.Equal("partner answered 410 Gone", gone.Reason);
    }
}
