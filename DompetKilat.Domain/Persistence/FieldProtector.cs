using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace DompetKilat.Domain.Persistence;

/// <summary>
/// Marks a stored field that is never searched and is encrypted at rest (photos, mother's
/// maiden name, family card, bank account, NPWP). Searchable identity (NIK, phone, email) is not.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EncryptedAtRestAttribute : Attribute;

/// <summary>Keys for fields encrypted at rest, from configuration (<c>Encryption</c> section).</summary>
public sealed class FieldEncryptionOptions
{
    public const string Section = "Encryption";

    /// <summary>Key id → base64 of 32 random bytes. Old keys stay listed so old rows stay readable.</summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    /// <summary>The key new values are written with; rotating is adding a key and pointing this at it.</summary>
    public string ActiveKey { get; set; } = "";
}

/// <summary>
/// AES-256-GCM for fields encrypted at rest. A stored value reads <c>enc:v1:{keyId}:{base64}</c>,
/// the base64 holding nonce, ciphertext and tag, so each value names the key that can open it and
/// keys can rotate without rewriting old rows.
/// </summary>
public sealed class FieldProtector
{
    private const string Prefix = "enc:v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly Dictionary<string, KeyMaterial> keys;
    private readonly KeyMaterial activeKey;
    private readonly string activeHeader;

    // EF converts a value more than once per save (change detection, the row the owned parts
    // share, the parameter), and each conversion of a photo was a new encryption of hundreds of
    // kilobytes: a third of a loan application's CPU. A string is immutable, so while an instance
    // lives it keeps the one ciphertext it was given.
    private readonly ConditionalWeakTable<string, string> sealedValues = new();
    private readonly ConditionalWeakTable<string, string>.CreateValueCallback seal;

    public FieldProtector(FieldEncryptionOptions options)
    {
        keys = options.Keys.ToDictionary(k => k.Key, k => new KeyMaterial(Convert.FromBase64String(k.Value), Encoding.UTF8.GetBytes(k.Key)));
        if (keys.Values.Any(k => k.Key.Length != 32) || !keys.TryGetValue(options.ActiveKey, out var active))
        {
            throw new InvalidOperationException("Encryption:Keys must hold 32-byte base64 keys and Encryption:ActiveKey must name one of them.");
        }

        activeKey = active;
        activeHeader = $"{Prefix}{options.ActiveKey}:";
        seal = Seal;
    }

    public ValueConverter<string, string> Converter => new(plain => Protect(plain), stored => Unprotect(stored));

    public string Protect(string plain) => sealedValues.GetValue(plain, seal);

    // Photos run to hundreds of kilobytes, so each direction works in pooled buffers (cleared on
    // return: they held personal data) and allocates only the string it returns.
    private string Seal(string plain)
    {
        var plainLength = Encoding.UTF8.GetByteCount(plain);
        var sealedLength = NonceSize + plainLength + TagSize;
        var buffer = ArrayPool<byte>.Shared.Rent(plainLength + sealedLength);
        try
        {
            var plainBytes = buffer.AsSpan(0, plainLength);
            var sealedBytes = buffer.AsSpan(plainLength, sealedLength);
            Encoding.UTF8.GetBytes(plain, plainBytes);
            RandomNumberGenerator.Fill(sealedBytes[..NonceSize]);
            using (var aes = new AesGcm(activeKey.Key, TagSize))
            {
                aes.Encrypt(sealedBytes[..NonceSize], plainBytes, sealedBytes.Slice(NonceSize, plainLength),
                    sealedBytes[(NonceSize + plainLength)..], activeKey.AssociatedData);
            }

            return string.Create(activeHeader.Length + ((sealedLength + 2) / 3 * 4), (header: activeHeader, buffer, plainLength, sealedLength), static (chars, state) =>
            {
                state.header.CopyTo(chars);
                Convert.TryToBase64Chars(state.buffer.AsSpan(state.plainLength, state.sealedLength), chars[state.header.Length..], out _);
            });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    public string Unprotect(string stored)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException("A field that must be encrypted at rest was stored in clear.");
        }

        var separator = stored.IndexOf(':', Prefix.Length);
        var keyId = stored[Prefix.Length..separator];
        var key = keys.TryGetValue(keyId, out var found) ? found : throw new CryptographicException($"Encryption key '{keyId}' is not configured.");
        var encoded = stored.AsSpan(separator + 1);
        var buffer = ArrayPool<byte>.Shared.Rent(encoded.Length / 4 * 3 * 2);
        try
        {
            if (!Convert.TryFromBase64Chars(encoded, buffer, out var sealedLength) || sealedLength < NonceSize + TagSize)
            {
                throw new CryptographicException("An encrypted field is not valid base64.");
            }

            var plainLength = sealedLength - NonceSize - TagSize;
            var sealedBytes = buffer.AsSpan(0, sealedLength);
            var plainBytes = buffer.AsSpan(sealedLength, plainLength);
            using (var aes = new AesGcm(key.Key, TagSize))
            {
                aes.Decrypt(sealedBytes[..NonceSize], sealedBytes.Slice(NonceSize, plainLength), sealedBytes[(NonceSize + plainLength)..],
                    plainBytes, key.AssociatedData);
            }

            return Encoding.UTF8.GetString(plainBytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>For a service that never touches encrypted fields (the migrations step): any attempt fails loudly.</summary>
    public static ValueConverter<string, string> Unavailable { get; } = new(value => Refuse(value), value => Refuse(value));

    private static string Refuse(string value) => throw new InvalidOperationException("This service has no field encryption keys.");

    /// <summary>A key and its id as bytes: the id is the associated data, so a value cannot be opened as another key's.</summary>
    private sealed record KeyMaterial(byte[] Key, byte[] AssociatedData);
}
