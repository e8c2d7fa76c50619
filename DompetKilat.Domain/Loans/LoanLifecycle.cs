namespace DompetKilat.Domain.Loans;

/// <summary>
/// The loan lifecycle of API-CONTRACT §3, in one place. Every step that moves a loan goes
/// through here, whether it comes from the back office or from the lender's callbacks.
/// </summary>
public static class LoanLifecycle
{
    public static LifecycleStep Approve(Loan loan, string loanCode, string contractNo, DateOnly? contractDate, DateTime now)
    {
        if (loan.Status != LoanStatus.Inactive)
        {
            return LifecycleStep.Forbidden(Refusal(loan, "approved"));
        }

        loan.Status = LoanStatus.Approved;
        loan.LoanCode = loanCode;
        loan.ContractNo = contractNo;
        loan.ContractDate = contractDate;
        loan.ApprovedAt = now;
        loan.UpdatedAt = now;
        return LifecycleStep.Done;
    }

    public static LifecycleStep Reject(Loan loan, string reason, DateTime now)
    {
        if (loan.Status is not (LoanStatus.Inactive or LoanStatus.Approved))
        {
            return LifecycleStep.Forbidden(Refusal(loan, "rejected"));
        }

        loan.Status = LoanStatus.Rejected;
        loan.RejectionReason = reason;
        loan.UpdatedAt = now;
        return LifecycleStep.Done;
    }

    /// <summary>
    /// Applies the lender's snapshot. The lender is the system of record, so its terms overwrite
    /// the requested ones; but snapshots are cumulative, so one that counts fewer repayments than
    /// the applied one is stale, and a terminal loan is never reopened.
    /// </summary>
    public static LifecycleStep Apply(Loan loan, LoanSnapshot snapshot, DateTime acceptedAt, DateTime now)
    {
        if (loan.Status.IsTerminal())
        {
            return LifecycleStep.Stale($"loan {loan.Id} is {loan.Status.ToContractName()}, a final status");
        }

        if (loan.Status == LoanStatus.Inactive)
        {
            return LifecycleStep.Stale($"loan {loan.Id} is INACTIVE and has not been approved");
        }

        if (snapshot.NumberOfPay < loan.NumberOfPay)
        {
            return LifecycleStep.Stale($"numberOfPay {snapshot.NumberOfPay} is older than the applied {loan.NumberOfPay}");
        }

        if (loan.DisbursedAt is null && snapshot.Status != LoanStatus.Rejected)
        {
            loan.DisbursedAt = acceptedAt;
        }

        loan.Status = snapshot.Status;
        loan.BankCode = snapshot.BankCode;
        loan.PaymentAccountNumber = snapshot.PaymentAccountNumber;
        loan.Amount = snapshot.LoanAmount;
        loan.Tenor = snapshot.Tenor;
        loan.TenorUnit = snapshot.TenorUnit;
        loan.LoanAmountPaid = snapshot.LoanAmountPaid;
        loan.NumberOfPay = snapshot.NumberOfPay;
        loan.Histories = [.. snapshot.Histories];
        loan.UpdatedAt = now;
        return LifecycleStep.Done;
    }

    /// <summary>Why a loan in its current status cannot take a step, as partners read it in a <c>04</c>.</summary>
    public static string Refusal(Loan loan, string step) =>
        $"loan {loan.Id} is {loan.Status.ToContractName()} and cannot be {step}";
}

/// <summary>The outcome of one lifecycle step: done, forbidden by the current status, or stale.</summary>
public sealed record LifecycleStep(LifecycleOutcome Outcome, string? Reason)
{
    public static readonly LifecycleStep Done = new(LifecycleOutcome.Done, null);

    public static LifecycleStep Forbidden(string reason) => new(LifecycleOutcome.Forbidden, reason);

    public static LifecycleStep Stale(string reason) => new(LifecycleOutcome.Stale, reason);
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
