using DompetKilat.Lending.Loans;
using DompetKilat.Lending.Partners;
using DompetKilat.Lending.Products;

namespace DompetKilat.Lending.Borrowers;

/// <summary>
/// A person a partner onboarded. NIK (<see cref="IdNumber"/>), phone number and email each
/// identify exactly one borrower; the database enforces it, so concurrent registrations of
/// the same person leave one winner. A borrower belongs to the partner that registered it: to
/// every other partner it does not exist (API-CONTRACT §8).
/// </summary>
public sealed class Borrower
{
    public const string PersonalBorrowerType = "PERSONAL_BORROWER";

    public long Id { get; set; }

    public string BorrowerType { get; set; } = PersonalBorrowerType;

    public int PartnerId { get; set; }

    public Partner? Partner { get; set; }

    public int ProductId { get; set; }

    public Product? Product { get; set; }

    [PersonalData]
    public required string IdNumber { get; set; }

    [PersonalData]
    public required string PhoneNumber { get; set; }

    [PersonalData]
    public required string Email { get; set; }

    [PersonalData]
    public required string FullName { get; set; }

    public DateOnly BirthDate { get; set; }

    public bool IsVerified { get; set; }

    public BorrowerPersonalDetails? PersonalDetails { get; set; }
    public BorrowerJob? Job { get; set; }
    public BorrowerIncome? Income { get; set; }
    public BorrowerAsset? Asset { get; set; }
    public BorrowerBank? Bank { get; set; }
    public BorrowerEmergencyContact? EmergencyContact { get; set; }
    public BorrowerMarital? Marital { get; set; }
    public BorrowerEducation? Education { get; set; }
    public BorrowerReligion? Religion { get; set; }
    public BorrowerDocuments? Documents { get; set; }

    /// <summary>The loan the profile shows (the partner reference's <c>loanData</c>): the one applied for last.</summary>
    public long? LatestLoanId { get; set; }

    public Loan? LatestLoan { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? DeletedAt { get; set; }
}
