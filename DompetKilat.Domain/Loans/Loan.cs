using DompetKilat.Domain.Borrowers;
using DompetKilat.Domain.Persistence;

namespace DompetKilat.Domain.Loans;

/// <summary>
/// A loan application and what became of it. Money is whole rupiah in <see cref="long"/>;
/// timestamps are UTC.
/// </summary>
public sealed class Loan
{
    public long Id { get; set; }

    public long BorrowerId { get; set; }

    public Borrower? Borrower { get; set; }

    public int ProductId { get; set; }

    public LoanStatus Status { get; set; } = LoanStatus.Inactive;

    /// <summary>Assigned when the back office approves; empty until then, as the partner reference shows.</summary>
    public string LoanCode { get; set; } = "";

    public long Plafons { get; set; }

    public long Amount { get; set; }

    public int Tenor { get; set; }

    public required string TenorUnit { get; set; }

    public string ContractNo { get; set; } = "";

    public DateOnly? ContractDate { get; set; }

    public required string Interest { get; set; }

    public required LoanReferences References { get; set; }

    /// <summary>Bank the lender disbursed through (disbursement callback).</summary>
    public string BankCode { get; set; } = "";

    /// <summary>Virtual account the borrower repays into (disbursement callback).</summary>
    public string PaymentAccountNumber { get; set; } = "";

    public DateTime? DisbursedAt { get; set; }

    /// <summary>Cumulative amount repaid, from the newest applied repayment snapshot.</summary>
    public long LoanAmountPaid { get; set; }

    /// <summary>How many repayments the newest applied snapshot counts; orders snapshots.</summary>
    public int NumberOfPay { get; set; }

    public List<LoanRepayment> Histories { get; set; } = [];

    public DateTime? ApprovedAt { get; set; }

    public string? RejectionReason { get; set; }

    /// <summary>Row version, so two back-office steps on one loan cannot both win.</summary>
    public uint Version { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? DeletedAt { get; set; }
}

/// <summary>One repayment in the lender's snapshot (partner reference <c>histories</c>).</summary>
public sealed class LoanRepayment
{
    public DateTime TransactionTime { get; init; }

    public long PaymentAmount { get; init; }
}

/// <summary>The application's business references (partner reference <c>references</c>).</summary>
public sealed class LoanReferences
{
    public required string BusinessAddress { get; set; }
    public required string BusinessVillage { get; set; }
    public required string BusinessSubdistrict { get; set; }
    public required string BusinessCity { get; set; }
    public required string BusinessProvince { get; set; }
    public required string BusinessOwnership { get; set; }
    [PersonalData]
    [EncryptedAtRest]
    public required string Npwp { get; set; }
    public required string JobPosition { get; set; }
}
