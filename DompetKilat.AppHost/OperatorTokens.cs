using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DompetKilat.AppHost;

/// <summary>
/// Development operator tokens (API-CONTRACT §10), as <c>eng/operator-token.sh</c> mints them: HS256
/// over the AppHost's <c>back-office-signing-key</c>, for the Api's development issuer and audience.
/// Production operators get theirs from the deployment's OpenID Connect issuer.
/// </summary>
public static class OperatorTokens
{
    public const string SigningKeyParameter = "back-office-signing-key";
    public const string Issuer = "dompetkilat-development";
    public const string Audience = "dompetkilat-back-office";

    public static string Mint(
        string signingKey, string subject, string name, IEnumerable<string> roles, TimeSpan lifetime, DateTimeOffset? now = null) =>
        Sign(signingKey, new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = subject,
            ["name"] = name,
            ["roles"] = roles.ToArray(),
            ["iat"] = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(),
            ["exp"] = ((now ?? DateTimeOffset.UtcNow) + lifetime).ToUnixTimeSeconds(),
        });

    /// <summary>Signs any claims, so a test can also make the tokens the Api must refuse.</summary>
    public static string Sign(string signingKey, IReadOnlyDictionary<string, object> claims, string algorithm = "HS256")
    {
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = algorithm, ["typ"] = "JWT" }));
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }

    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
