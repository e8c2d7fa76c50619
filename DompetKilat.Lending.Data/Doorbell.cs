using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace DompetKilat.Lending.Data;

/// <summary>
/// A notification channel as a doorbell: one ring wakes one waiting loop, which then drains
/// everything pending. A missed notification (listener reconnecting, database restarting) delays
/// work, never loses it: every reconnect rings once, and the worker's loops also sweep on a timer.
/// </summary>
public abstract class Doorbell(string channel, IConfiguration configuration, ILogger logger)
    : DatabaseNotifications(channel, configuration, logger)
{
    private readonly SemaphoreSlim doorbell = new(0, 1);

    /// <summary>Waits for a ring, or for <paramref name="timeout"/> to pass.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await doorbell.WaitAsync(timeout, cancellationToken);

    public void Ring()
    {
        if (doorbell.CurrentCount == 0)
        {
            try
            {
                doorbell.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already rung; one wake-up drains everything pending.
            }
        }
    }

    protected override void OnNotification() => Ring();

    // Anything committed while nobody listened is picked up by the sweep this triggers.
    protected override void OnListening() => Ring();

    public override void Dispose()
    {
        doorbell.Dispose();
        base.Dispose();
    }
}
