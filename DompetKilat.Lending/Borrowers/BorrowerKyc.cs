
namespace DompetKilat.Lending.Borrowers;

/// <summary>
/// The know-your-customer profile a loan application completes, part by part as the partner
/// reference groups it; the parts are stored in the borrower's row. Photos are kept apart in
/// <see cref="BorrowerDocuments"/>. Every value of the personal details, the bank account and the
/// emergency contact is personal data, encrypted at rest with the borrower's identity.
/// </summary>
public sealed class BorrowerPersonalDetails
{
    public required string Gender { get; init; }
    [PersonalData]
    public required string BirthPlace { get; init; }
    [PersonalData]
    public required string Address { get; init; }
    public required string Village { get; init; }
    public required string Subdistrict { get; init; }
    public required string City { get; init; }
    public required string Province { get; init; }
    public required string PostalCode { get; init; }
    [PersonalData]
    public required string MotherMaidenName { get; init; }
    [PersonalData]
    public required string FamilyCard { get; init; }

    /// <summary>The borrower's tax number; the partner reference sends it among the application's references.</summary>
    [PersonalData]
    public required string Npwp { get; init; }
}

public sealed class BorrowerJob
{
    public required string OfficeName { get; init; }
    public DateOnly StartDate { get; init; }
    public required string Job { get; init; }
    public required string JobType { get; init; }
    public required string JobOnline { get; init; }
    public required string WorkExperience { get; init; }
}

public sealed class BorrowerIncome
{
    public required string IncomeRange { get; init; }
}

public sealed class BorrowerAsset
{
    public required string AssetRange { get; init; }
    public required string HomeOwnership { get; init; }
}

public sealed class BorrowerBank
{
    public required string BankName { get; init; }
    [PersonalData]
    public required string BankAccountNumber { get; init; }
}

public sealed class BorrowerEmergencyContact
{
    [PersonalData]
    public required string Name { get; init; }
    [PersonalData]
    public required string PhoneNumber { get; init; }
    public required string Relationship { get; init; }
}

public sealed class BorrowerMarital
{
    public required string MaritalStatus { get; init; }
}

public sealed class BorrowerEducation
{
    public required string Education { get; init; }
}

public sealed class BorrowerReligion
{
    public required string Religion { get; init; }
}

/// <summary>
/// The borrower's KTP and selfie photos, hundreds of KB each, in a table of their own: reading or
/// changing a borrower does not carry them, and a loan application replaces them without reading
/// the previous ones.
/// </summary>
public sealed class BorrowerDocuments
{
    public BorrowerDocuments(long id, string fotoKtp, string fotoSelfie)
    {
        Id = id;
        FotoKtp = fotoKtp;
        FotoSelfie = fotoSelfie;
    }

    /// <summary>For EF Core, which reads the photos sealed; the persistence library opens them.</summary>
    private BorrowerDocuments()
    {
        FotoKtp = FotoSelfie = "";
    }

    /// <summary>The borrower's id: one set of photos per borrower.</summary>
    public long Id { get; private set; }

    [PersonalData]
    public string FotoKtp { get; private set; }

    [PersonalData]
    public string FotoSelfie { get; private set; }
}
