using System.Buffers;
using System.Globalization;
using System.Net.Mail;

namespace DompetKilat.Lending.Borrowers;

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

    /// <summary>Whole rupiah, positive, as digits in a string (the partner reference sends amounts so).</summary>
    public static bool TryParseRupiah(string value, out long amount) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out amount) && amount > 0;

    public static bool TryParseTenorUnit(string value, out string unit)
    {
        unit = value.ToUpperInvariant();
        return unit is "DAY" or "WEEK" or "MONTH";
    }

    public static bool IsDecimal(string value) =>
        decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _);

    public static bool IsNpwp(string value) => IsDigits(value) && value.Length is 15 or 16;

    private static readonly SearchValues<char> Base64Characters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");

    /// <summary>
    /// An https link, or base64 image data. The partner reference's own samples carry spaces
    /// inside the base64 (line-wrapped by some senders), so white space is allowed there.
    /// </summary>
    public static bool IsPhoto(string value)
    {
        if (value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.Host.Length > 0;
        }

        // Photos run to hundreds of kilobytes, and the usual one is unbroken base64: that case is
        // checked a vector at a time, and only a photo with white space in it is walked character by character.
        if (!value.AsSpan().ContainsAnyExcept(Base64Characters))
        {
            return value.Length >= 16;
        }

        var significant = 0;
        foreach (var c in value)
        {
            if (Base64Characters.Contains(c))
            {
                significant++;
            }
            else if (!char.IsWhiteSpace(c))
            {
                return false;
            }
        }

        return significant >= 16;
    }
}
