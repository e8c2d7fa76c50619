namespace DompetKilat.Api.Security;

/// <summary>
/// Request budgets (token buckets): one per partner on partner routes, one per address on
/// back-office routes and for callback senders, whose end-of-day batches legitimately burst.
/// Every budget is shared by all Api replicas (kept in Redis).
/// </summary>
public sealed class CallerRateLimits
{
    public const string Section = "RateLimits";
    public const string PartnerPolicy = "partners";
    public const string CallbackPolicy = "callbacks";

    /// <summary>A partner's own redeliveries and test events: each one makes us call the partner, so they have a budget of their own.</summary>
    public const string RedeliveryPolicy = "partner-redeliveries";

    /// <summary>
    /// The built-in partner <c>LOCAL</c>, and back-office and callback callers on loopback, are not
    /// limited; the default in Development only, where loopback is the developer's own tools,
    /// benchmarks and tests. A registered partner has its budget everywhere.
    /// </summary>
    public bool? ExemptLoopback { get; set; }

    public Budget Partners { get; set; } = new() { TokenLimit = 200, TokensPerSecond = 100 };

    public Budget Callbacks { get; set; } = new() { TokenLimit = 4000, TokensPerSecond = 2000 };

    /// <summary>
    /// Per partner, for <c>POST /v1/events/{eventId}/redeliver</c> and <c>POST /v1/webhooks/test</c> instead of
    /// <see cref="Partners"/>: enough to resend a handful of lost events at once, not to replay the whole history
    /// through its webhook (the events API is for that).
    /// </summary>
    public Budget Redeliveries { get; set; } = new() { TokenLimit = 10, TokensPerSecond = 1 };

    public sealed class Budget
    {
        /// <summary>The largest burst a caller may send at once.</summary>
        public int TokenLimit { get; set; }

        /// <summary>The sustained rate a caller may keep up.</summary>
        public int TokensPerSecond { get; set; }
    }
}
