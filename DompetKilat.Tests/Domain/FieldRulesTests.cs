using DompetKilat.Lending.Borrowers;

namespace DompetKilat.Tests.Domain;

public sealed class FieldRulesTests
{
    [Theory]
    [InlineData("6281234567890", true)]
    [InlineData("6281234567", true)]
    [InlineData("628123456789012", true)]
    [InlineData("628123456", false)]
    [InlineData("6281234567890123", false)]
    [InlineData("081234567890", false)]
    [InlineData("+6281234567890", false)]
    [InlineData("62812345678９0", false)]
    [InlineData("", false)]
    public void Phone_numbers_are_62_then_digits_10_to_15_long(string value, bool valid) =>
        Assert.Equal(valid, FieldRules.IsPhoneNumber(value));

    [Theory]
    [InlineData("362638287638783", true)]
    [InlineData("3626382876387831", true)]
    [InlineData("36263828763878312", false)]
    [InlineData("36263828763878a", false)]
    [InlineData("", false)]
    public void A_nik_is_at_most_16_digits(string value, bool valid) =>
        Assert.Equal(valid, FieldRules.IsIdNumber(value));

    [Theory]
    [InlineData("budi@example.co.id", true)]
    [InlineData("Budi <budi@example.com>", false)]
    [InlineData("budi@localhost", false)]
    [InlineData("budi", false)]
    public void Emails_are_bare_addresses_with_a_domain(string value, bool valid) =>
        Assert.Equal(valid, FieldRules.IsEmail(value));

    [Theory]
    [InlineData("15/04/2001", true)]
    [InlineData("29/02/2024", true)]
    [InlineData("29/02/2023", false)]
    [InlineData("2001-04-15", false)]
    [InlineData("25/11/2026", true)]
    [InlineData("26/11/2026", false)]
    public void Dates_are_real_dd_MM_yyyy_days_not_after_today(string value, bool valid) =>
        Assert.Equal(valid, FieldRules.TryParsePastDate(value, new DateOnly(2026, 11, 25), out _));

    [Theory]
    [InlineData("5000000", 5_000_000L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Rupiah_amounts_are_exact_whole_numbers(string value, long expected)
    {
        Assert.True(FieldRules.TryParseRupiah(value, out var amount));
        Assert.Equal(expected, amount);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5000")]
    [InlineData("5000.50")]
    [InlineData("5,000")]
    [InlineData("9223372036854775808")]
    [InlineData(" 5000")]
    public void Rupiah_amounts_that_are_not_positive_whole_numbers_are_refused(string value) =>
        Assert.False(FieldRules.TryParseRupiah(value, out _));

    [Theory]
    [InlineData("day", "DAY")]
    [InlineData("Week", "WEEK")]
    [InlineData("MONTH", "MONTH")]
    public void Tenor_units_are_read_in_any_case(string value, string expected)
    {
        Assert.True(FieldRules.TryParseTenorUnit(value, out var unit));
        Assert.Equal(expected, unit);
    }

    [Theory]
    [InlineData("123456789012345", true)]
    [InlineData("1234567890123456", true)]
    [InlineData("12345678901234", false)]
    [InlineData("12.345.678.9-012.345", false)]
    public void Npwp_is_15_or_16_digits(string value, bool valid) =>
        Assert.Equal(valid, FieldRules.IsNpwp(value));

    [Theory]
    [InlineData("https://cdn.example.com/ktp.jpg", true)]
    [InlineData("http://cdn.example.com/ktp.jpg", false)]
    [InlineData("/9j/4AAQSkZJRgABAQEASABIAAD/2wBD", true)]
    [InlineData("/9j/4AAQ SkZJRgAB AQEASABIAAD/2wBD", true)]
    [InlineData("/9j/4AAQSkZJRgABAQEASABIAAD/2wBD<", false)]
    [InlineData("/9j/4AAQ\r\nSkZJRgAB\tAQEASABIAAD/2wBD", true)]
    [InlineData("<script>alert(1)</script>", false)]
    [InlineData("abc", false)]
    [InlineData("/9j/4AAQSkZJRgA", false)]
    public void Photos_are_https_links_or_base64_data(string value, bool valid) =>
        Assert.Equal(valid, FieldRules.IsPhoto(value));
}
