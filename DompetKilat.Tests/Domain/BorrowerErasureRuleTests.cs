using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Loans;
using DompetKilat.Lending.Notifications;

namespace DompetKilat.Tests.Domain;

/// <summary>When a borrower's personal data may be erased, and what erasing it leaves.</summary>
public sealed class BorrowerErasureRuleTests
{
    private static readonly DateTime Now = new(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(LoanStatus.Inactive)]
    [InlineData(LoanStatus.Approved)]
    [InlineData(LoanStatus.Active)]
    public void A_borrower_with_an_open_loan_keeps_everything(LoanStatus open)
    {
        var borrower = Registered();

        Assert.Equal(ErasureOutcome.LoanOpen, borrower.Erase([LoanIn(LoanStatus.Rejected, "LC1"), LoanIn(open, "LC2")], Now));

        Assert.Equal("3201234567890001", borrower.IdNumber);
        Assert.Null(borrower.ErasedAt);
        Assert.Empty(borrower.RaisedEvents);
    }

    [Fact]
    public void Erasing_blanks_every_personal_value_once_and_tells_the_partner_the_loans_by_code()
    {
        var borrower = Registered();

        Assert.Equal(ErasureOutcome.Erased, borrower.Erase([LoanIn(LoanStatus.Completed, "LC1"), LoanIn(LoanStatus.Rejected, "")], Now));
        Assert.Equal(ErasureOutcome.AlreadyErased, borrower.Erase([], Now.AddHours(1)));

        Assert.Equal(("", "", "", "", default(DateOnly)), (borrower.IdNumber, borrower.PhoneNumber, borrower.Email, borrower.FullName, borrower.BirthDate));
        Assert.Equal(Now, borrower.ErasedAt);
        var told = Assert.Single(borrower.RaisedEvents);
        Assert.Equal(BorrowerEvents.Erased, told.Type);
        Assert.Equal(["LC1"], told.Borrower.LoanCodes);
    }

    [Fact]
    public void A_borrower_that_never_applied_can_be_erased()
    {
        var borrower = Registered();

        Assert.Equal(ErasureOutcome.Erased, borrower.Erase([], Now));
        Assert.Empty(Assert.Single(borrower.RaisedEvents).Borrower.LoanCodes);
    }

    private static Borrower Registered() =>
        new(id: 7, partnerId: 1, productId: 1, idNumber: "3201234567890001", phoneNumber: "6281234567890", email: "siti@example.co.id",
            fullName: "Siti Aminah", birthDate: new DateOnly(1990, 1, 2), now: Now.AddYears(-1));

    private static Loan LoanIn(LoanStatus status, string loanCode)
    {
        var loan = new Loan(borrowerId: 7, productId: 1, plafons: 1_000_000, amount: 1_000_000, tenor: 3, tenorUnit: "MONTH", interest: "1.5",
            new LoanReferences
            {
                BusinessAddress = "", BusinessVillage = "", BusinessSubdistrict = "", BusinessCity = "",
                BusinessProvince = "", BusinessOwnership = "", JobPosition = "",
            },
            Now.AddDays(-30));
        if (status == LoanStatus.Inactive)
        {
            return loan;
        }

        loan.Approve(loanCode, "", null, Now.AddDays(-29));
        if (status != LoanStatus.Approved)
        {
            loan.Apply(new LoanSnapshot(status, "", "", 1_000_000, 0, 3, "MONTH", 0, []), Now.AddDays(-28), Now.AddDays(-28));
        }

        return loan;
    }
}
