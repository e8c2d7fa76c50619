namespace DompetKilat.Lending.Notifications;

/// <summary>
/// When a failed delivery goes again (API-CONTRACT §9): exponential from <see cref="FirstRetry"/>,
/// capped at <see cref="LongestRetry"/>, with up to a quarter more of jitter so a partner coming
/// back is not hit by every event at once. Retries go on for <see cref="LoanEvents.RetryWindow"/>.
/// </summary>
public static class DeliverySchedule
{
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan LongestRetry = TimeSpan.FromHours(1);

    /// <summary>The wait after the <paramref name="attempts"/>th failed attempt; <paramref name="jitter"/> in [0, 1).</summary>
    public static TimeSpan Backoff(int attempts, double jitter)
    {
        var exponential = FirstRetry * Math.Pow(2, Math.Clamp(attempts - 1, 0, 20));
        var capped = exponential < LongestRetry ? exponential : LongestRetry;
        return capped * (1 + jitter / 4);
    }
}
