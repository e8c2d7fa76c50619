namespace DompetKilat.Lending.Loans;

/// <summary>
/// The outcome of one lifecycle step of a <see cref="Loan"/>: done (with the notifications it
/// raised, in the order they happened), forbidden by the current status, or stale.
/// </summary>
public sealed record LifecycleStep(LifecycleOutcome Outcome, string? Reason, IReadOnlyList<string> Events)
{
    public static LifecycleStep Done(IReadOnlyList<string> events) => new(LifecycleOutcome.Done, null, events);

    public static LifecycleStep Forbidden(string reason) => new(LifecycleOutcome.Forbidden, reason, []);

    public static LifecycleStep Stale(string reason) => new(LifecycleOutcome.Stale, reason, []);
}

public enum LifecycleOutcome
{
    Done,
    Forbidden,
    Stale,
}

/// <summary>
/// What the lender's callback says the loan looks like now (disbursement and repayment
/// callbacks share the shape). Tenor units are upper-case, as loans store them.
/// </summary>
public sealed record LoanSnapshot(
    LoanStatus Status,
    string BankCode,
    string PaymentAccountNumber,
    long LoanAmount,
    long LoanAmountPaid,
    int Tenor,
    string TenorUnit,
    int NumberOfPay,
    IReadOnlyList<LoanRepayment> Histories);
