using System.Globalization;

namespace DompetKilat.Bench;

/// <summary>
/// Numbers as the table has always printed them (it was computed with bc): truncated, not rounded,
/// to SCALE decimals, without a leading zero (".33"), and a bare "0" for zero.
/// </summary>
public static class Bc
{
    public static string Divide(decimal dividend, decimal divisor, int scale)
    {
        var factor = (decimal)Math.Pow(10, scale);
        var value = Math.Truncate(dividend / divisor * factor) / factor;
        if (value == 0)
        {
            return "0";
        }
        var text = value.ToString("F" + scale.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return text.StartsWith("0.", StringComparison.Ordinal) ? text[1..]
            : text.StartsWith("-0.", StringComparison.Ordinal) ? "-" + text[2..]
            : text;
    }
}
