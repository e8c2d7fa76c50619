using DompetKilat.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DompetKilat.Lending.Data;

/// <summary>
/// Listens on a PostgreSQL notification channel on a connection of its own and calls
/// <see cref="OnNotification"/> for each notification. Notifications are only a doorbell: nothing
/// is delivered while the listener reconnects, so <see cref="OnListening"/> runs after every
/// (re)connect and its owner catches up on whatever it may have missed.
/// </summary>
public abstract class DatabaseNotifications(string channel, IConfiguration configuration, ILogger logger) : BackgroundService
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    protected abstract void OnNotification();

    protected abstract void OnListening();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = configuration.GetConnectionString(ResourceNames.LendingDatabase)
            ?? throw new InvalidOperationException($"No connection string '{ResourceNames.LendingDatabase}'.");
        // Outside the pool: LISTEN binds to a session, and keepalives notice a dead server. A
        // cancelled wait breaks the connection at once (CancellationTimeout -1) instead of asking
        // the server to cancel a wait it is not running, so shutdown stays prompt.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 5, CancellationTimeout = -1 };

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
                // One wait per notification, not waits of a fixed length: Npgsql ends a timed wait
                // by throwing and catching inside, and the runtime counted ten exceptions a second
                // per listener, which an operator reads as faults. Only the keepalives are left.
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
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
