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
public sealed class EncryptedAtRestAttribute : Attribute
{
    /// <summary>
    /// Stored as bytes (<c>bytea</c>) instead of text. For large values (photos): base64 text is a
    /// third larger than its bytes, and every byte of a photo is written to the table and the WAL.
    /// </summary>
    public bool AsBytes { get; set; }
}

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
/// AES-256-GCM for fields encrypted at rest. A stored value reads <c>enc:v1:{keyId}:</c> followed by
/// nonce, ciphertext and tag: in base64 for a text column, as they are for a <c>bytea</c> one. Each
/// value names the key that can open it, so keys can rotate without rewriting old rows.
/// </summary>
public sealed class FieldProtector
{
    private const string Prefix = "enc:v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary><see cref="Prefix"/> in UTF-8, for values stored as bytes.</summary>
    private static ReadOnlySpan<byte> PrefixBytes => "enc:v1:"u8;

    /// <summary>A key id is a configuration key: short, and never holding ':'.</summary>
    private const int MaxKeyIdLength = 64;

    private readonly Dictionary<string, KeyMaterial> keys;
    private readonly KeyMaterial activeKey;
    private readonly string activeHeader;
    private readonly byte[] activeHeaderBytes;

    // EF converts a value more than once per save (change detection, the row the owned parts
    // share, the parameter), and each conversion of a photo was a new encryption of hundreds of
    // kilobytes: a third of a loan application's CPU. A string is immutable, so while an instance
    // lives it keeps the one ciphertext it was given.
    private readonly ConditionalWeakTable<string, string> sealedText = new();
    private readonly ConditionalWeakTable<string, byte[]> sealedBytes = new();
    private readonly ConditionalWeakTable<string, string>.CreateValueCallback sealAsText;
    private readonly ConditionalWeakTable<string, byte[]>.CreateValueCallback sealAsBytes;

    public FieldProtector(FieldEncryptionOptions options)
    {
        keys = options.Keys.ToDictionary(k => k.Key, k => new KeyMaterial(Convert.FromBase64String(k.Value), Encoding.UTF8.GetBytes(k.Key)));
        if (keys.Values.Any(k => k.Key.Length != 32) || !keys.TryGetValue(options.ActiveKey, out var active))
        {
            throw new InvalidOperationException("Encryption:Keys must hold 32-byte base64 keys and Encryption:ActiveKey must name one of them.");
        }

        activeKey = active;
        activeHeader = $"{Prefix}{options.ActiveKey}:";
        activeHeaderBytes = Encoding.UTF8.GetBytes(activeHeader);
        sealAsText = SealAsText;
        sealAsBytes = SealAsBytes;
    }

    public ValueConverter<string, string> Converter => new(plain => Protect(plain), stored => Unprotect(stored));

    public ValueConverter<string, byte[]> BytesConverter => new(plain => ProtectAsBytes(plain), stored => Unprotect(stored));

    public string Protect(string plain) => sealedText.GetValue(plain, sealAsText);

    /// <summary>The stored bytes of <paramref name="plain"/>; shared by every save of that string, so never to be changed.</summary>
    public byte[] ProtectAsBytes(string plain) => sealedBytes.GetValue(plain, sealAsBytes);

    public string Unprotect(string stored)
    {
        var rest = stored.StartsWith(Prefix, StringComparison.Ordinal) ? stored.AsSpan(Prefix.Length) : throw StoredInClear();
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

    public string Unprotect(byte[] stored)
    {
        var rest = stored.AsSpan().StartsWith(PrefixBytes) ? stored.AsSpan(PrefixBytes.Length) : throw StoredInClear();
        var separator = rest[..Math.Min(rest.Length, MaxKeyIdLength)].IndexOf((byte)':');
        var key = KeyNamed(separator < 0 ? null : Encoding.UTF8.GetString(rest[..separator]));
        return Open(key, rest[(separator + 1)..]);
    }

    private static CryptographicException StoredInClear() => new("A field that must be encrypted at rest was stored in clear.");

    private KeyMaterial KeyNamed(string? keyId) =>
        keyId is null ? throw new CryptographicException("An encrypted field's header names no key.")
        : keys.TryGetValue(keyId, out var key) ? key
        : throw new CryptographicException($"Encryption key '{keyId}' is not configured.");

    private string SealAsText(string plain)
    {
        var sealedLength = NonceSize + Encoding.UTF8.GetByteCount(plain) + TagSize;
        var buffer = ArrayPool<byte>.Shared.Rent(sealedLength);
        try
        {
            Seal(plain, buffer.AsSpan(0, sealedLength));
            return string.Create(activeHeader.Length + ((sealedLength + 2) / 3 * 4), (header: activeHeader, buffer, sealedLength), static (chars, state) =>
            {
                state.header.CopyTo(chars);
                Convert.TryToBase64Chars(state.buffer.AsSpan(0, state.sealedLength), chars[state.header.Length..], out _);
            });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private byte[] SealAsBytes(string plain)
    {
        var stored = new byte[activeHeaderBytes.Length + NonceSize + Encoding.UTF8.GetByteCount(plain) + TagSize];
        activeHeaderBytes.CopyTo(stored, 0);
        Seal(plain, stored.AsSpan(activeHeaderBytes.Length));
        return stored;
    }

    /// <summary>
    /// Seals <paramref name="plain"/> into <paramref name="sealedValue"/>, which must be exactly
    /// as long as the nonce, the UTF-8 of <paramref name="plain"/> and the tag together.
    /// </summary>
    private void Seal(string plain, Span<byte> sealedValue)
    {
        var plainLength = sealedValue.Length - NonceSize - TagSize;
        // Photos run to hundreds of kilobytes: the plain bytes live in a pooled buffer, cleared on
        // return because they held personal data.
        var buffer = ArrayPool<byte>.Shared.Rent(plainLength);
        try
        {
            var plainBytes = buffer.AsSpan(0, plainLength);
            Encoding.UTF8.GetBytes(plain, plainBytes);
            RandomNumberGenerator.Fill(sealedValue[..NonceSize]);
            using var aes = new AesGcm(activeKey.Key, TagSize);
            aes.Encrypt(sealedValue[..NonceSize], plainBytes, sealedValue.Slice(NonceSize, plainLength),
                sealedValue[(NonceSize + plainLength)..], activeKey.AssociatedData);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
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

    /// <summary>As <see cref="Unavailable"/>, for fields stored as bytes.</summary>
    public static ValueConverter<string, byte[]> UnavailableAsBytes { get; } = new(_ => Refuse<byte[]>(), _ => Refuse<string>());

    private static T Refuse<T>() => throw new InvalidOperationException("This service has no field encryption keys.");

    /// <summary>A key and its id as bytes: the id is the associated data, so a value cannot be opened as another key's.</summary>
    private sealed record KeyMaterial(byte[] Key, byte[] AssociatedData);
}
