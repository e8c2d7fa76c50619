using DompetKilat.Domain.Persistence;
using Npgsql;

namespace DompetKilat.CallbackWorker.Callbacks;

/// <summary>
/// Listens on the inbox's notification channel so the worker wakes the moment a callback is
/// committed. Notifications are only a doorbell: the worker also sweeps on a timer, so a missed
/// one (listener reconnecting, database restarting) delays a callback, never loses it.
/// </summary>
internal sealed class CallbackNotifications(IConfiguration configuration, ILogger<CallbackNotifications> logger) : BackgroundService
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ListenSlice = TimeSpan.FromMilliseconds(500);

    private readonly SemaphoreSlim doorbell = new(0, 1);

    /// <summary>Waits for a notification, or for <paramref name="timeout"/> to pass.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await doorbell.WaitAsync(timeout, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = configuration.GetConnectionString(LendingDatabaseExtensions.ConnectionName)
            ?? throw new InvalidOperationException($"No connection string '{LendingDatabaseExtensions.ConnectionName}'.");
        // Its own connection outside the pool: LISTEN binds to a session, and keepalives notice a dead server.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 5 };

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                connection.Notification += (_, _) => Ring();
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {LoanCallbackConfiguration.NotificationChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Anything committed while nobody listened is picked up by the sweep this triggers.
                Ring();
                // Short waits without the token: cancelling a wait on a LISTEN connection is slow,
                // and shutdown must not outlast the orchestrator's patience.
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(ListenSlice, CancellationToken.None);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                logger.LogWarning(ex, "Lost the callback notification channel; reconnecting");
                await Task.Delay(ReconnectDelay, stoppingToken);
            }
        }
    }

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
