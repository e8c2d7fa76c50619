namespace DompetKilat.Lending;

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
