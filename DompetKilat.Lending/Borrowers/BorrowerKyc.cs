
namespace DompetKilat.Lending.Borrowers;

/// <summary>
/// The know-your-customer profile a loan application completes, part by part as the partner
/// reference groups it; the parts are stored in the borrower's row. Photos are kept apart in
/// <see cref="BorrowerDocuments"/>.
/// </summary>
public sealed class BorrowerPersonalDetails
{
    public required string Gender { get; set; }
    public required string BirthPlace { get; set; }
    [PersonalData]
    public required string Address { get; set; }
    public required string Village { get; set; }
    public required string Subdistrict { get; set; }
    public required string City { get; set; }
    public required string Province { get; set; }
    public required string PostalCode { get; set; }
    [PersonalData]
    [EncryptedAtRest]
    public required string MotherMaidenName { get; set; }
    [PersonalData]
    [EncryptedAtRest]
    public required string FamilyCard { get; set; }
}

public sealed class BorrowerJob
{
    public required string OfficeName { get; set; }
    public DateOnly StartDate { get; set; }
    public required string Job { get; set; }
    public required string JobType { get; set; }
    public required string JobOnline { get; set; }
    public required string WorkExperience { get; set; }
}

public sealed class BorrowerIncome
{
    public required string IncomeRange { get; set; }
}

public sealed class BorrowerAsset
{
    public required string AssetRange { get; set; }
    public required string HomeOwnership { get; set; }
}

public sealed class BorrowerBank
{
    public required string BankName { get; set; }
    [PersonalData]
    [EncryptedAtRest]
    public required string BankAccountNumber { get; set; }
}

public sealed class BorrowerEmergencyContact
{
    [PersonalData]
    public required string Name { get; set; }
    [PersonalData]
    public required string PhoneNumber { get; set; }
    public required string Relationship { get; set; }
}

public sealed class BorrowerMarital
{
    public required string MaritalStatus { get; set; }
}

public sealed class BorrowerEducation
{
    public required string Education { get; set; }
}

public sealed class BorrowerReligion
{
    public required string Religion { get; set; }
}

/// <summary>
/// The borrower's KTP and selfie photos, hundreds of KB each, in a table of their own: reading or
/// changing a borrower does not carry them, and a loan application replaces them without reading
/// the previous ones.
/// </summary>
public sealed class BorrowerDocuments
{
    /// <summary>The borrower's id: one set of photos per borrower.</summary>
    public long Id { get; set; }

    [PersonalData]
    [EncryptedAtRest(AsBytes = true)]
    public required string FotoKtp { get; set; }
    [PersonalData]
    [EncryptedAtRest(AsBytes = true)]
    public required string FotoSelfie { get; set; }
}
