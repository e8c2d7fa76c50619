using System.Globalization;

namespace DompetKilat.Bench;

/// <summary>
/// What a run measures and for how long, and where the pieces listen. bench.sh passes what it
/// decided when it started the system (the AppHost's pid, the run directory, the options).
/// </summary>
public sealed record BenchSettings
{
    public required string Mode { get; init; }
    public required string RunDirectory { get; init; }
    public required int AppHostPid { get; init; }
    public required string TraceSampleRatio { get; init; }
    /// <summary>The PostgreSQL superuser's password bench.sh chose for the AppHost (PGPASSWORD).</summary>
    public required string PostgresPassword { get; init; }
    /// <summary>
    /// The secret bench.sh gave the Api to verify the lender's callbacks with (BENCH_CALLBACK_SECRET,
    /// Standard Webhooks' whsec_ form): a Production Api refuses unsigned callbacks, so wrk signs them.
    /// </summary>
    public required string CallbackSecret { get; init; }
    /// <summary>--baseline: the ref as given, its commit, and the work tree the baseline Api was built in.</summary>
    public string? BaselineRef { get; init; }
    public string? BaselineCommit { get; init; }
    public string? BaselineDirectory { get; init; }

    // Same concurrency for wrk, pgbench and redis-benchmark, so each ratio compares like with like.
    public int Connections { get; } = 16;
    public int Threads { get; } = 2;
    // Open-loop (paced) rows only: they ask for a rate, and the load generator must not cap it (16
    // connections at a 20 ms median carry about 800 a second, below the sustainable rate on a fast day).
    public int PacedConnections { get; } = 64;
    public string ReplayShare { get; } = "0.2";
    // Each measured workload of the Api, the peer and the ceiling alternates in this many slices.
    public int Slices { get; } = 3;

    public bool Quick => Mode == "quick";
    public int Duration => Quick ? 3 : 30;
    public int Warmup => Quick ? 1 : 5;
    public int Hot => Quick ? 200 : 1000;
    public int Loans => Quick ? 200 : 1000;
    public int Backlog => Quick ? 2000 : 20000;
    public int BacklogSeconds => Quick ? 8 : 90;
    public int RedisRequests => Quick ? 20000 : 300000;

    // Without the development proxy the launch profiles' ports are Kestrel's own.
    public string ApiUrl { get; } = "http://localhost:5100";
    public string BackOfficeUrl { get; } = "http://localhost:5110";
    public string BaselineUrl { get; } = "http://localhost:5102";
    public int BaselineBackOfficePort { get; } = 5103;
    public string PeerUrl { get; } = "http://127.0.0.1:5200";
    public int PeerPort { get; } = 5200;
    public string CeilingUrl { get; } = "http://127.0.0.1:5202";
    public int CeilingPort { get; } = 5202;
    // Stands in for the benchmark partner's webhook endpoint: answers every notification 204.
    public int ReceiverPort { get; } = 5201;

    public string BenchDirectory => Path.Combine(Environment.CurrentDirectory, "eng", "bench");
    public bool HasBaseline => BaselineDirectory is not null;

    /// <summary>Reads bench.sh's arguments: --mode, --run-dir, --apphost-pid, --trace-sample-ratio, [--baseline REF COMMIT DIR].</summary>
    public static BenchSettings Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        string? baselineRef = null, baselineCommit = null, baselineDirectory = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--baseline" && i + 3 < args.Length)
            {
                (baselineRef, baselineCommit, baselineDirectory) = (args[i + 1], args[i + 2], args[i + 3]);
                i += 3;
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                values[args[i][2..]] = args[++i];
            }
            else
            {
                throw new BenchException($"unexpected argument {args[i]}");
            }
        }
        string Required(string name) => values.TryGetValue(name, out var value) ? value : throw new BenchException($"--{name} is required");
        return new BenchSettings
        {
            Mode = Required("mode"),
            RunDirectory = Required("run-dir"),
            AppHostPid = int.Parse(Required("apphost-pid"), CultureInfo.InvariantCulture),
            TraceSampleRatio = Required("trace-sample-ratio"),
            PostgresPassword = Environment.GetEnvironmentVariable("PGPASSWORD") ?? throw new BenchException("PGPASSWORD is not set"),
            CallbackSecret = Environment.GetEnvironmentVariable("BENCH_CALLBACK_SECRET") ?? throw new BenchException("BENCH_CALLBACK_SECRET is not set"),
            BaselineRef = baselineRef,
            BaselineCommit = baselineCommit,
            BaselineDirectory = baselineDirectory,
        };
    }
}
