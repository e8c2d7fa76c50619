namespace DompetKilat.Lending.Loans;

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

    /// <summary>Reads a callback's <c>status</c>: <c>active</c>, <c>completed</c>, <c>rejected</c> or <c>closed</c>, any case.</summary>
    public static bool TryParseCallbackStatus(string value, out LoanStatus status)
    {
        status = value.ToUpperInvariant() switch
        {
            "ACTIVE" => LoanStatus.Active,
            "COMPLETED" => LoanStatus.Completed,
            "REJECTED" => LoanStatus.Rejected,
            "CLOSED" => LoanStatus.Closed,
            _ => default,
        };
        return status != default;
    }

    public static bool IsTerminal(this LoanStatus status) =>
        status is LoanStatus.Completed or LoanStatus.Rejected or LoanStatus.Closed;
}
