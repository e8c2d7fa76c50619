using System.Globalization;

namespace DompetKilat.Bench;

/// <summary>Which raw limit a row's "/limit" column divides by.</summary>
public enum Limit { None, Insert, Read, Photos }

/// <summary>Which of the peer's rates a row's "x peer" column divides by.</summary>
public enum PeerRate { None, Registration, Read }

/// <summary>The hot paths the CPU-per-request table lists.</summary>
public enum HotPath { Registration, Read, LoanApplication, Disbursement, Repayment }

/// <summary>Which process served a row's requests; its cores are the "svc µs" of the CPU-per-request table.</summary>
public enum Server { None, Api, Baseline, Peer, Ceiling }

/// <summary>One line of the table; the figures are text as printed, "-" where a column does not apply.</summary>
public sealed record Row(
    string Name, string Rps, string P50Ms, string P99Ms, long Errors, string ApplyP50, string ApplyP99,
    Limit Limit, PeerRate Peer, CoreUse Cores, string ServiceMb, string WorkerMb)
{
    /// <summary>The hot path a row measures, if it is one; only those get a line in the CPU-per-request table.</summary>
    public HotPath? Path { get; init; }
    public Server Server { get; init; }
}

/// <summary>
/// The tables the bench prints: its rows in the order they were measured, the ratios to the raw
/// limits and to the peer (known only once those ran), the notes, then the hot paths' CPU per request.
/// </summary>
public sealed class ResultTable(BenchSettings settings)
{
    private const string Format = "{0,-34} {1,8} {2,8} {3,8} {4,6} {5,9} {6,9} {7,7} {8,7} {9,7} {10,7}  {11}";
    private const string PerRequestFormat = "{0,-34} {1,8} {2,8} {3,8} {4,8} {5,8}  {6,11}";
    private readonly List<Row> rows = [];
    private readonly Dictionary<Limit, long> limits = [];
    private readonly Dictionary<PeerRate, long> peerRates = [];

    public List<string> Notes { get; } = [];

    /// <summary>The environments the services ran in, as read from their processes, for the header.</summary>
    public string Environments { get; set; } = "";

    public void Add(Row row) => rows.Add(row);

    public void SetLimit(Limit limit, long rps) => limits[limit] = rps;

    public void SetPeerRate(PeerRate rate, long rps) => peerRates[rate] = rps;

    public void Print(TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        var memoryKb = long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], inv);
        output.WriteLine();
        output.WriteLine(string.Create(inv,
            $"DompetKilat benchmark ({settings.Mode}) {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {model}, " +
            $"{memoryKb / 1048576.0:F0} GB RAM; load generator and system on the same machine"));
        output.WriteLine(string.Create(inv,
            $"as deployed ({Environments}): no dashboard, no development proxy; wrk/pgbench/redis-benchmark: {settings.Connections} connections (paced rows {settings.PacedConnections}), {settings.Threads} threads; " +
            $"{settings.Duration}s per workload after {settings.Warmup}s warm-up (Api, peer and ceiling alternate in {settings.Slices} slices); traces sampled at {settings.TraceSampleRatio}"));
        output.WriteLine(string.Format(inv, Format, "workload", "req/s", "p50 ms", "p99 ms", "errors",
            "apply p50", "apply p99", "svc MB", "wkr MB", "/limit", "x peer", "cores pg/api/wkr/redis/peer/ceil/aspire/other"));
        foreach (var row in rows)
        {
            output.WriteLine(string.Format(inv, Format, row.Name, row.Rps, row.P50Ms, row.P99Ms, row.Errors,
                row.ApplyP50, row.ApplyP99, row.ServiceMb, row.WorkerMb, LimitRatio(row), PeerRatio(row), row.Cores.ToString()));
        }
        foreach (var note in Notes)
        {
            output.WriteLine(note);
        }
        PrintPerRequest(output);
    }

    /// <summary>
    /// CPU per request of each hot path: the cores a group used over the row's time, times a
    /// million, over the row's rate. svc is the process that served the row (the Api, the peer or
    /// the ceiling); api/ceiling is the Api's over the ceiling's on the same path.
    /// </summary>
    private void PrintPerRequest(TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        var paths = rows.Where(row => row.Path is not null).ToList();
        var ceilings = paths.Where(row => row.Server == Server.Ceiling).ToDictionary(row => row.Path!.Value, ServiceMicroseconds);
        output.WriteLine();
        output.WriteLine("CPU per request (µs of CPU time: cores used x 1e6 / req/s); svc: the Api, or the peer or ceiling on their rows");
        output.WriteLine(string.Format(inv, PerRequestFormat, "workload", "req/s", "svc µs", "pg µs", "redis µs", "wkr µs", "api/ceiling"));
        foreach (var row in paths)
        {
            var ratio = row.Server is Server.Api or Server.Baseline && ceilings.TryGetValue(row.Path!.Value, out var ceiling)
                ? Ratio(ServiceMicroseconds(row), ceiling)
                : "-";
            output.WriteLine(string.Format(inv, PerRequestFormat, row.Name, row.Rps, Micro(ServiceMicroseconds(row)),
                Micro(PerRequest(row, row.Cores.Postgres)), Micro(PerRequest(row, row.Cores.Redis)), Micro(PerRequest(row, row.Cores.Worker)), ratio));
        }
    }

    private static double ServiceMicroseconds(Row row) => PerRequest(row, row.Server switch
    {
        Server.Peer => row.Cores.Peer,
        Server.Ceiling => row.Cores.Ceiling,
        // The baseline Api's CPU is counted with the Api's, and only one of them runs in a slice.
        _ => row.Cores.Api,
    });

    private static double PerRequest(Row row, double cores)
    {
        var rps = double.Parse(row.Rps, CultureInfo.InvariantCulture);
        return rps > 0 ? cores * 1e6 / rps : double.NaN;
    }

    private static string Micro(double microseconds) => double.IsNaN(microseconds) ? "-" : microseconds.ToString("F0", CultureInfo.InvariantCulture);

    private static string Ratio(double api, double ceiling) =>
        double.IsNaN(api) || double.IsNaN(ceiling) || ceiling == 0 ? "-" : (api / ceiling).ToString("F2", CultureInfo.InvariantCulture);

    // The rate as a whole percentage of the matching raw limit, truncated.
    private string LimitRatio(Row row) => row.Limit == Limit.None ? "-"
        : $"{Math.Truncate(100 * decimal.Parse(row.Rps, CultureInfo.InvariantCulture) / limits[row.Limit]).ToString(CultureInfo.InvariantCulture)}%";

    private string PeerRatio(Row row) => row.Peer == PeerRate.None ? "-"
        : Bc.Divide(decimal.Parse(row.Rps, CultureInfo.InvariantCulture), peerRates[row.Peer], 2);
}
