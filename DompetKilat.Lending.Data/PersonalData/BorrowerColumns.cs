namespace DompetKilat.Lending.Data.PersonalData;

/// <summary>
/// The persistence-only properties (EF Core shadow properties) that hold a borrower's personal data
/// sealed, its wrapped data key and its blind indexes; the model's plain properties are not mapped.
/// </summary>
public static class BorrowerColumns
{
    public const string Table = "borrowers";
    public const string DocumentsTable = "borrower_documents";

    /// <summary>Identity, personal details, bank account and emergency contact, sealed as one value (<see cref="SealedPersonalData"/>).</summary>
    public const string PersonalData = "PersonalData";

    /// <summary>The row's data key, wrapped by a master key; null once erased.</summary>
    public const string DataKey = "DataKey";

    /// <summary>Which master key wrapped <see cref="DataKey"/>; what the rotation job looks for.</summary>
    public const string DataKeyId = "DataKeyId";

    public const string IdNumberIndex = "IdNumberIndex";
    public const string PhoneNumberIndex = "PhoneNumberIndex";
    public const string EmailIndex = "EmailIndex";

    /// <summary>The photos sealed (columns <c>foto_ktp</c>, <c>foto_selfie</c>); the model's plain photos are not mapped.</summary>
    public const string FotoKtp = "SealedFotoKtp";
    public const string FotoSelfie = "SealedFotoSelfie";
}
