using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Loans;

namespace DompetKilat.Lending.Callbacks;

/// <summary>
/// The lender's disbursement and repayment callbacks (partner reference "Callback Disbursement",
/// "Callback Repayment"): one shape for both. Money is whole rupiah in <see cref="long"/>.
/// </summary>
public sealed record CallbackBody(
    string? TransactionId,
    string? LoanCode,
    string? BankCode,
    string? PaymentAccountNumber,
    string? Status,
    long? LoanAmount,
    long? LoanAmountPaid,
    int? Tenor,
    string? TenorUnit,
    int? NumberOfPay,
    IReadOnlyList<CallbackHistory>? Histories)
{
    /// <summary>The loan as this callback describes it; only for a body that passed validation.</summary>
    public LoanSnapshot ToSnapshot()
    {
        if (!LoanStatusExtensions.TryParseCallbackStatus(Status ?? "", out var status)
            || !FieldRules.TryParseTenorUnit(TenorUnit ?? "", out var tenorUnit)
            || BankCode is null || PaymentAccountNumber is null || LoanAmount is null || Tenor is null)
        {
            throw new InvalidCallbackException("the stored callback lacks a field its validation requires");
        }

        return new LoanSnapshot(
            status, BankCode, PaymentAccountNumber, LoanAmount.Value, LoanAmountPaid ?? 0, Tenor.Value, tenorUnit,
            NumberOfPay ?? 0,
            [.. (Histories ?? []).Select(h => new LoanRepayment
            {
                TransactionTime = h.TransactionTime!.Value.UtcDateTime,
                PaymentAmount = h.PaymentAmount!.Value,
            })]);
    }
}

/// <summary>One repayment in a callback's <c>histories</c>.</summary>
public sealed record CallbackHistory(DateTimeOffset? TransactionTime, long? PaymentAmount);

/// <summary>A stored callback the worker cannot read; it is parked, never dropped.</summary>
public sealed class InvalidCallbackException(string message) : Exception(message);
