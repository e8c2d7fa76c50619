using System.Security.Cryptography;
using System.Text.Json;

namespace DompetKilat.Lending.Callbacks;

/// <summary>
/// Callbacks are compared as JSON, not as bytes (API-CONTRACT §4): the parsed body is written
/// back in one canonical form, so key order, white space and number spelling do not matter.
/// The route is part of the fingerprint: a transactionId reused on the other callback route is
/// a different request.
/// </summary>
public static class CallbackFingerprint
{
    public static readonly JsonSerializerOptions CanonicalJson = new(JsonSerializerDefaults.Web);

    public static (string Payload, string Fingerprint) Of(CallbackKind kind, CallbackBody body)
    {
        var payload = JsonSerializer.Serialize(body, CanonicalJson);
        var digest = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{kind}:{payload}"));
        return (payload, Convert.ToHexStringLower(digest));
    }

    public static CallbackBody Read(string payload) =>
        JsonSerializer.Deserialize<CallbackBody>(payload, CanonicalJson)
        ?? throw new InvalidCallbackException("the stored callback is empty");
}
