using System.Globalization;
using System.Net.Mail;

namespace DompetKilat.Domain.Borrowers;

/// <summary>
/// The contract's field rules (API-CONTRACT §5) as plain functions, so they hold the same
/// wherever a field arrives and can be tested without HTTP.
/// </summary>
public static class FieldRules
{
    public const string ContractDateFormat = "dd/MM/yyyy";

    public static bool IsDigits(string value) => value.Length > 0 && value.All(char.IsAsciiDigit);

    /// <summary>Indonesian mobile numbers in international form: 62 followed by the subscriber number.</summary>
    public static bool IsPhoneNumber(string value) =>
        IsDigits(value) && value.StartsWith("62", StringComparison.Ordinal) && value.Length is >= 10 and <= 15;

    /// <summary>NIK: digits only, at most 16 (the partner reference's own sample has 15).</summary>
    public static bool IsIdNumber(string value) => IsDigits(value) && value.Length <= 16;

    public static bool IsEmail(string value) =>
        value.Length <= 254
        && MailAddress.TryCreate(value, out var address)
        && address.Address == value
        && address.Host.Contains('.', StringComparison.Ordinal);

    /// <summary>A real calendar date in <c>dd/MM/yyyy</c>, not after <paramref name="today"/>.</summary>
    public static bool TryParsePastDate(string value, DateOnly today, out DateOnly date) =>
        DateOnly.TryParseExact(value, ContractDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
        && date <= today;

    public static string FormatContractDate(DateOnly date) =>
        date.ToString(ContractDateFormat, CultureInfo.InvariantCulture);
}
