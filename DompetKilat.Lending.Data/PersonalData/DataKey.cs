using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace DompetKilat.Lending.Data.PersonalData;

/// <summary>
/// One borrower's data encryption key (AES-256-GCM): every personal value of the borrower is sealed
/// with it, and destroying its wrapped copies erases them all (crypto-shredding). A sealed value
/// reads: a format byte, nonce, ciphertext, tag; its associated data names the table, column and
/// row it was written to and its format, so a value moved anywhere else fails to open.
/// </summary>
public sealed class DataKey
{
    public const int Size = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>The UTF-8 of the value.</summary>
    private const byte Utf8Format = 1;

    /// <summary>
    /// The bytes a canonical base64 value encodes (a photo, as partners send it): a quarter fewer to
    /// store and to write to the WAL, and opening it encodes it back to exactly the text that was sent.
    /// </summary>
    private const byte DecodedBase64Format = 2;

    internal DataKey(byte[] material) => Material = material;

    internal byte[] Material { get; }

    public static DataKey New() => new(RandomNumberGenerator.GetBytes(Size));

    public byte[] Seal(ReadOnlySpan<byte> plain, FieldAddress field) => Seal(plain, field, Utf8Format);

    public byte[] SealText(string plain, FieldAddress field)
    {
        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(plain));
        try
        {
            return Seal(utf8.AsSpan(0, Encoding.UTF8.GetBytes(plain, utf8)), field, Utf8Format);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8, clearArray: true);
        }
    }

    /// <summary>As <see cref="SealText"/>, decoding a canonical base64 value first (photos run to hundreds of kilobytes).</summary>
    public byte[] SealPhoto(string plain, FieldAddress field)
    {
        var decoded = ArrayPool<byte>.Shared.Rent(plain.Length / 4 * 3);
        try
        {
            return CanonicalBase64.TryDecode(plain, decoded, out var length)
                ? Seal(decoded.AsSpan(0, length), field, DecodedBase64Format)
                : SealText(plain, field);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded, clearArray: true);
        }
    }

    /// <summary>The value as text, as it was given to <see cref="SealText"/> or <see cref="SealPhoto"/>.</summary>
    public string OpenText(byte[] stored, FieldAddress field) =>
        Open(stored, field, static (format, plain) => format == DecodedBase64Format ? Convert.ToBase64String(plain) : Encoding.UTF8.GetString(plain));

    public T Open<T>(byte[] stored, FieldAddress field, OpenedAs<T> read)
    {
        if (stored.Length < 1 + NonceSize + TagSize || stored[0] is not (Utf8Format or DecodedBase64Format))
        {
            throw new PersonalDataUnreadableException(field.Table, field.Column, field.Id);
        }

        var plainLength = stored.Length - 1 - NonceSize - TagSize;
        var buffer = ArrayPool<byte>.Shared.Rent(plainLength);
        try
        {
            var plain = buffer.AsSpan(0, plainLength);
            using var aes = new AesGcm(Material, TagSize);
            aes.Decrypt(stored.AsSpan(1, NonceSize), stored.AsSpan(1 + NonceSize, plainLength), stored.AsSpan(1 + NonceSize + plainLength),
                plain, AssociatedData(field, stored[0]));
            return read(stored[0], plain);
        }
        catch (CryptographicException ex)
        {
            throw new PersonalDataUnreadableException(field.Table, field.Column, field.Id, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private byte[] Seal(ReadOnlySpan<byte> plain, FieldAddress field, byte format)
    {
        var stored = new byte[1 + NonceSize + plain.Length + TagSize];
        stored[0] = format;
        RandomNumberGenerator.Fill(stored.AsSpan(1, NonceSize));
        using var aes = new AesGcm(Material, TagSize);
        aes.Encrypt(stored.AsSpan(1, NonceSize), plain, stored.AsSpan(1 + NonceSize, plain.Length), stored.AsSpan(1 + NonceSize + plain.Length),
            AssociatedData(field, format));
        return stored;
    }

    private static byte[] AssociatedData(FieldAddress field, byte format) =>
        Encoding.UTF8.GetBytes($"pd1|{field.Table}|{field.Column}|{field.Id}|{format}");
}

/// <summary>Turns an opened value (its format byte and plain bytes, valid only during the call) into what the caller keeps.</summary>
public delegate T OpenedAs<out T>(byte format, ReadOnlySpan<byte> plain);

/// <summary>Where a sealed value belongs: its table, column and row.</summary>
public readonly record struct FieldAddress(string Table, string Column, long Id);

internal static class CanonicalBase64
{
    /// <summary>
    /// Decodes <paramref name="text"/> when encoding the result gives back exactly
    /// <paramref name="text"/>: no white space, line breaks or stray padding bits would be lost.
    /// </summary>
    public static bool TryDecode(string text, Span<byte> decoded, out int decodedLength)
    {
        decodedLength = 0;
        if (text.Length == 0 || text.Length % 4 != 0 || !Convert.TryFromBase64String(text, decoded, out decodedLength))
        {
            return false;
        }

        var encoded = ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            return Convert.TryToBase64Chars(decoded[..decodedLength], encoded, out var written)
                && encoded.AsSpan(0, written).SequenceEqual(text);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(encoded);
        }
    }
}
