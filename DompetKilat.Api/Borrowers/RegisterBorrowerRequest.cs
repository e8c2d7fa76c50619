using System.Text.Json.Serialization;
using DompetKilat.Api.Contract;
using DompetKilat.Lending.Borrowers;
using FluentValidation;

namespace DompetKilat.Api.Borrowers;

/// <summary>Partner reference "Register Borrower". Every field is required; nulls reach the validator.</summary>
public sealed record RegisterBorrowerRequest(
    string? Map,
    string? ProductCode,
    [property: JsonConverter(typeof(StringOrNumberConverter))] string? PhoneNumber,
    string? Email,
    string? FullName,
    string? IdNumber,
    string? BirthDate);

public sealed class RegisterBorrowerRequestValidator : AbstractValidator<RegisterBorrowerRequest>
{
    public RegisterBorrowerRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.Map).NotEmpty().Equal(Borrower.PersonalBorrowerType)
            .WithMessage($"map must be {Borrower.PersonalBorrowerType}");
        RuleFor(r => r.ProductCode).NotEmpty().MaximumLength(32);
        RuleFor(r => r.PhoneNumber).NotEmpty().Must(p => FieldRules.IsPhoneNumber(p!))
            .WithMessage("phoneNumber must start with 62 and have 10 to 15 digits");
        RuleFor(r => r.Email).NotEmpty().Must(e => FieldRules.IsEmail(e!))
            .WithMessage("email must be a valid address");
        RuleFor(r => r.FullName).NotEmpty().MaximumLength(200);
        RuleFor(r => r.IdNumber).NotEmpty().Must(n => FieldRules.IsIdNumber(n!))
            .WithMessage("idNumber must be digits only, at most 16");
        RuleFor(r => r.BirthDate).NotEmpty().Must(d => FieldRules.TryParsePastDate(d!, PartnerCalendar.Today(clock), out _))
            .WithMessage("birthDate must be a real date in dd/MM/yyyy, not in the future");
        this.RefuseNulCharacters();
    }
}
