namespace DompetKilat.Api.Contract;

internal static class PartnerCalendar
{
    /// <summary>
    /// "Not in the future" is judged by the calendar in eastern Indonesia (UTC+9, no daylight
    /// saving), the latest date anywhere in the country, so no partner is refused a date that is
    /// already today where its borrower lives.
    /// </summary>
    public static DateOnly Today(TimeProvider clock) =>
        DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddHours(9));
}
