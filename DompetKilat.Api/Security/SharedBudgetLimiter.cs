using System.Threading.RateLimiting;
using RedisRateLimiting;
using StackExchange.Redis;

namespace DompetKilat.Api.Security;

/// <summary>
/// A caller's token bucket kept in Redis, so every Api replica draws on one budget. While Redis
/// is unreachable each replica falls back to a bucket of its own with the same size: degraded (a
/// caller may get one budget per replica), never unlimited and never refusing everyone.
/// </summary>
internal sealed class SharedBudgetLimiter : RateLimiter
{
    /// <summary>After a failure, how long to keep to the local bucket before asking Redis again.</summary>
    private static readonly TimeSpan DegradedPeriod = TimeSpan.FromSeconds(5);

    private readonly RedisTokenBucketRateLimiter<string> shared;
    private readonly TokenBucketRateLimiter local;
    private readonly SharedBudgetHealth health;

    public SharedBudgetLimiter(string partition, CallerRateLimits.Budget budget, IConnectionMultiplexer redis, SharedBudgetHealth health)
    {
        shared = new RedisTokenBucketRateLimiter<string>($"dompetkilat:budget:{partition}", new RedisTokenBucketRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => redis,
            TokenLimit = budget.TokenLimit,
            TokensPerPeriod = budget.TokensPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        });
        local = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = budget.TokenLimit,
            TokensPerPeriod = budget.TokensPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
        this.health = health;
    }

    public override TimeSpan? IdleDuration => local.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => local.GetStatistics();

    // The rate-limiting middleware tries a synchronous acquire first and awaits the asynchronous
    // one when that fails; answering "not yet" here keeps Redis off the synchronous path.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => NotYetLease.Instance;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (health.IsDegraded)
        {
            return local.AttemptAcquire(permitCount);
        }

        try
        {
            return await shared.AcquireAsync(permitCount, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            health.Degrade(DegradedPeriod, ex);
            return local.AttemptAcquire(permitCount);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            shared.Dispose();
            local.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class NotYetLease : RateLimitLease
    {
        public static readonly NotYetLease Instance = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}

/// <summary>Whether the shared budgets are reachable; one replica-wide switch, so a Redis outage costs one timeout, not one per request.</summary>
internal sealed class SharedBudgetHealth(TimeProvider clock, ILogger<SharedBudgetHealth> logger)
{
    private long degradedUntilTicks;

    public bool IsDegraded => clock.GetUtcNow().UtcTicks < Interlocked.Read(ref degradedUntilTicks);

    public void Degrade(TimeSpan period, Exception cause)
    {
        var until = (clock.GetUtcNow() + period).UtcTicks;
        if (Interlocked.Exchange(ref degradedUntilTicks, until) < clock.GetUtcNow().UtcTicks)
        {
            logger.LogWarning(cause, "Shared rate budgets are unreachable; this replica counts budgets locally for {Seconds} s", period.TotalSeconds);
        }
    }
}
