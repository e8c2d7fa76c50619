using DompetKilat.Lending.Borrowers;

namespace DompetKilat.Lending.Loans;

/// <summary>
/// <c>GET /v1/loan/{loanCode}</c>: the loan with what the lender's callbacks applied to it
/// (API-CONTRACT §2). <c>histories</c> is the newest applied repayment snapshot, empty before one.
/// Also the <c>data</c> of every partner notification (§9), so partners read one shape.
/// </summary>
public sealed record LoanDetails(
    long Id,
    long BorrowerId,
    string LoanCode,
    string Status,
    int State,
    long Amount,
    int Tenor,
    string TenorUnit,
    string BankCode,
    string PaymentAccountNumber,
    DateTime? DisbursedAt,
    long LoanAmountPaid,
    int NumberOfPay,
    IReadOnlyList<RepaymentHistory> Histories,
    string ContractNo,
    string? ContractDate,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static LoanDetails From(Loan loan) => new(
        loan.Id, loan.BorrowerId, loan.LoanCode, loan.Status.ToContractName(), (int)loan.Status,
        loan.Amount, loan.Tenor, loan.TenorUnit, loan.BankCode, loan.PaymentAccountNumber, loan.DisbursedAt,
        loan.LoanAmountPaid, loan.NumberOfPay,
        [.. loan.Histories.Select(h => new RepaymentHistory(h.TransactionTime, h.PaymentAmount))],
        loan.ContractNo, loan.ContractDate is { } date ? FieldRules.FormatContractDate(date) : null,
        loan.CreatedAt, loan.UpdatedAt);
}

public sealed record RepaymentHistory(DateTime TransactionTime, long PaymentAmount);
