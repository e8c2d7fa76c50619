using DompetKilat.Domain.Persistence;

namespace DompetKilat.CallbackWorker.Callbacks;

/// <summary>
/// Wakes the worker the moment a callback is committed. A missed notification (listener
/// reconnecting, database restarting) delays a callback, never loses it: the worker also sweeps
/// on a timer, and every reconnect rings once.
/// </summary>
internal sealed class CallbackNotifications(IConfiguration configuration, ILogger<CallbackNotifications> logger)
    : DatabaseNotifications(LoanCallbackConfiguration.NotificationChannel, configuration, logger)
{
    private readonly SemaphoreSlim doorbell = new(0, 1);

    /// <summary>Waits for a notification, or for <paramref name="timeout"/> to pass.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await doorbell.WaitAsync(timeout, cancellationToken);

    protected override void OnNotification() => Ring();

    // Anything committed while nobody listened is picked up by the sweep this triggers.
    protected override void OnListening() => Ring();

    private void Ring()
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

    public override void Dispose()
    {
        doorbell.Dispose();
        base.Dispose();
    }
}
