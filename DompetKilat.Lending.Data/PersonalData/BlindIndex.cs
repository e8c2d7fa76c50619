using System.Security.Cryptography;
using System.Text;

namespace DompetKilat.Lending.Data.PersonalData;

/// <summary>
/// Keyed blind indexes (HMAC-SHA256 under <see cref="FieldEncryptionOptions.IndexKey"/>, a key of its
/// own, never an encryption key) of the values borrowers are found and kept unique by: NIK, phone
/// number and email. The database's unique indexes on them keep concurrent registrations of one
/// person to one winner, as unique indexes on the clear values did; without the key, an index
/// says nothing about its value. Each field has its own domain, so equal values of two fields differ.
/// </summary>
public sealed class BlindIndex
{
    private readonly byte[] key;

    public BlindIndex(FieldEncryptionOptions options)
    {
        key = string.IsNullOrEmpty(options.IndexKey) ? [] : Convert.FromBase64String(options.IndexKey);
        if (key.Length != 32)
        {
            throw new InvalidOperationException("Encryption:IndexKey must be a base64 32-byte key of its own (not one of Encryption:Keys).");
        }

        if (options.Keys.Values.Any(k => k == options.IndexKey))
        {
            throw new InvalidOperationException("Encryption:IndexKey must differ from every key in Encryption:Keys.");
        }
    }

    public byte[] IdNumber(string value) => Of("idNumber", value);

    public byte[] PhoneNumber(string value) => Of("phoneNumber", value);

    public byte[] Email(string value) => Of("email", value);

    private byte[] Of(string field, string value) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{field}\0{value}"));
}
