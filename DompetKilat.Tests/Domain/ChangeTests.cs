using DompetKilat.Lending.BackOffice;

namespace DompetKilat.Tests.Domain;

public sealed class ChangeTests
{
    private static readonly DateTime Made = new(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc);
    private static readonly Operator Ayu = new("ayu", "Ayu Lestari");
    private static readonly Operator Budi = new("budi", "Budi Santoso");
    private static readonly string[] PartnerManager = ["partner-manager"];

    private static Change Proposed() =>
        Change.Make(ChangeKind.RegisterPartner, "partner-manager", "TOKOKU", "{}", Ayu, Made, TimeSpan.FromHours(24));

    [Fact]
    public void A_second_operator_with_the_role_approves_and_is_named()
    {
        var change = Proposed();

        Assert.Equal(ChangeDecision.Taken, change.Approve(Budi, PartnerManager, Made.AddHours(1)));

        Assert.Equal((ChangeState.Approved, "budi", "Budi Santoso", Made.AddHours(1)),
            (change.State, change.CheckerSubject, change.CheckerName, change.DecidedAt));
    }

    [Fact]
    public void Its_maker_cannot_approve_it_whatever_the_roles()
    {
        var change = Proposed();

        Assert.Equal(ChangeDecision.ByItsMaker, change.Approve(Ayu with { Name = "Someone else" }, PartnerManager, Made.AddHours(1)));
        Assert.Equal(ChangeState.Pending, change.State);
    }

    [Fact]
    public void Its_maker_may_withdraw_it()
    {
        var change = Proposed();

        Assert.Equal(ChangeDecision.Taken, change.Reject(Ayu, PartnerManager, Made.AddHours(1)));
        Assert.Equal(ChangeState.Rejected, change.State);
    }

    [Fact]
    public void A_checker_without_the_makers_role_is_refused()
    {
        var change = Proposed();

        Assert.Equal(ChangeDecision.WrongRole, change.Approve(Budi, ["auditor", "operations"], Made.AddHours(1)));
        Assert.Equal(ChangeState.Pending, change.State);
    }

    [Fact]
    public void A_decided_change_cannot_be_decided_again()
    {
        var change = Proposed();
        change.Approve(Budi, PartnerManager, Made.AddHours(1));

        Assert.Equal(ChangeDecision.AlreadyDecided, change.Approve(new Operator("citra", "Citra"), PartnerManager, Made.AddHours(2)));
        Assert.Equal(ChangeDecision.AlreadyDecided, change.Reject(new Operator("citra", "Citra"), PartnerManager, Made.AddHours(2)));
        Assert.Equal(("budi", ChangeState.Approved), (change.CheckerSubject, change.State));
    }

    [Fact]
    public void A_change_past_its_lifetime_has_expired_and_cannot_be_approved()
    {
        var change = Proposed();

        Assert.Equal(ChangeState.Pending, change.StateAt(Made.AddHours(23)));
        Assert.Equal(ChangeState.Expired, change.StateAt(Made.AddHours(24)));
        Assert.Equal(ChangeDecision.Expired, change.Approve(Budi, PartnerManager, Made.AddHours(25)));
        Assert.Equal((ChangeState.Expired, null), (change.State, change.CheckerSubject));
        Assert.Equal(ChangeDecision.AlreadyDecided, change.Approve(Budi, PartnerManager, Made.AddHours(26)));
    }

    [Fact]
    public void A_change_needs_a_lifetime()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Change.Make(ChangeKind.EnablePartner, "partner-manager", "TOKOKU", "{}", Ayu, Made, TimeSpan.Zero));
    }
}
