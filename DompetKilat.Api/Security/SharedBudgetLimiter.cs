using System.Threading.RateLimiting;
using RedisRateLimiting;
using StackExchange.Redis;

namespace DompetKilat.Api.Security;

/// <summary>
/// A caller's token bucket kept in Redis, so every Api replica draws on one budget. While Redis
/// is unreachable each replica falls back to a bucket of its own with the same size: degraded (a
/// caller may get one budget per replica), never unlimited and never refusing everyone.
/// A replica takes tokens from Redis a few at a time (a twentieth of the burst, at most a hundred)
/// and hands them out locally for up to a second: a round trip per request cost a partner route
/// half its throughput in the benchmark, and a refill every tenth request still stalled a busy
/// partner's concurrent requests behind it. What a replica holds unused is at most that batch, so
/// the shared budget is exceeded by no more than a twentieth of the burst per replica, and only for
/// that second.
/// One request at a time refills a replica's batch; the others wait for it and share what it
/// took. Refilling side by side, each concurrent request took a whole batch from Redis and
/// replaced the others' leftovers with its own, so a partner sending in parallel spent a batch per
/// request and was refused at a fraction of its budget.
/// </summary>
internal sealed class SharedBudgetLimiter : RateLimiter
{
    /// <summary>After a failure, how long to keep to the local bucket before asking Redis again.</summary>
    private static readonly TimeSpan DegradedPeriod = TimeSpan.FromSeconds(5);

    /// <summary>Tokens taken ahead lapse after this, as the bucket they came from refills.</summary>
    private static readonly TimeSpan PrefetchLifetime = TimeSpan.FromSeconds(1);

    private readonly RedisTokenBucketRateLimiter<string> shared;
    private readonly TokenBucketRateLimiter local;
    private readonly SharedBudgetHealth health;
    private readonly TimeProvider clock;
    private readonly int batch;
    private readonly Lock gate = new();
    private readonly SemaphoreSlim refill = new(1, 1);
    private int prefetched;
    private DateTimeOffset prefetchedUntil;

    public SharedBudgetLimiter(
        string partition, CallerRateLimits.Budget budget, IConnectionMultiplexer redis, SharedBudgetHealth health, TimeProvider clock)
    {
        batch = Math.Clamp(budget.TokenLimit / 20, 1, 100);
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
        this.clock = clock;
    }

    public override TimeSpan? IdleDuration => local.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => local.GetStatistics();

    // The rate-limiting middleware tries a synchronous acquire first and awaits the asynchronous
    // one when that fails; a token taken ahead is handed out here, and Redis stays off this path.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        TakePrefetched(permitCount) ? Lease.Granted : Lease.NotYet;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        await refill.WaitAsync(cancellationToken);
        try
        {
            // While this request waited, the one ahead of it may have found Redis gone, or refilled the batch.
            if (health.IsDegraded)
            {
                return local.AttemptAcquire(permitCount);
            }

            if (TakePrefetched(permitCount))
            {
                return Lease.Granted;
            }

            if (permitCount == 1 && batch > 1)
            {
                using var taken = await shared.AcquireAsync(batch, cancellationToken);
                if (taken.IsAcquired)
                {
                    KeepPrefetched(batch - 1);
                    return Lease.Granted;
                }
            }

            // Fewer tokens left than a batch: the last ones are taken one at a time.
            return await shared.AcquireAsync(permitCount, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            health.Degrade(DegradedPeriod, ex);
            return local.AttemptAcquire(permitCount);
        }
        finally
        {
            refill.Release();
        }
    }

    private bool TakePrefetched(int permitCount)
    {
        lock (gate)
        {
            if (prefetched < permitCount || clock.GetUtcNow() >= prefetchedUntil)
            {
                return false;
            }

            prefetched -= permitCount;
            return true;
        }
    }

    private void KeepPrefetched(int tokens)
    {
        lock (gate)
        {
            prefetched = tokens;
            prefetchedUntil = clock.GetUtcNow() + PrefetchLifetime;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            shared.Dispose();
            local.Dispose();
            refill.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public static readonly Lease Granted = new(true);
        public static readonly Lease NotYet = new(false);

        public override bool IsAcquired => acquired;

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
