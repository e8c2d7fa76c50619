using System.Security.Cryptography;
using System.Text;

namespace DompetKilat.Lending.Partners;

/// <summary>Issues partners' API keys and webhook secrets, and hashes presented keys for lookup.</summary>
public static class PartnerSecrets
{
    public const string KeyPrefix = "dkp_";
    public const string WebhookSecretPrefix = "whsec_";

    /// <summary>Longer than any key ever issued; such a header is refused without hashing megabytes.</summary>
    public const int MaxKeyLength = 128;

    /// <summary>How long a replaced key or webhook secret keeps working, so a partner can roll over without a flag day.</summary>
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);

    public static string NewApiKey() => KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string NewWebhookSecret() => WebhookSecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static byte[] HashKey(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
