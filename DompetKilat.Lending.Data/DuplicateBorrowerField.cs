using DompetKilat.Lending.Data;

namespace DompetKilat.Lending.Borrowers;

public static class DuplicateBorrowerField
{
    /// <summary>The partner-facing field a unique-index violation is about, or null when it is none of them.</summary>
    public static string? FromConstraint(string? constraintName) => constraintName switch
    {
        BorrowerConfiguration.IdNumberIndex => "idNumber",
        BorrowerConfiguration.PhoneNumberIndex => "phoneNumber",
        BorrowerConfiguration.EmailIndex => "email",
        _ => null,
    };
}
