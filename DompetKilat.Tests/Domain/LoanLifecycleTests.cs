using DompetKilat.Lending.Loans;
using DompetKilat.Lending.Notifications;

namespace DompetKilat.Tests.Domain;

public sealed class LoanLifecycleTests
{
    private static readonly DateTime Now = new(2026, 11, 25, 3, 0, 0, DateTimeKind.Utc);

    public static TheoryData<LoanStatus> AllStatuses => [.. Enum.GetValues<LoanStatus>()];

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void Only_an_inactive_loan_can_be_approved(LoanStatus from)
    {
        var loan = LoanIn(from);

        var step = loan.Approve("LC1635132008", "CN-1", new DateOnly(2022, 1, 11), Now);

        if (from == LoanStatus.Inactive)
        {
            Assert.Equal(LifecycleOutcome.Done, step.Outcome);
            Assert.Equal(LoanStatus.Approved, loan.Status);
            Assert.Equal("LC1635132008", loan.LoanCode);
            Assert.Equal(new DateOnly(2022, 1, 11), loan.ContractDate);
        }
        else
        {
            Assert.Equal(LifecycleOutcome.Forbidden, step.Outcome);
            Assert.Equal($"loan 141 is {from.ToContractName()} and cannot be approved", step.Reason);
            Assert.Equal(from, loan.Status);
            Assert.Equal("", loan.LoanCode);
        }
    }

    [Theory]
    [MemberData(nameof(AllStatuses))]
    public void Only_an_inactive_or_approved_loan_can_be_rejected(LoanStatus from)
    {
        var loan = LoanIn(from);

        var step = loan.Reject("income not verified", Now);

        var allowed = from is LoanStatus.Inactive or LoanStatus.Approved;
        Assert.Equal(allowed ? LifecycleOutcome.Done : LifecycleOutcome.Forbidden, step.Outcome);
        Assert.Equal(allowed ? LoanStatus.Rejected : from, loan.Status);
        Assert.Equal(allowed ? "income not verified" : null, loan.RejectionReason);
    }

    [Fact]
    public void Disbursement_activates_an_approved_loan_with_the_lenders_terms()
    {
        var loan = LoanIn(LoanStatus.Approved);
        var acceptedAt = Now.AddSeconds(-1);

        var step = loan.Apply(Snapshot(LoanStatus.Active, numberOfPay: 0, amount: 900_000), acceptedAt, Now);

        Assert.Equal(LifecycleOutcome.Done, step.Outcome);
        Assert.Equal(LoanStatus.Active, loan.Status);
        Assert.Equal(900_000, loan.Amount);
        Assert.Equal("BNI", loan.BankCode);
        Assert.Equal("8808999966040139", loan.PaymentAccountNumber);
        Assert.Equal(4, loan.Tenor);
        Assert.Equal("DAY", loan.TenorUnit);
        Assert.Equal(acceptedAt, loan.DisbursedAt);
    }

    [Fact]
    public void A_newer_repayment_snapshot_replaces_the_applied_one()
    {
        var loan = LoanIn(LoanStatus.Approved);
        loan.Apply(Snapshot(LoanStatus.Active, numberOfPay: 1), Now, Now);

        var step = loan.Apply(Snapshot(LoanStatus.Active, numberOfPay: 2), Now, Now);

        Assert.Equal(LifecycleOutcome.Done, step.Outcome);
        Assert.Equal(2, loan.NumberOfPay);
        Assert.Equal(500_000, loan.LoanAmountPaid);
        Assert.Equal(2, loan.Histories.Count);
    }

    [Fact]
    public void An_older_snapshot_is_stale_and_changes_nothing()
    {
        var loan = LoanIn(LoanStatus.Approved);
        loan.Apply(Snapshot(LoanStatus.Active, numberOfPay: 3), Now, Now);
        var updatedAt = loan.UpdatedAt;

        var step = loan.Apply(Snapshot(LoanStatus.Active, numberOfPay: 2), Now.AddMinutes(1), Now.AddMinutes(1));

        Assert.Equal(LifecycleOutcome.Stale, step.Outcome);
        Assert.Equal("numberOfPay 2 is older than the applied 3", step.Reason);
        Assert.Equal(3, loan.NumberOfPay);
        Assert.Equal(750_000, loan.LoanAmountPaid);
        Assert.Equal(3, loan.Histories.Count);
        Assert.Equal(updatedAt, loan.UpdatedAt);
    }

    [Theory]
    [InlineData(LoanStatus.Completed)]
    [InlineData(LoanStatus.Rejected)]
    [InlineData(LoanStatus.Closed)]
    public void A_terminal_loan_is_never_reopened(LoanStatus terminal)
    {
        var loan = LoanIn(LoanStatus.Approved);
        loan.Apply(Snapshot(terminal, numberOfPay: 1), Now, Now);

        var step = loan.Apply(Snapshot(LoanStatus.Active, numberOfPay: 4), Now, Now);

        Assert.Equal(LifecycleOutcome.Stale, step.Outcome);
        Assert.Equal(terminal, loan.Status);
        Assert.Equal(1, loan.NumberOfPay);
    }

