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

    /// <summary>
    /// What becomes of an event after its <paramref name="attempts"/>th attempt failed: given up on
    /// when the partner answered 410 Gone or the next try would fall past <paramref name="retryUntil"/>,
    /// otherwise due again after <see cref="Backoff"/>.
    /// </summary>
    public static FailedAttempt AfterFailure(int attempts, DateTime retryUntil, AttemptFailure failure, DateTime now, double jitter)
    {
        var next = now + Backoff(attempts, jitter);
        if (failure.Gone)
        {
            return new FailedAttempt(true, next, "partner answered 410 Gone");
        }

        return next > retryUntil
            ? new FailedAttempt(true, next, failure.Error ?? $"partner answered {failure.Status}")
            : new FailedAttempt(false, next, null);
    }
}

/// <summary>Why an attempt failed: the partner's status (null when it gave no answer), our error, and whether it answered 410 Gone.</summary>
public sealed record AttemptFailure(int? Status, string? Error, bool Gone);

/// <summary>The outcome of a failed attempt: given up on (with the reason) or due again at <see cref="NextAttemptAt"/>.</summary>
public sealed record FailedAttempt(bool GivesUp, DateTime NextAttemptAt, string? Reason);
