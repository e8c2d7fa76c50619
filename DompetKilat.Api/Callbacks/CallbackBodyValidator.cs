using DompetKilat.Api.Contract;
using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Callbacks;
using DompetKilat.Lending.Loans;
using FluentValidation;

namespace DompetKilat.Api.Callbacks;

/// <summary>
/// API-CONTRACT §5 for callbacks: every field the reference marks mandatory, known statuses and
/// units, no negative money; and §4's money rule, so a snapshot that does not add up is never stored.
/// </summary>
public sealed class CallbackBodyValidator : AbstractValidator<CallbackBody>
{
    /// <summary>
    /// How far ahead of this clock a payment time may be: the lender's clock is not ours, and the
    /// signature check already trusts the same skew.
    /// </summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public CallbackBodyValidator(TimeProvider clock)
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
            history.RuleFor(h => h.TransactionTime).NotNull()
                .Must(time => time <= clock.GetUtcNow() + ClockSkew).WithMessage("transactionTime must not lie in the future");
            history.RuleFor(h => h.PaymentAmount).NotNull().GreaterThan(0);
        });
        // The status is not checked against the amounts: the reference's own repayment sample says
        // completed after one of four payments.
        RuleFor(c => c.NumberOfPay).Equal(c => c.Histories == null ? 0 : c.Histories.Count)
            .WithMessage("numberOfPay must equal the number of histories")
            .When(c => c.NumberOfPay is >= 0);
        RuleFor(c => c.LoanAmountPaid).Equal(c => c.Histories!.Sum(h => h.PaymentAmount ?? 0))
            .WithMessage("loanAmountPaid must equal the sum of the histories' paymentAmount")
            .When(c => c.Histories is { Count: <= 10_000 } histories && histories.All(h => h is { PaymentAmount: > 0 }));
        RuleFor(c => c.LoanAmountPaid).Must(paid => paid is null or 0)
            .WithMessage("loanAmountPaid must be 0 without histories")
            .When(c => c.Histories is null);
        this.RefuseNulCharacters();
    }
}
