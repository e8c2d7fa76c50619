using System.Globalization;
using System.Text.RegularExpressions;

namespace DompetKilat.Bench;

/// <summary>A limit tool's figures as the table prints them.</summary>
public sealed record LimitResult(string Rps, string P50Ms, string P99Ms, long Errors);

/// <summary>
/// pgbench with an SQL script of eng/bench, at the bench's concurrency and duration; the
/// percentiles come from its per-transaction log.
/// </summary>
public sealed partial class PgBench(BenchSettings settings, IReadOnlyDictionary<string, string> connection)
{
    public async Task<LimitResult> RunAsync(
        string name, string script, IEnumerable<string> variables, CancellationToken cancellation, string? postgresOptions = null)
    {
        var prefix = $"pgbench-{name}";
        foreach (var old in Directory.EnumerateFiles(settings.RunDirectory, prefix + ".*"))
        {
            File.Delete(old);
        }
        string[] arguments =
        [
            "-n", "-M", "extended", "-c", $"{settings.Connections}", "-j", $"{settings.Threads}", "-T", $"{settings.Duration}",
            .. variables, "-f", Path.Combine(settings.BenchDirectory, script), "--log", $"--log-prefix={prefix}",
        ];
        var environment = new Dictionary<string, string>(connection);
        if (postgresOptions is not null)
        {
            environment["PGOPTIONS"] = postgresOptions;
        }
        var output = await ExternalTool.RunAsync("pgbench", arguments, cancellation, settings.RunDirectory, environment);
        var text = output.StandardOutput + output.StandardError;
        if (output.ExitCode != 0)
        {
            await Console.Error.WriteLineAsync(text);
            throw new BenchException($"pgbench {name} failed");
        }
        var rps = Tps().Match(text).Groups[1].Value;
        var failed = FailedTransactions().Match(text);
        // The third column of each log line is the transaction's latency in µs.
        var latencies = Directory.EnumerateFiles(settings.RunDirectory, prefix + ".*")
            .SelectMany(File.ReadLines)
            .Select(line => long.Parse(line.Split(' ')[2], CultureInfo.InvariantCulture))
            .Order()
            .ToArray();
        string Percentile(double share) =>
            (latencies[(int)(latencies.Length * share)] / 1000.0).ToString("F1", CultureInfo.InvariantCulture);
        return new LimitResult(rps, Percentile(0.50), Percentile(0.99),
            failed.Success ? long.Parse(failed.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
    }

    [GeneratedRegex(@"^tps = ([0-9]*)", RegexOptions.Multiline)]
    private static partial Regex Tps();

    [GeneratedRegex(@"^number of failed transactions: ([0-9]*)", RegexOptions.Multiline)]
    private static partial Regex FailedTransactions();
}

/// <summary>redis-benchmark's GET and SET at the bench's concurrency: the duplicate check is one GET per callback (and a SET per accepted one).</summary>
public static class RedisBenchmark
{
    public static async Task<IReadOnlyList<(string Test, LimitResult Result)>> RunAsync(
        BenchSettings settings, int port, CancellationToken cancellation)
    {
        var output = await ExternalTool.RunAsync("redis-benchmark",
            ["-h", "127.0.0.1", "-p", $"{port}", "-c", $"{settings.Connections}", "-n", $"{settings.RedisRequests}",
             "-r", "100000", "-t", "get,set", "--csv"], cancellation);
        // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        return [.. output.StandardOutput.Split('\n')
            .Select(line => line.Replace("\"", "").Split(','))
            .Where(fields => fields.Length >= 7 && fields[0] is "GET" or "SET")
            .Select(fields => (fields[0], new LimitResult(fields[1], fields[4], fields[6], 0)))];
    }
}
