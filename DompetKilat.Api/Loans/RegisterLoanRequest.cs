using System.Linq.Expressions;
using System.Text.Json.Serialization;
using DompetKilat.Api.Borrowers;
using DompetKilat.Api.Contract;
using DompetKilat.Lending.Borrowers;
using FluentValidation;

namespace DompetKilat.Api.Loans;

/// <summary>Partner reference "Pengajuan Pinjaman". Every field is required; nulls reach the validator.</summary>
public sealed record RegisterLoanRequest(
    string? Map, string? ProductCode,
    [property: JsonConverter(typeof(StringOrNumberConverter))] string? PhoneNumber,
    string? Email, string? FullName, string? IdNumber, string? Gender, string? BirthPlace, string? BirthDate,
    string? OfficeName, string? StartDate, string? Address, string? Village, string? Subdistrict, string? City,
    string? Province, string? PostalCode, string? Plafons, string? Job, string? JobType, string? JobOnline,
    string? Income, string? HomeOwnership, string? EmergencyContactRelationship, string? EmergencyContactName,
    [property: JsonConverter(typeof(StringOrNumberConverter))] string? EmergencyContactNumber,
    string? Religion, string? MaritalStatus, string? Education, string? MotherMaidenName, string? BankName,
    string? BankAccountNumber, string? Asset, string? FamilyCard, string? WorkExperience, string? FotoKtp,
    string? FotoSelfie, LoanDataRequest? LoanData, LoanReferencesRequest? References);

public sealed record LoanDataRequest(int? Tenor, string? Unit, string? Amount);

public sealed record LoanReferencesRequest(
    string? Interest, string? BusinessAddress, string? BusinessVillage, string? BusinessSubdistrict,
    string? BusinessCity, string? BusinessProvince, string? BusinessOwnership, string? Npwp, string? JobPosition);

public sealed class RegisterLoanRequestValidator : AbstractValidator<RegisterLoanRequest>
{
    private const int TextLimit = 200;

    public RegisterLoanRequestValidator(TimeProvider clock)
    {
        var today = () => PartnerCalendar.Today(clock);

        RuleFor(r => r.Map).NotEmpty().Equal(Borrower.PersonalBorrowerType).WithMessage($"map must be {Borrower.PersonalBorrowerType}");
        RuleFor(r => r.ProductCode).NotEmpty().MaximumLength(32);
        RuleFor(r => r.PhoneNumber).NotEmpty().Must(p => FieldRules.IsPhoneNumber(p!))
            .WithMessage("phoneNumber must start with 62 and have 10 to 15 digits");
        RuleFor(r => r.EmergencyContactNumber).NotEmpty().Must(p => FieldRules.IsPhoneNumber(p!))
            .WithMessage("emergencyContactNumber must start with 62 and have 10 to 15 digits");
        RuleFor(r => r.Email).NotEmpty().Must(e => FieldRules.IsEmail(e!)).WithMessage("email must be a valid address");
        RuleFor(r => r.IdNumber).NotEmpty().Must(n => FieldRules.IsIdNumber(n!)).WithMessage("idNumber must be digits only, at most 16");
        RuleFor(r => r.Gender).NotEmpty().Must(g => g is "L" or "P").WithMessage("gender must be L or P");
        RuleFor(r => r.BirthDate).NotEmpty().Must(d => FieldRules.TryParsePastDate(d!, today(), out _))
            .WithMessage("birthDate must be a real date in dd/MM/yyyy, not in the future");
        RuleFor(r => r.StartDate).NotEmpty().Must(d => FieldRules.TryParsePastDate(d!, today(), out _))
            .WithMessage("startDate must be a real date in dd/MM/yyyy, not in the future");
        RuleFor(r => r.Plafons).NotEmpty().Must(a => FieldRules.TryParseRupiah(a!, out _))
            .WithMessage("plafons must be a positive whole rupiah amount as digits");
        RuleFor(r => r.FotoKtp).NotEmpty().Must(f => FieldRules.IsPhoto(f!)).WithMessage("fotoKtp must be an https link or base64 image data");
        RuleFor(r => r.FotoSelfie).NotEmpty().Must(f => FieldRules.IsPhoto(f!)).WithMessage("fotoSelfie must be an https link or base64 image data");

        Expression<Func<RegisterLoanRequest, string?>>[] freeText =
        [
            r => r.FullName,
            r => r.BirthPlace,
            r => r.OfficeName,
            r => r.Address,
            r => r.Village,
            r => r.Subdistrict,
            r => r.City,
            r => r.Province,
            r => r.PostalCode,
            r => r.Job,
            r => r.JobType,
            r => r.JobOnline,
            r => r.Income,
            r => r.HomeOwnership,
            r => r.EmergencyContactRelationship,
            r => r.EmergencyContactName,
            r => r.Religion,
            r => r.MaritalStatus,
            r => r.Education,
            r => r.MotherMaidenName,
            r => r.BankName,
            r => r.BankAccountNumber,
            r => r.Asset,
            r => r.FamilyCard,
            r => r.WorkExperience,
        ];
        foreach (var field in freeText)
        {
            RuleFor(field).NotEmpty().MaximumLength(TextLimit);
        }

        RuleFor(r => r.LoanData).NotNull().SetValidator(new LoanDataValidator()!);
        RuleFor(r => r.References).NotNull().SetValidator(new LoanReferencesValidator()!);
        this.RefuseNulCharacters();
    }
}

public sealed class LoanDataValidator : AbstractValidator<LoanDataRequest>
{
    public LoanDataValidator()
    {
        RuleFor(d => d.Tenor).NotNull().GreaterThan(0);
        RuleFor(d => d.Unit).NotEmpty().Must(u => FieldRules.TryParseTenorUnit(u!, out _))
            .WithMessage("loanData.unit must be DAY, WEEK or MONTH");
        RuleFor(d => d.Amount).NotEmpty().Must(a => FieldRules.TryParseRupiah(a!, out _))
            .WithMessage("loanData.amount must be a positive whole rupiah amount as digits");
        this.RefuseNulCharacters();
    }
}

public sealed class LoanReferencesValidator : AbstractValidator<LoanReferencesRequest>
{
    public LoanReferencesValidator()
    {
        RuleFor(r => r.Interest).NotEmpty().Must(i => FieldRules.IsDecimal(i!)).WithMessage("references.interest must be a decimal number");
        RuleFor(r => r.Npwp).NotEmpty().Must(n => FieldRules.IsNpwp(n!)).WithMessage("references.npwp must be 15 or 16 digits");
        RuleFor(r => r.BusinessAddress).NotEmpty().MaximumLength(200);
        RuleFor(r => r.BusinessVillage).NotEmpty().MaximumLength(200);
        RuleFor(r => r.BusinessSubdistrict).NotEmpty().MaximumLength(200);
        RuleFor(r => r.BusinessCity).NotEmpty().MaximumLength(200);
        RuleFor(r => r.BusinessProvince).NotEmpty().MaximumLength(200);
        RuleFor(r => r.BusinessOwnership).NotEmpty().MaximumLength(200);
        RuleFor(r => r.JobPosition).NotEmpty().MaximumLength(200);
        this.RefuseNulCharacters();
    }
}
