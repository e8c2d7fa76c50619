using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DompetKilat.Lending.Webhooks;

/// <summary>
/// The Standard Webhooks scheme, both ways: <c>webhook-signature</c> holds one or more <c>v1,</c> +
/// base64 HMAC-SHA256 of <c>{webhook-id}.{webhook-timestamp}.{body}</c>. The Api verifies the
/// lender's callbacks with it, the dispatcher signs partner notifications and the partner sandbox
/// verifies them. Any of several secrets may match, so a secret can be rotated without a flag day.
/// </summary>
public sealed class StandardWebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    /// <summary>Older (or further in the future) than this, a signed request is a replay risk.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private readonly byte[][] secrets;

    public StandardWebhookSignature(IEnumerable<string> secrets) =>
        this.secrets = [.. secrets.Select(DecodeSecret)];

    public bool IsRequired => secrets.Length > 0;

    public bool Verify(string? id, string? timestamp, string? signatures, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(signatures)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > (long)Tolerance.TotalSeconds)
        {
            return false;
        }

        var signed = Concat(Encoding.UTF8.GetBytes($"{id}.{timestamp}."), body);
        foreach (var secret in secrets)
        {
            var expected = HMACSHA256.HashData(secret, signed);
            foreach (var candidate in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (candidate.StartsWith("v1,", StringComparison.Ordinal)
                    && TryDecode(candidate[3..], out var presented)
                    && CryptographicOperations.FixedTimeEquals(expected, presented))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// The <c>webhook-signature</c> value for one message: a <c>v1,</c> signature per secret,
    /// space-separated, so a receiver holding either secret of a rotation can verify it.
    /// </summary>
    public static string Sign(IEnumerable<string> secrets, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var signed = Concat(Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}."), body);
        var signatures = new List<string>();
        foreach (var secret in secrets)
        {
            signatures.Add("v1," + Convert.ToBase64String(HMACSHA256.HashData(DecodeSecret(secret), signed)));
        }

        return string.Join(' ', signatures);
    }

    private static byte[] DecodeSecret(string secret) =>
        Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);

    private static bool TryDecode(string base64, out byte[] bytes)
    {
        bytes = new byte[32];
        return Convert.TryFromBase64String(base64, bytes, out var written) && written == 32;
    }

    private static byte[] Concat(byte[] prefix, ReadOnlySpan<byte> body)
    {
        var all = new byte[prefix.Length + body.Length];
        prefix.CopyTo(all, 0);
        body.CopyTo(all.AsSpan(prefix.Length));
        return all;
    }
}
