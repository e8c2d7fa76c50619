using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Options;

namespace DompetKilat.Lending.Data;

/// <summary>Keys for what is encrypted at rest, from configuration (<c>Encryption</c> section).</summary>
public sealed class FieldEncryptionOptions
{
    public const string Section = "Encryption";

    /// <summary>
    /// Master key id → base64 of 32 random bytes. They wrap borrowers' data keys and seal partners'
    /// webhook secrets; old keys stay listed while anything is still under them.
    /// </summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    /// <summary>The key new values are written with, and that rotation moves every data key to.</summary>
    public string ActiveKey { get; set; } = "";

    /// <summary>
    /// Base64 of 32 random bytes for the blind indexes of NIK, phone and email, never one of
    /// <see cref="Keys"/>. It cannot rotate by configuration alone: every index would need recomputing.
    /// </summary>
    public string IndexKey { get; set; } = "";

    /// <summary>What is wrong with these settings, or null: a service refuses to start on a problem rather than fail its first request.</summary>
    public static string? Problem(FieldEncryptionOptions options)
    {
        static bool IsKey(string? value) => value is not null && Convert.TryFromBase64String(value, new byte[32], out var length) && length == 32;

        return options.Keys.Count == 0 || options.Keys.Values.Any(k => !IsKey(k)) ? "Encryption:Keys must hold base64 keys of 32 bytes"
            : !options.Keys.ContainsKey(options.ActiveKey) ? "Encryption:ActiveKey must name one of Encryption:Keys"
            : !IsKey(options.IndexKey) ? "Encryption:IndexKey must be a base64 key of 32 bytes"
            : options.Keys.ContainsValue(options.IndexKey) ? "Encryption:IndexKey must be a key of its own, not one of Encryption:Keys"
            : null;
    }

    public sealed class Validator : IValidateOptions<FieldEncryptionOptions>
    {
        public ValidateOptionsResult Validate(string? name, FieldEncryptionOptions options) =>
            Problem(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}

/// <summary>
/// AES-256-GCM for secrets kept at rest outside a borrower's data (a partner's webhook secrets),
/// mapped by EF Core value converters on properties marked <see cref="EncryptedAtRestAttribute"/>.
/// A stored value reads <c>enc:v1:{keyId}:</c> followed by nonce, ciphertext and tag in base64;
/// each value names the key that can open it, so keys can rotate without rewriting old rows.
/// Borrowers' personal data has an envelope of its own (<see cref="PersonalData.PersonalDataInterceptor"/>).
/// </summary>
public sealed class FieldProtector
{
    private const string Prefix = "enc:v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>A key id is a configuration key: short, and never holding ':'.</summary>
    private const int MaxKeyIdLength = 64;

    private readonly Dictionary<string, KeyMaterial> keys;
    private readonly KeyMaterial activeKey;
    private readonly string activeHeader;

    // EF converts a value more than once per save (change detection, the parameter); a string is
    // immutable, so while an instance lives it keeps the one ciphertext it was given.
    private readonly ConditionalWeakTable<string, string> sealedText = new();
    private readonly ConditionalWeakTable<string, string>.CreateValueCallback sealAsText;

    public FieldProtector(FieldEncryptionOptions options)
    {
        keys = options.Keys.ToDictionary(k => k.Key, k => new KeyMaterial(Convert.FromBase64String(k.Value), Encoding.UTF8.GetBytes(k.Key)));
        if (keys.Values.Any(k => k.Key.Length != 32) || !keys.TryGetValue(options.ActiveKey, out var active))
        {
            throw new InvalidOperationException("Encryption:Keys must hold 32-byte base64 keys and Encryption:ActiveKey must name one of them.");
        }

        activeKey = active;
        activeHeader = $"{Prefix}{options.ActiveKey}:";
        sealAsText = SealAsText;
    }

    public ValueConverter<string, string> Converter => new(plain => Protect(plain), stored => Unprotect(stored));

    public string Protect(string plain) => sealedText.GetValue(plain, sealAsText);

    public string Unprotect(string stored)
    {
        var rest = stored.StartsWith(Prefix, StringComparison.Ordinal)
            ? stored.AsSpan(Prefix.Length)
            : throw new CryptographicException("A field that must be encrypted at rest was stored in clear.");
        var separator = rest[..Math.Min(rest.Length, MaxKeyIdLength)].IndexOf(':');
        var key = KeyNamed(separator < 0 ? null : rest[..separator].ToString());
        var encoded = rest[(separator + 1)..];
        var buffer = ArrayPool<byte>.Shared.Rent(encoded.Length / 4 * 3);
        try
        {
            if (!Convert.TryFromBase64Chars(encoded, buffer, out var sealedLength))
            {
                throw new CryptographicException("An encrypted field is not valid base64.");
            }

            return Open(key, buffer.AsSpan(0, sealedLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private KeyMaterial KeyNamed(string? keyId) =>
        keyId is null ? throw new CryptographicException("An encrypted field's header names no key.")
        : keys.TryGetValue(keyId, out var key) ? key
        : throw new CryptographicException($"Encryption key '{keyId}' is not configured.");

    private string SealAsText(string plain)
    {
        var plainLength = Encoding.UTF8.GetByteCount(plain);
        var sealedLength = NonceSize + plainLength + TagSize;
        var plainBuffer = ArrayPool<byte>.Shared.Rent(plainLength);
        var sealedBuffer = ArrayPool<byte>.Shared.Rent(sealedLength);
        try
        {
            Encoding.UTF8.GetBytes(plain, plainBuffer);
            var sealedValue = sealedBuffer.AsSpan(0, sealedLength);
            RandomNumberGenerator.Fill(sealedValue[..NonceSize]);
            using var aes = new AesGcm(activeKey.Key, TagSize);
            aes.Encrypt(sealedValue[..NonceSize], plainBuffer.AsSpan(0, plainLength), sealedValue.Slice(NonceSize, plainLength),
                sealedValue[(NonceSize + plainLength)..], activeKey.AssociatedData);
            return activeHeader + Convert.ToBase64String(sealedValue);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plainBuffer, clearArray: true);
            ArrayPool<byte>.Shared.Return(sealedBuffer);
        }
    }

    private static string Open(KeyMaterial key, ReadOnlySpan<byte> sealedValue)
    {
        if (sealedValue.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("An encrypted field is too short to hold a value.");
        }

        var plainLength = sealedValue.Length - NonceSize - TagSize;
        var buffer = ArrayPool<byte>.Shared.Rent(plainLength);
        try
        {
            var plainBytes = buffer.AsSpan(0, plainLength);
            using var aes = new AesGcm(key.Key, TagSize);
            aes.Decrypt(sealedValue[..NonceSize], sealedValue.Slice(NonceSize, plainLength), sealedValue[(NonceSize + plainLength)..],
                plainBytes, key.AssociatedData);
            return Encoding.UTF8.GetString(plainBytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>For a service that never touches encrypted fields (the migrations step): any attempt fails loudly.</summary>
    public static ValueConverter<string, string> Unavailable { get; } = new(_ => Refuse<string>(), _ => Refuse<string>());

    private static T Refuse<T>() => throw new InvalidOperationException("This service has no field encryption keys.");

    /// <summary>A key and its id as bytes: the id is the associated data, so a value cannot be opened as another key's.</summary>
    private sealed record KeyMaterial(byte[] Key, byte[] AssociatedData);
}
