using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DompetKilat.Domain.Persistence;

/// <summary>
/// Listens on a PostgreSQL notification channel on a connection of its own and calls
/// <see cref="OnNotification"/> for each notification. Notifications are only a doorbell: nothing
/// is delivered while the listener reconnects, so <see cref="OnListening"/> runs after every
/// (re)connect and its owner catches up on whatever it may have missed.
/// </summary>
public abstract class DatabaseNotifications(string channel, IConfiguration configuration, ILogger logger) : BackgroundService
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ListenSlice = TimeSpan.FromMilliseconds(500);

    protected abstract void OnNotification();

    protected abstract void OnListening();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = configuration.GetConnectionString(LendingDatabaseExtensions.ConnectionName)
            ?? throw new InvalidOperationException($"No connection string '{LendingDatabaseExtensions.ConnectionName}'.");
        // Outside the pool: LISTEN binds to a session, and keepalives notice a dead server.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 5 };

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                connection.Notification += (_, _) => OnNotification();
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                OnListening();
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
                logger.LogWarning(ex, "Lost the database notification channel {Channel}; reconnecting", channel);
                await Task.Delay(ReconnectDelay, stoppingToken);
            }
        }
    }
}
