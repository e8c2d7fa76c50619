using DompetKilat.Lending.Data;
using StackExchange.Redis;

namespace DompetKilat.Api.Callbacks;

/// <summary>
/// Wakes the callback workers once a new callback is committed. A ring on Redis, not a PostgreSQL
/// <c>NOTIFY</c> in the intake's transaction: PostgreSQL holds one lock across every notifying
/// commit, flush included, so a <c>NOTIFY</c> per callback made the intake's commits queue one
/// behind another (docs/benchmarks.md). A ring lost with Redis only delays the callback until the
/// workers' next sweep; the inbox in PostgreSQL is what holds it.
/// </summary>
public sealed class CallbackDoorbell(IConnectionMultiplexer redis, ILogger<CallbackDoorbell> logger)
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(LoanCallbackConfiguration.NotificationChannel);

    public void Ring()
    {
        if (!redis.IsConnected)
        {
            return;
        }

        try
        {
            redis.GetSubscriber().Publish(Channel, RedisValue.EmptyString, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not ring the callback workers; their sweep finds the callback");
        }
    }
}
