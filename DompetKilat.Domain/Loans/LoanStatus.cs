namespace DompetKilat.Domain.Loans;

/// <summary>The loan lifecycle's statuses; each value is the contract's <c>state</c> number.</summary>
public enum LoanStatus
{
    Inactive = 1,
    Approved = 2,
    Active = 3,
    Completed = 4,
    Rejected = 5,
    Closed = 6,
}

public static class LoanStatusExtensions
{
    /// <summary>The upper-case name partners read in <c>status</c>.</summary>
    public static string ToContractName(this LoanStatus status) => status.ToString().ToUpperInvariant();

    public static bool IsTerminal(this LoanStatus status) =>
        status is LoanStatus.Completed or LoanStatus.Rejected or LoanStatus.Closed;
}
