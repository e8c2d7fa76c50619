using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace DompetKilat.Lending.Data;

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
/// A <c>bytea</c> value whose text is canonical base64 (a photo, as partners send it) is sealed
/// decoded and reads <c>enc:v2:{keyId}:</c>: a quarter fewer bytes to store and write to the WAL,
/// and opening it encodes it back to exactly the text that was sent. Its whole header is the
/// associated data, so it cannot be passed off as a <c>v1</c> value.
/// </summary>
public sealed class FieldProtector
{
    private const string Prefix = "enc:v1:";
    private const string DecodedPrefix = "enc:v2:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary><see cref="Prefix"/> in UTF-8, for values stored as bytes.</summary>
    private static ReadOnlySpan<byte> PrefixBytes => "enc:v1:"u8;

    /// <summary>A value stored as bytes whose sealed content is the decoding of its canonical base64 text.</summary>
    private static ReadOnlySpan<byte> DecodedPrefixBytes => "enc:v2:"u8;

    private static readonly Func<ReadOnlySpan<byte>, string> AsBase64 = static plainBytes => Convert.ToBase64String(plainBytes);

    /// <summary>A key id is a configuration key: short, and never holding ':'.</summary>
    private const int MaxKeyIdLength = 64;

    private readonly Dictionary<string, KeyMaterial> keys;
    private readonly KeyMaterial activeKey;
    private readonly string activeHeader;
    private readonly byte[] activeHeaderBytes;
    private readonly byte[] activeDecodedHeaderBytes;

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
        activeDecodedHeaderBytes = Encoding.UTF8.GetBytes($"{DecodedPrefix}{options.ActiveKey}:");
        sealAsText = SealAsText;
        sealAsBytes = SealAsBytes;
    }

    public ValueConverter<string, string> Converter => new(plain => Protect(plain), stored => Unprotect(stored));

    public ValueConverter<string, byte[]> BytesConverter => new(plain => ProtectAsBytes(plain), stored => Unprotect(stored));

    public string Protect(string plain) => sealedText.GetValue(plain, sealAsText);

    /// <summary>The stored bytes of <paramref name="plain"/>; shared by every save of that string, so never to be changed.</summary>
    public byte[] ProtectAsBytes(string plain) => sealedBytes.GetValue(plain, sealAsBytes);

    /// <remarks>
    /// Also opens a photo sealed decoded (<c>enc:v2:</c>) whose bytes were written back as text: the
    /// header as it is, the sealed bytes in base64.
    /// </remarks>
    public string Unprotect(string stored)
    {
        var decoded = stored.StartsWith(DecodedPrefix, StringComparison.Ordinal);
        var rest = decoded || stored.StartsWith(Prefix, StringComparison.Ordinal) ? stored.AsSpan(Prefix.Length) : throw StoredInClear();
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

            return decoded
                ? Open(key, buffer.AsSpan(0, sealedLength), Encoding.UTF8.GetBytes(stored[..^encoded.Length]), AsBase64)
                : Open(key, buffer.AsSpan(0, sealedLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public string Unprotect(byte[] stored)
    {
        var decoded = stored.AsSpan().StartsWith(DecodedPrefixBytes);
        var rest = decoded || stored.AsSpan().StartsWith(PrefixBytes) ? stored.AsSpan(PrefixBytes.Length) : throw StoredInClear();
        var separator = rest[..Math.Min(rest.Length, MaxKeyIdLength)].IndexOf((byte)':');
        var key = KeyNamed(separator < 0 ? null : Encoding.UTF8.GetString(rest[..separator]));
        var sealedValue = rest[(separator + 1)..];
        return decoded
            ? Open(key, sealedValue, stored.AsSpan(0, stored.Length - sealedValue.Length), AsBase64)
            : Open(key, sealedValue);
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
            SealText(plain, buffer.AsSpan(0, sealedLength));
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
        // Photos run to hundreds of kilobytes: their bytes live in pooled buffers, cleared on
        // return because they held personal data.
        var text = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(plain));
        var decoded = ArrayPool<byte>.Shared.Rent(plain.Length / 4 * 3);
        try
        {
            var utf8 = text.AsSpan(0, Encoding.UTF8.GetBytes(plain, text));
            return TryDecodeCanonicalBase64(utf8, decoded, out var decodedLength)
                ? SealAfter(activeDecodedHeaderBytes, decoded.AsSpan(0, decodedLength), activeDecodedHeaderBytes)
                : SealAfter(activeHeaderBytes, utf8, activeKey.AssociatedData);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(text, clearArray: true);
            ArrayPool<byte>.Shared.Return(decoded, clearArray: true);
        }
    }

    /// <summary>
    /// Decodes <paramref name="text"/> when encoding the result gives back exactly
    /// <paramref name="text"/>: no white space, line breaks or stray padding bits would be lost.
    /// </summary>
    private static bool TryDecodeCanonicalBase64(ReadOnlySpan<byte> text, Span<byte> decoded, out int decodedLength)
    {
        if (text.Length == 0 || text.Length % 4 != 0 || Base64.DecodeFromUtf8(text, decoded, out _, out decodedLength) != OperationStatus.Done)
        {
            decodedLength = 0;
            return false;
        }

        var encoded = ArrayPool<byte>.Shared.Rent(text.Length);
        try
        {
            return Base64.EncodeToUtf8(decoded[..decodedLength], encoded, out _, out var encodedLength) == OperationStatus.Done
                && encoded.AsSpan(0, encodedLength).SequenceEqual(text);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(encoded, clearArray: true);
        }
    }

    /// <summary>The stored value: <paramref name="header"/>, then <paramref name="plainBytes"/> sealed.</summary>
    private byte[] SealAfter(byte[] header, ReadOnlySpan<byte> plainBytes, ReadOnlySpan<byte> associatedData)
    {
        var stored = new byte[header.Length + NonceSize + plainBytes.Length + TagSize];
        header.CopyTo(stored, 0);
        Seal(plainBytes, stored.AsSpan(header.Length), associatedData);
        return stored;
    }

    /// <summary>As <see cref="Seal"/>, for the UTF-8 of <paramref name="plain"/>.</summary>
    private void SealText(string plain, Span<byte> sealedValue)
    {
        var plainLength = sealedValue.Length - NonceSize - TagSize;
        var buffer = ArrayPool<byte>.Shared.Rent(plainLength);
        try
        {
            Encoding.UTF8.GetBytes(plain, buffer);
            Seal(buffer.AsSpan(0, plainLength), sealedValue, activeKey.AssociatedData);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>
    /// Seals <paramref name="plainBytes"/> into <paramref name="sealedValue"/>, which must be exactly
    /// as long as the nonce, <paramref name="plainBytes"/> and the tag together.
    /// </summary>
    private void Seal(ReadOnlySpan<byte> plainBytes, Span<byte> sealedValue, ReadOnlySpan<byte> associatedData)
    {
        RandomNumberGenerator.Fill(sealedValue[..NonceSize]);
        using var aes = new AesGcm(activeKey.Key, TagSize);
        aes.Encrypt(sealedValue[..NonceSize], plainBytes, sealedValue.Slice(NonceSize, plainBytes.Length),
            sealedValue[(NonceSize + plainBytes.Length)..], associatedData);
    }

    private static string Open(KeyMaterial key, ReadOnlySpan<byte> sealedValue) =>
        Open(key, sealedValue, key.AssociatedData, static plainBytes => Encoding.UTF8.GetString(plainBytes));

    private static string Open(KeyMaterial key, ReadOnlySpan<byte> sealedValue, ReadOnlySpan<byte> associatedData, Func<ReadOnlySpan<byte>, string> toText)
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
                plainBytes, associatedData);

            return toText(plainBytes);
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
