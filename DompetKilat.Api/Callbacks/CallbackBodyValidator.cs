using DompetKilat.Api.Contract;
using DompetKilat.Domain.Borrowers;
using DompetKilat.Domain.Callbacks;
using DompetKilat.Domain.Loans;
using FluentValidation;

namespace DompetKilat.Api.Callbacks;

/// <summary>API-CONTRACT §5 for callbacks: every field the reference marks mandatory, known statuses and units, no negative money.</summary>
public sealed class CallbackBodyValidator : AbstractValidator<CallbackBody>
{
    public CallbackBodyValidator()
    {
        RuleFor(c => c.TransactionId).NotEmpty().MaximumLength(128);
        RuleFor(c => c.LoanCode).NotEmpty().MaximumLength(64);
        RuleFor(c => c.BankCode).NotEmpty().MaximumLength(32);
        RuleFor(c => c.PaymentAccountNumber).NotEmpty().MaximumLength(64);
        RuleFor(c => c.Status).NotEmpty().Must(s => LoanStatusExtensions.TryParseCallbackStatus(s!, out _))
            .WithMessage("status must be one of active, completed, rejected, closed");
        RuleFor(c => c.LoanAmount).NotNull().GreaterThanOrEqualTo(0);
        RuleFor(c => c.LoanAmountPaid).GreaterThanOrEqualTo(0);
        RuleFor(c => c.Tenor).NotNull().GreaterThan(0);
        RuleFor(c => c.TenorUnit).NotEmpty().Must(u => FieldRules.TryParseTenorUnit(u!, out _))
            .WithMessage("tenorUnit must be day, week or month");
        RuleFor(c => c.NumberOfPay).GreaterThanOrEqualTo(0);
        RuleFor(c => c.Histories).Must(h => h!.Count <= 10_000).When(c => c.Histories is not null)
            .WithMessage("histories may hold at most 10000 payments");
        RuleForEach(c => c.Histories).NotNull().ChildRules(history =>
        {
            history.RuleFor(h => h.TransactionTime).NotNull();
            history.RuleFor(h => h.PaymentAmount).NotNull().GreaterThan(0);
        });
        this.RefuseNulCharacters();
    }
}
