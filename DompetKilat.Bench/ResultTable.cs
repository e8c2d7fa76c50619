using System.Globalization;

namespace DompetKilat.Bench;

/// <summary>Which raw limit a row's "/limit" column divides by.</summary>
public enum Limit { None, Insert, Read, Photos }

/// <summary>Which of the peer's rates a row's "x peer" column divides by.</summary>
public enum PeerRate { None, Registration, Read }

/// <summary>One line of the table; the figures are text as printed, "-" where a column does not apply.</summary>
public sealed record Row(
    string Name, string Rps, string P50Ms, string P99Ms, long Errors, string ApplyP50, string ApplyP99,
    Limit Limit, PeerRate Peer, string Cores, string ServiceMb, string WorkerMb);

/// <summary>
/// The table the bench prints: its rows in the order they were measured, the ratios to the raw
/// limits and to the peer (known only once those ran), and the notes below it.
/// </summary>
public sealed class ResultTable(BenchSettings settings)
{
    private const string Format = "{0,-34} {1,8} {2,8} {3,8} {4,6} {5,9} {6,9} {7,7} {8,7} {9,7} {10,7}  {11}";
    private readonly List<Row> rows = [];
    private readonly Dictionary<Limit, long> limits = [];
    private readonly Dictionary<PeerRate, long> peerRates = [];

    public List<string> Notes { get; } = [];

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
            $"as deployed: no dashboard, no development proxy; wrk/pgbench/redis-benchmark: {settings.Connections} connections (paced rows {settings.PacedConnections}), {settings.Threads} threads; " +
            $"{settings.Duration}s per workload after {settings.Warmup}s warm-up (Api and peer alternate in {settings.Slices} slices); traces sampled at {settings.TraceSampleRatio}"));
        output.WriteLine(string.Format(inv, Format, "workload", "req/s", "p50 ms", "p99 ms", "errors",
            "apply p50", "apply p99", "svc MB", "wkr MB", "/limit", "x peer", "cores pg/api/wkr/redis/peer/aspire/other"));
        foreach (var row in rows)
        {
            output.WriteLine(string.Format(inv, Format, row.Name, row.Rps, row.P50Ms, row.P99Ms, row.Errors,
                row.ApplyP50, row.ApplyP99, row.ServiceMb, row.WorkerMb, LimitRatio(row), PeerRatio(row), row.Cores));
        }
        foreach (var note in Notes)
        {
            output.WriteLine(note);
        }
    }

    // The rate as a whole percentage of the matching raw limit, truncated.
    private string LimitRatio(Row row) => row.Limit == Limit.None ? "-"
        : $"{Math.Truncate(100 * decimal.Parse(row.Rps, CultureInfo.InvariantCulture) / limits[row.Limit]).ToString(CultureInfo.InvariantCulture)}%";

    private string PeerRatio(Row row) => row.Peer == PeerRate.None ? "-"
        : Bc.Divide(decimal.Parse(row.Rps, CultureInfo.InvariantCulture), peerRates[row.Peer], 2);
}
