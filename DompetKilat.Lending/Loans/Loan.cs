using System.Diagnostics;
using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Notifications;

namespace DompetKilat.Lending.Loans;

/// <summary>
/// A loan application and what became of it, with the lifecycle of API-CONTRACT §3: every step
/// that moves a loan is one of its methods, whether it comes from the back office or from the
/// lender's callbacks, and each step returns the notifications it raises (they are also kept on the
/// loan until they are saved with it). Money is whole rupiah in <see cref="long"/>; timestamps are UTC.
/// </summary>
public sealed class Loan
{
    private readonly List<RaisedLoanEvent> raisedEvents = [];

    /// <summary>A new application, inactive until the back office approves it.</summary>
    public Loan(long borrowerId, int productId, long plafons, long amount, int tenor, string tenorUnit, string interest,
        LoanReferences references, DateTime now)
    {
        BorrowerId = borrowerId;
        ProductId = productId;
        Plafons = plafons;
        Amount = amount;
        Tenor = tenor;
        TenorUnit = tenorUnit;
        Interest = interest;
        References = references;
        CreatedAt = now;
        UpdatedAt = now;
    }

    /// <summary>For EF Core, which sets the stored state through the private setters.</summary>
    private Loan()
    {
        TenorUnit = "";
        Interest = "";
        References = null!;
    }

    public long Id { get; init; }

    public long BorrowerId { get; private set; }

    public Borrower? Borrower { get; private set; }

    public int ProductId { get; private set; }

    public LoanStatus Status { get; private set; } = LoanStatus.Inactive;

    /// <summary>Assigned when the back office approves; empty until then, as the partner reference shows.</summary>
    public string LoanCode { get; private set; } = "";

    public long Plafons { get; private set; }

    public long Amount { get; private set; }

    public int Tenor { get; private set; }

    public string TenorUnit { get; private set; }

    public string ContractNo { get; private set; } = "";

    public DateOnly? ContractDate { get; private set; }

    public string Interest { get; private set; }

    public LoanReferences References { get; private set; }

    /// <summary>Bank the lender disbursed through (disbursement callback).</summary>
    public string BankCode { get; private set; } = "";

    /// <summary>Virtual account the borrower repays into (disbursement callback).</summary>
    public string PaymentAccountNumber { get; private set; } = "";

    public DateTime? DisbursedAt { get; private set; }

    /// <summary>Cumulative amount repaid, from the newest applied repayment snapshot.</summary>
    public long LoanAmountPaid { get; private set; }

    /// <summary>How many repayments the newest applied snapshot counts; orders snapshots.</summary>
    public int NumberOfPay { get; private set; }

    public List<LoanRepayment> Histories { get; private set; } = [];

    public DateTime? ApprovedAt { get; private set; }

    public string? RejectionReason { get; private set; }

    /// <summary>Row version, so two back-office steps on one loan cannot both win.</summary>
    public uint Version { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public DateTime? DeletedAt { get; private set; }

    /// <summary>Notifications raised by steps not saved yet; the outbox takes them when the loan is saved.</summary>
    public IReadOnlyList<RaisedLoanEvent> RaisedEvents => raisedEvents;

    public void ClearRaisedEvents() => raisedEvents.Clear();

    public LifecycleStep Approve(string loanCode, string contractNo, DateOnly? contractDate, DateTime now)
    {
        if (Status != LoanStatus.Inactive)
        {
            return LifecycleStep.Forbidden(Refusal("approved"));
        }

        Status = LoanStatus.Approved;
        LoanCode = loanCode;
        ContractNo = contractNo;
        ContractDate = contractDate;
        ApprovedAt = now;
        UpdatedAt = now;
        return Raise([LoanEvents.Approved], now);
    }

    public LifecycleStep Reject(string reason, DateTime now)
    {
        if (Status is not (LoanStatus.Inactive or LoanStatus.Approved))
        {
            return LifecycleStep.Forbidden(Refusal("rejected"));
        }

        Status = LoanStatus.Rejected;
        RejectionReason = reason;
        UpdatedAt = now;
        return Raise([LoanEvents.Rejected], now);
    }

    /// <summary>
    /// Applies the lender's snapshot. The lender is the system of record, so its terms overwrite
    /// the requested ones; but snapshots are cumulative, so one that counts fewer repayments than
    /// the applied one is stale, and a terminal loan is never reopened.
    /// </summary>
    public LifecycleStep Apply(LoanSnapshot snapshot, DateTime acceptedAt, DateTime now)
    {
        if (Status.IsTerminal())
        {
            return LifecycleStep.Stale($"loan {Id} is {Status.ToContractName()}, a final status");
        }

        if (Status == LoanStatus.Inactive)
        {
            return LifecycleStep.Stale($"loan {Id} is INACTIVE and has not been approved");
        }

        if (snapshot.NumberOfPay < NumberOfPay)
        {
            return LifecycleStep.Stale($"numberOfPay {snapshot.NumberOfPay} is older than the applied {NumberOfPay}");
        }

        var (statusBefore, numberOfPayBefore, wasDisbursed) = (Status, NumberOfPay, DisbursedAt is not null);
        if (DisbursedAt is null && snapshot.Status != LoanStatus.Rejected)
        {
            DisbursedAt = acceptedAt;
        }

        Status = snapshot.Status;
        BankCode = snapshot.BankCode;
        PaymentAccountNumber = snapshot.PaymentAccountNumber;
        Amount = snapshot.LoanAmount;
        Tenor = snapshot.Tenor;
        TenorUnit = snapshot.TenorUnit;
        LoanAmountPaid = snapshot.LoanAmountPaid;
        NumberOfPay = snapshot.NumberOfPay;
        Histories = [.. snapshot.Histories];
        UpdatedAt = now;
        return Raise([.. LoanEvents.OfSnapshot(statusBefore, numberOfPayBefore, wasDisbursed, this)], now);
    }

    /// <summary>Why the loan in its current status cannot take a step, as partners read it in a <c>04</c>.</summary>
    public string Refusal(string step) => $"loan {Id} is {Status.ToContractName()} and cannot be {step}";

    /// <summary>
    /// Each notification carries the loan as this step left it and the trace of the request or
    /// callback that made the change, however many steps the loan takes before it is saved.
    /// </summary>
    private LifecycleStep Raise(IReadOnlyList<string> types, DateTime now)
    {
        if (types.Count == 0)
        {
            return LifecycleStep.Done(types);
        }

        var details = LoanDetails.From(this);
        raisedEvents.AddRange(types.Select(type => new RaisedLoanEvent(type, details, now, Activity.Current?.Id)));
        return LifecycleStep.Done(types);
    }
}

/// <summary>A notification a lifecycle step raised, with the loan as the step left it.</summary>
public sealed record RaisedLoanEvent(string Type, LoanDetails Loan, DateTime OccurredAt, string? TraceParent);

/// <summary>One repayment in the lender's snapshot (partner reference <c>histories</c>).</summary>
public sealed class LoanRepayment
{
    public DateTime TransactionTime { get; init; }

    public long PaymentAmount { get; init; }
}

/// <summary>The application's business references (partner reference <c>references</c>).</summary>
public sealed class LoanReferences
{
    public required string BusinessAddress { get; init; }
    public required string BusinessVillage { get; init; }
    public required string BusinessSubdistrict { get; init; }
    public required string BusinessCity { get; init; }
    public required string BusinessProvince { get; init; }
    public required string BusinessOwnership { get; init; }
    public required string JobPosition { get; init; }
}
