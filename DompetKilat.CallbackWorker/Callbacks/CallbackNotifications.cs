using DompetKilat.Lending.Data;
using StackExchange.Redis;

namespace DompetKilat.CallbackWorker.Callbacks;

/// <summary>
/// Wakes the worker the moment a callback is committed: the Api rings on Redis for each new one,
/// PostgreSQL notifies for each one an operator sends back. With Redis away the sweep finds new
/// callbacks; once it is back, one ring catches up on what it may have missed.
/// </summary>
internal sealed class CallbackNotifications(IConfiguration configuration, IConnectionMultiplexer redis, ILogger<CallbackNotifications> logger)
    : Doorbell(LoanCallbackConfiguration.NotificationChannel, configuration, logger)
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored += (_, _) => Ring();
        try
        {
            await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(LoanCallbackConfiguration.NotificationChannel), (_, _) => Ring());
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The multiplexer keeps the subscription and makes it when Redis is reachable.
            logger.LogWarning(ex, "Redis is unreachable; new callbacks are found by the sweep until it is back");
        }

        await base.StartAsync(cancellationToken);
    }
}
