using System.Security.Cryptography;
using System.Text;

namespace DompetKilat.Lending.Data.PersonalData;

/// <summary>
/// The master keys (<see cref="FieldEncryptionOptions.Keys"/>) that wrap each borrower's data key:
/// envelope encryption, so rotating a master key rewraps 32-byte data keys and never re-encrypts
/// personal data. A wrapped key is bound to its row and to the master key that wrapped it, so it
/// cannot be copied onto another row or passed off as another key's.
/// </summary>
public sealed class MasterKeys
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>The size of a wrapped data key: nonce, the 32-byte key sealed, tag.</summary>
    public const int WrappedSize = NonceSize + DataKey.Size + TagSize;

    private readonly Dictionary<string, byte[]> keys;

    public MasterKeys(FieldEncryptionOptions options)
    {
        keys = options.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value), StringComparer.Ordinal);
        if (keys.Values.Any(k => k.Length != 32) || !keys.ContainsKey(options.ActiveKey))
        {
            throw new InvalidOperationException("Encryption:Keys must hold 32-byte base64 keys and Encryption:ActiveKey must name one of them.");
        }

        ActiveKeyId = options.ActiveKey;
    }

    /// <summary>The key new data keys are wrapped with, and the one the rotation job rewraps every older data key with.</summary>
    public string ActiveKeyId { get; }

    public IReadOnlyCollection<string> KeyIds => keys.Keys;

    public byte[] Wrap(DataKey dataKey, string keyId, RowAddress row)
    {
        var wrapped = new byte[WrappedSize];
        RandomNumberGenerator.Fill(wrapped.AsSpan(0, NonceSize));
        using var aes = new AesGcm(KeyNamed(keyId, row), TagSize);
        aes.Encrypt(wrapped.AsSpan(0, NonceSize), dataKey.Material, wrapped.AsSpan(NonceSize, DataKey.Size),
            wrapped.AsSpan(NonceSize + DataKey.Size), AssociatedData(keyId, row));
        return wrapped;
    }

    public DataKey Unwrap(byte[]? wrapped, string? keyId, RowAddress row)
    {
        if (wrapped is not { Length: WrappedSize } || keyId is null)
        {
            throw new PersonalDataUnreadableException(row.Table, "data_key", row.Id);
        }

        var material = new byte[DataKey.Size];
        try
        {
            using var aes = new AesGcm(KeyNamed(keyId, row), TagSize);
            aes.Decrypt(wrapped.AsSpan(0, NonceSize), wrapped.AsSpan(NonceSize, DataKey.Size), wrapped.AsSpan(NonceSize + DataKey.Size),
                material, AssociatedData(keyId, row));
        }
        catch (CryptographicException ex)
        {
            throw new PersonalDataUnreadableException(row.Table, "data_key", row.Id, ex);
        }

        return new DataKey(material);
    }

    /// <summary>
    /// The data key that <paramref name="keyId"/> wrapped for <paramref name="row"/>, wrapped again
    /// by the active key for the same row: the data key itself, and so every value sealed with it, stays.
    /// </summary>
    public byte[] Rewrap(byte[]? wrapped, string? keyId, RowAddress row) => Wrap(Unwrap(wrapped, keyId, row), ActiveKeyId, row);

    private byte[] KeyNamed(string keyId, RowAddress row) =>
        keys.TryGetValue(keyId, out var key) ? key : throw new PersonalDataUnreadableException(row.Table, "data_key", row.Id,
            new CryptographicException($"Master key '{keyId}' is not configured on this replica."));

    private static byte[] AssociatedData(string keyId, RowAddress row) => Encoding.UTF8.GetBytes($"dk1|{row.Table}|{row.Id}|{keyId}");
}

/// <summary>A row holding personal data: what its ciphertext is bound to, with the column.</summary>
public readonly record struct RowAddress(string Table, long Id);
