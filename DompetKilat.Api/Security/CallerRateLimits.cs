namespace DompetKilat.Api.Security;

/// <summary>
/// Per-caller request budgets (token buckets), separate for partner routes and for callbacks,
/// whose senders legitimately burst at a lender's end-of-day batch.
/// </summary>
public sealed class CallerRateLimits
{
    public const string Section = "RateLimits";
    public const string PartnerPolicy = "partners";
    public const string CallbackPolicy = "callbacks";

    /// <summary>
    /// Loopback callers are not limited; the default in Development only, where loopback is the
    /// developer's own tools, benchmarks and tests.
    /// </summary>
    public bool? ExemptLoopback { get; set; }

    public Budget Partners { get; set; } = new() { TokenLimit = 200, TokensPerSecond = 100 };

    public Budget Callbacks { get; set; } = new() { TokenLimit = 4000, TokensPerSecond = 2000 };

    public sealed class Budget
    {
        /// <summary>The largest burst a caller may send at once.</summary>
        public int TokenLimit { get; set; }

        /// <summary>The sustained rate a caller may keep up.</summary>
        public int TokensPerSecond { get; set; }
    }
}
