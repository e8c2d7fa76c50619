using System.Security.Cryptography;

namespace DompetKilat.Lending.Loans;

/// <summary>Loan codes the back office did not choose: <c>LC</c> and digits, as the partner reference's samples look.</summary>
public static class LoanCodes
{
    /// <summary>
    /// Twelve random digits: unguessable enough that a code says nothing about other loans, and
    /// a collision (which the unique index still catches) is a one-in-10^12 event per pair.
    /// </summary>
    public static string New() => $"LC{RandomNumberGenerator.GetInt32(100_000, 1_000_000):D6}{RandomNumberGenerator.GetInt32(0, 1_000_000):D6}";
}
