using System.Globalization;
using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Data.PersonalData;
using DompetKilat.Lending.Loans;

namespace DompetKilat.Api.Borrowers;

/// <summary>
/// The partner reference's "Register Borrower" success body, field for field. The *Id counters
/// and related collections are part of the published shape; they are 0 and null until the
/// loan application supplies the profile.
/// </summary>
public sealed record RegisteredBorrower(
    long Id,
    long BorrowerBankId,
    long JobId,
    long JobTypeId,
    long JobOnlineId,
    long IncomeId,
    long AssetId,
    long ReferenceId,
    long WorkExperienceId,
    long EmergencyContactId,
    long MaritalId,
    long EducationId,
    long ReligionId,
    string BorrowerType,
    string PhoneNumber,
    string IdNumber,
    string Email,
    string FullName,
    string Gender,
    DateTime BirthDate,
    string BirthPlace,
    string Address,
    string Village,
    string Subdistrict,
    string City,
    string Province,
    string PostalCode,
    string MotherMaidenName,
    string? JobPosition,
    string FamilyCard,
    string Npwp,
    string? FotoKtp,
    string? FotoSelfie,
    bool IsVerified,
    string Status,
    object? BorrowerBanks,
    object? Jobs,
    object? JobTypes,
    object? JobOnlines,
    object? Incomes,
    object? Assets,
    object? BorrowerReferences,
    object? WorkExperiences,
    object? EmergencyContacts,
    object? Maritals,
    object? Educations,
    object? Religions,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? DeletedAt)
{
    public static RegisteredBorrower From(Borrower borrower) => new(
        borrower.Id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        borrower.BorrowerType, borrower.PhoneNumber, borrower.IdNumber, borrower.Email, borrower.FullName,
        Gender: "",
        BirthDate: borrower.BirthDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        BirthPlace: "", Address: "", Village: "", Subdistrict: "", City: "", Province: "", PostalCode: "",
        MotherMaidenName: "", JobPosition: null, FamilyCard: "", Npwp: "", FotoKtp: null, FotoSelfie: null,
        borrower.IsVerified, Status: "",
        null, null, null, null, null, null, null, null, null, null, null, null,
        borrower.CreatedAt, borrower.UpdatedAt, borrower.DeletedAt);
}

/// <summary>
/// The partner reference's "Get Data Borrower" body: the flattened profile, dates as
/// <c>dd/MM/yyyy</c>, with the latest loan's <c>loanData</c> and <c>references</c>
/// (<c>null</c> before the first loan).
/// </summary>
public sealed record BorrowerProfile(
    string Map,
    string ProductCode,
    string PhoneNumber,
    string IdNumber,
    string Email,
    string FullName,
    string Gender,
    string BirthDate,
    string BirthPlace,
    string OfficeName,
    string StartDate,
    string Address,
    string Village,
    string Subdistrict,
    string City,
    string Province,
    string PostalCode,
    string Plafons,
    string Job,
    string JobType,
    string JobOnline,
    string Income,
    string Asset,
    string HomeOwnership,
    string Religion,
    string MaritalStatus,
    string Education,
    string MotherMaidenName,
    string EmergencyContactNumber,
    string EmergencyContactName,
    string EmergencyContactRelationship,
    string BankName,
    string BankAccountNumber,
    string FamilyCard,
    string WorkExperience,
    string? FotoKtp,
    string? FotoSelfie,
    ProfileLoanData? LoanData,
    ProfileReferences? References)
{
    public static BorrowerProfile From(BorrowerProfileRecord profile)
    {
        var personal = profile.PersonalDetails;
        var job = profile.Job;
        var contact = profile.EmergencyContact;
        var latestLoan = profile.LatestLoan;
        return new(
            profile.BorrowerType, profile.ProductCode, profile.PhoneNumber, profile.IdNumber, profile.Email,
            profile.FullName, personal?.Gender ?? "", FieldRules.FormatContractDate(profile.BirthDate),
            personal?.BirthPlace ?? "", job?.OfficeName ?? "",
            job is null ? "" : FieldRules.FormatContractDate(job.StartDate),
            personal?.Address ?? "", personal?.Village ?? "", personal?.Subdistrict ?? "", personal?.City ?? "",
            personal?.Province ?? "", personal?.PostalCode ?? "",
            latestLoan?.Plafons.ToString(CultureInfo.InvariantCulture) ?? "",
            job?.Job ?? "", job?.JobType ?? "", job?.JobOnline ?? "", profile.Income?.IncomeRange ?? "",
            profile.Asset?.AssetRange ?? "", profile.Asset?.HomeOwnership ?? "", profile.Religion?.Religion ?? "",
            profile.Marital?.MaritalStatus ?? "", profile.Education?.Education ?? "", personal?.MotherMaidenName ?? "",
            contact?.PhoneNumber ?? "", contact?.Name ?? "", contact?.Relationship ?? "",
            profile.Bank?.BankName ?? "", profile.Bank?.BankAccountNumber ?? "", personal?.FamilyCard ?? "",
            job?.WorkExperience ?? "", profile.FotoKtp, profile.FotoSelfie,
            latestLoan is null ? null : ProfileLoanData.From(latestLoan),
            latestLoan is null ? null : ProfileReferences.From(latestLoan, personal?.Npwp ?? ""));
    }
}

/// <summary><c>loanData</c> of the profile: amounts as digit strings, as the partner reference shows.</summary>
public sealed record ProfileLoanData(int Tenor, string Unit, string Amount, string ContractNo, string? ContractDate)
{
    public static ProfileLoanData From(LatestLoanTerms loan) => new(
        loan.Tenor, loan.TenorUnit, loan.Amount.ToString(CultureInfo.InvariantCulture), loan.ContractNo,
        loan.ContractDate is { } date ? FieldRules.FormatContractDate(date) : null);
}

public sealed record ProfileReferences(
    string Interest, string BusinessAddress, string BusinessVillage, string BusinessSubdistrict, string BusinessCity,
    string BusinessProvince, string BusinessOwnership, string Npwp, string JobPosition)
{
    /// <summary>The latest loan's references; the NPWP is the borrower's own, kept with its personal data.</summary>
    public static ProfileReferences From(LatestLoanTerms loan, string npwp) => new(
        loan.Interest, loan.References.BusinessAddress, loan.References.BusinessVillage,
        loan.References.BusinessSubdistrict, loan.References.BusinessCity, loan.References.BusinessProvince,
        loan.References.BusinessOwnership, npwp, loan.References.JobPosition);
}