    [Fact]
    public void A_callback_for_a_loan_not_yet_approved_is_stale()
    {
        var loan = LoanIn(LoanStatus.Inactive);

        var step = loan.Apply(Snapshot(LoanStatus.Active, numberOfPay: 0), Now, Now);

        Assert.Equal(LifecycleOutcome.Stale, step.Outcome);
        Assert.Equal(LoanStatus.Inactive, loan.Status);
    }

    [Fact]
    public void A_loan_rejected_by_the_lender_was_never_disbursed()
    {
        var loan = LoanIn(LoanStatus.Approved);

        loan.Apply(Snapshot(LoanStatus.Rejected, numberOfPay: 0), Now, Now);

        Assert.Equal(LoanStatus.Rejected, loan.Status);
        Assert.Null(loan.DisbursedAt);
    }

    [Theory]
    [InlineData("active", LoanStatus.Active)]
    [InlineData("Completed", LoanStatus.Completed)]
    [InlineData("REJECTED", LoanStatus.Rejected)]
    [InlineData("closed", LoanStatus.Closed)]
    public void Callback_statuses_are_read_in_any_case(string value, LoanStatus expected)
    {
        Assert.True(LoanStatusExtensions.TryParseCallbackStatus(value, out var status));
        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData("approved")]
    [InlineData("inactive")]
    [InlineData("")]
    [InlineData("actived")]
    public void Statuses_a_callback_cannot_set_are_refused(string value) =>
        Assert.False(LoanStatusExtensions.TryParseCallbackStatus(value, out _));

    [Fact]
    public void Each_step_returns_the_notifications_it_raises_and_keeps_them_for_the_outbox()
    {
        var loan = LoanIn(LoanStatus.Inactive);

        Assert.Equal([LoanEvents.Approved], loan.Approve("LC1", "CN-1", null, Now).Events);
        // A first snapshot that already reports the end of the loan: the partner hears of the disbursement first.
        var step = loan.Apply(Snapshot(LoanStatus.Completed, numberOfPay: 4), Now, Now.AddMinutes(1));

        Assert.Equal([LoanEvents.Disbursed, LoanEvents.Repayment, LoanEvents.Completed], step.Events);
        Assert.Equal([LoanEvents.Approved, LoanEvents.Disbursed, LoanEvents.Repayment, LoanEvents.Completed], loan.RaisedEvents.Select(e => e.Type));
        Assert.Equal("APPROVED", loan.RaisedEvents[0].Loan.Status);
        Assert.Equal("COMPLETED", loan.RaisedEvents[^1].Loan.Status);
    }

    [Fact]
    public void A_step_not_taken_raises_nothing()
    {
        var loan = LoanIn(LoanStatus.Approved);
        loan.ClearRaisedEvents();

        Assert.Empty(loan.Approve("LC2", "", null, Now).Events);
        Assert.Empty(loan.RaisedEvents);
        var inactive = LoanIn(LoanStatus.Inactive);
        Assert.Empty(inactive.Apply(Snapshot(LoanStatus.Active, numberOfPay: 0), Now, Now).Events);
        Assert.Empty(inactive.RaisedEvents);
    }

    /// <summary>A loan brought to the status through its own steps, as the back office and the lender would.</summary>
    private static Loan LoanIn(LoanStatus status)
    {
        var loan = new Loan(borrowerId: 7, productId: 1, plafons: 1_000_000, amount: 1_000_000, tenor: 3, tenorUnit: "MONTH", interest: "1.5",
            new LoanReferences
            {
                BusinessAddress = "", BusinessVillage = "", BusinessSubdistrict = "", BusinessCity = "",
                BusinessProvince = "", BusinessOwnership = "", JobPosition = "",
            },
            Now.AddDays(-1))
        { Id = 141 };
        if (status == LoanStatus.Inactive)
        {
            return loan;
        }

        // No loan code, as a loan that was never approved shows; a rejected one is the lender's refusal.
        loan.Approve("", "", null, Now.AddDays(-1));
        if (status != LoanStatus.Approved)
        {
            loan.Apply(new LoanSnapshot(status, "", "", 1_000_000, 0, 3, "MONTH", 0, []), Now.AddDays(-1), Now.AddDays(-1));
        }

        return loan;
    }

    private static LoanSnapshot Snapshot(LoanStatus status, int numberOfPay, long amount = 1_000_000) => new(
        status, "BNI", "8808999966040139", amount, 250_000L * numberOfPay, 4, "DAY", numberOfPay,
        [.. Enumerable.Range(1, numberOfPay).Select(i => new LoanRepayment { TransactionTime = Now.AddDays(i - 10), PaymentAmount = 250_000 })]);
}
