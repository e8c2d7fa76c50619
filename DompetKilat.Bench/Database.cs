using System.Globalization;
using Npgsql;

namespace DompetKilat.Bench;

/// <summary>
/// The system's PostgreSQL, as its superuser: the seed's lookups, waiting for the worker and the
/// dispatcher to finish, and the latencies the services record (accept to applied, change to 2xx).
/// </summary>
public sealed class Database(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public static Database Connect(int port, string password, string database) => new(NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder
        {
            Host = "localhost",
            Port = port,
            Username = "postgres",
            Password = password,
            Database = database,
        }.ConnectionString));

    public async Task ExecuteAsync(string sql, CancellationToken cancellation, params object[] parameters)
    {
        await using var command = Command(sql, parameters);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellation, params object[] parameters)
    {
        await using var command = Command(sql, parameters);
        return (T)(await command.ExecuteScalarAsync(cancellation))!;
    }

    public async Task<List<object[]>> RowsAsync(string sql, CancellationToken cancellation, params object[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var rows = new List<object[]>();
        while (await reader.ReadAsync(cancellation))
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// Until TABLE holds no pending row (state 0), so the next workload does not share the machine
    /// with a draining worker or dispatcher; fails after 10 minutes, naming the work that did not finish.
    /// </summary>
    public async Task WaitUntilDrainedAsync(string table, string unfinished, CancellationToken cancellation)
    {
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            if (await ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE state = 0", cancellation) == 0)
            {
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellation);
        }
        throw new BenchException($"{unfinished} in 10 minutes");
    }

    /// <summary>Until the worker has applied every accepted callback.</summary>
    public Task WaitForInboxAsync(CancellationToken cancellation) =>
        WaitUntilDrainedAsync("loan_callbacks", "the worker did not drain the callback inbox", cancellation);

    /// <summary>Until every notification owed to the benchmark partner has been delivered.</summary>
    public Task WaitForOutboxAsync(CancellationToken cancellation) =>
        WaitUntilDrainedAsync("partner_events", "the dispatcher did not deliver every notification", cancellation);

    /// <summary>
    /// The most payments any loan has, so a run's repayment snapshots start above it and each one is
    /// a change (and a notification), not a stale snapshot.
    /// </summary>
    public async Task<long> PaymentsSoFarAsync(CancellationToken cancellation) =>
        Convert.ToInt64(await ScalarAsync<object>("SELECT coalesce(max(number_of_pay), 0) FROM loans", cancellation), CultureInfo.InvariantCulture);

    public Task<DateTime> NowAsync(CancellationToken cancellation) => ScalarAsync<DateTime>("SELECT now()", cancellation);

    /// <summary>p50 and p99 (ms) of processed_at - accepted_at of the callbacks a run (its tag) accepted.</summary>
    public async Task<(string P50, string P99)> ApplyLatencyAsync(string tag, CancellationToken cancellation)
    {
        var row = (await RowsAsync(
            """
            SELECT coalesce(round(1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - accepted_at)))::text, '-'),
                   coalesce(round(1000 * percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM processed_at - accepted_at)))::text, '-')
            FROM loan_callbacks WHERE transaction_id LIKE $1 || '-%' AND processed_at IS NOT NULL
            """, cancellation, tag))[0];
        return ((string)row[0], (string)row[1]);
    }

    /// <summary>
    /// How many notifications of changes since SINCE were delivered, and p50/p99 of change to 2xx
    /// (delivered_at - occurred_at).
    /// </summary>
    public Task<string> NotifyLatencyAsync(DateTime since, CancellationToken cancellation) => ScalarAsync<string>(
        """
        SELECT count(*) || ' notifications delivered, change to 2xx p50 '
               || coalesce(round(1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - occurred_at)))::text, '-')
               || ' ms, p99 '
               || coalesce(round(1000 * percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - occurred_at)))::text, '-')
               || ' ms'
        FROM partner_events WHERE occurred_at >= $1 AND delivered_at IS NOT NULL
        """, cancellation, since);

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private NpgsqlCommand Command(string sql, object[] parameters)
    {
        var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return command;
    }
}
