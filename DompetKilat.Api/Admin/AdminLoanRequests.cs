using DompetKilat.Api.Contract;
using DompetKilat.Lending.Borrowers;
using FluentValidation;

namespace DompetKilat.Api.Admin;

/// <summary>Back-office approval; every field is optional (API-CONTRACT §2).</summary>
// Defaults, so the OpenAPI document says what the Api accepts: an absent field is not required.
public sealed record ApproveLoanRequest(string? LoanCode = null, string? ContractNo = null, string? ContractDate = null);

public sealed record RejectLoanRequest(string? Reason);

public sealed class ApproveLoanRequestValidator : AbstractValidator<ApproveLoanRequest>
{
    public ApproveLoanRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.LoanCode).NotEmpty().MaximumLength(64)
            .Must(code => code!.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            .WithMessage("loanCode may hold only letters, digits, '-' and '_'")
            .When(r => r.LoanCode is not null);
        RuleFor(r => r.ContractNo).MaximumLength(128);
        RuleFor(r => r.ContractDate)
            .Must(date => FieldRules.TryParsePastDate(date!, PartnerCalendar.Today(clock), out _))
            .WithMessage("contractDate must be a real date in dd/MM/yyyy, not in the future")
            .When(r => r.ContractDate is not null);
        this.RefuseNulCharacters();
    }
}

public sealed class RejectLoanRequestValidator : AbstractValidator<RejectLoanRequest>
{
    public RejectLoanRequestValidator()
    {
        RuleFor(r => r.Reason).NotEmpty().MaximumLength(1024);
        this.RefuseNulCharacters();
    }
}
