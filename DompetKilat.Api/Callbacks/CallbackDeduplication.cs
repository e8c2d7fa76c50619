using StackExchange.Redis;

namespace DompetKilat.Api.Callbacks;

/// <summary>
/// The fast answer for replayed callbacks. Redis only ever holds the fingerprint PostgreSQL
/// already committed, so it can be lost or down without changing an answer: PostgreSQL's unique
/// key stays the guarantee (API-CONTRACT §4).
/// </summary>
public sealed class CallbackDeduplication(IConnectionMultiplexer redis, ILogger<CallbackDeduplication> logger)
{
    /// <summary>Longer than any lender's retry window; after it PostgreSQL answers replays alone.</summary>
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    public async Task<string?> FindAsync(string transactionId)
    {
        if (!redis.IsConnected)
        {
            return null;
        }

        try
        {
            var stored = await redis.GetDatabase().StringGetAsync(Key(transactionId));
            return stored.HasValue ? stored.ToString() : null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Redis duplicate check failed; PostgreSQL decides");
            return null;
        }
    }

    public void Remember(string transactionId, string fingerprint)
    {
        if (!redis.IsConnected)
        {
            return;
        }

        try
        {
            // Fire and forget: the answer is already decided and durable, this only speeds up replays.
            redis.GetDatabase().StringSet(Key(transactionId), fingerprint, Retention, flags: CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Redis duplicate record failed; PostgreSQL still holds it");
        }
    }

    private static RedisKey Key(string transactionId) => $"callback:tx:{transactionId}";
}
