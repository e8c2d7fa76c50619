using System.Diagnostics;
using System.Globalization;

namespace DompetKilat.Bench;

/// <summary>
/// CPU time used so far (clock ticks) by each group the table's cores column names, and by the
/// whole machine (which also covers wrk and anything else running).
/// </summary>
public readonly record struct CpuTicks(long Postgres, long Api, long Worker, long Redis, long Peer, long Ceiling, long Aspire, long Machine)
{
    public static CpuTicks operator -(CpuTicks after, CpuTicks before) => new(
        after.Postgres - before.Postgres, after.Api - before.Api, after.Worker - before.Worker, after.Redis - before.Redis,
        after.Peer - before.Peer, after.Ceiling - before.Ceiling, after.Aspire - before.Aspire, after.Machine - before.Machine);

    public static CpuTicks operator +(CpuTicks a, CpuTicks b) => new(
        a.Postgres + b.Postgres, a.Api + b.Api, a.Worker + b.Worker, a.Redis + b.Redis,
        a.Peer + b.Peer, a.Ceiling + b.Ceiling, a.Aspire + b.Aspire, a.Machine + b.Machine);
}

/// <summary>
/// Cores each group used over a section; Other is the machine's busy time no group accounts for
/// (wrk among it). The second table divides these by a row's rate for CPU per request.
/// </summary>
public readonly record struct CoreUse(double Postgres, double Api, double Worker, double Redis, double Peer, double Ceiling, double Aspire, double Other)
{
    /// <summary>The table's cores column: pg/api/wkr/redis/peer/ceil/aspire/other.</summary>
    public override string ToString() => string.Join('/',
        new[] { Postgres, Api, Worker, Redis, Peer, Ceiling, Aspire, Other }.Select(c => c.ToString("F1", CultureInfo.InvariantCulture)));
}

/// <summary>
/// Reads CPU time per process group from /proc: PostgreSQL (server and every backend, including
/// ended ones), the Api (with the baseline Api of --baseline), the worker, Redis, the peer, the ceiling, the rest
/// of the AppHost's tree (AppHost, orchestrator, partner sandbox), and the machine.
/// </summary>
public sealed class CpuMeter(SystemProcesses processes, int ticksPerSecond)
{
    public CpuTicks Read()
    {
        var machine = MachineBusyTicks();
        var stats = new Dictionary<int, ProcStat>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                // A process may end between the listing and the read; it must not end the bench.
                try
                {
                    stats[pid] = ProcStat.Parse(File.ReadAllText($"{directory}/stat"));
                }
                catch (IOException)
                {
                }
            }
        }

        long postgres = 0, api = 0, worker = 0, redis = 0, peer = 0, ceiling = 0, aspire = 0;
        foreach (var (pid, stat) in stats)
        {
            var ticks = stat.OwnTicks;
            // Backends that ended are counted in their parent.
            if (pid == processes.Postmaster)
            {
                ticks += stat.EndedChildrenTicks;
            }
            // The nearest ancestor (or the process itself) that names a group decides its group.
            for (var p = pid; p > 1; p = stats.TryGetValue(p, out var s) ? s.ParentPid : 0)
            {
                if (p == processes.Postmaster) { postgres += ticks; break; }
                if (p == processes.Api || p == processes.Baseline) { api += ticks; break; }
                if (p == processes.Worker) { worker += ticks; break; }
                if (p == processes.Redis) { redis += ticks; break; }
                if (p == processes.Peer) { peer += ticks; break; }
                if (p == processes.Ceiling) { ceiling += ticks; break; }
                if (p == processes.AppHost || p == processes.Dcp) { aspire += ticks; break; }
            }
        }
        return new CpuTicks(postgres, api, worker, redis, peer, ceiling, aspire, machine);
    }

    /// <summary>A ticks difference over a time as cores used by each group.</summary>
    public CoreUse Cores(CpuTicks used, double seconds)
    {
        double Of(long ticks) => ticks / (double)ticksPerSecond / seconds;
        var (postgres, api, worker, redis, peer, ceiling, aspire) =
            (Of(used.Postgres), Of(used.Api), Of(used.Worker), Of(used.Redis), Of(used.Peer), Of(used.Ceiling), Of(used.Aspire));
        var other = Math.Max(0, Of(used.Machine) - (postgres + api + worker + redis + peer + ceiling + aspire));
        return new CoreUse(postgres, api, worker, redis, peer, ceiling, aspire, other);
    }

    /// <summary>A point to measure from: the ticks and the time.</summary>
    public CpuMark Mark() => new(Read(), Stopwatch.GetTimestamp());

    /// <summary>Cores used since the mark.</summary>
    public CoreUse CoresSince(CpuMark mark) => Cores(Read() - mark.Ticks, Stopwatch.GetElapsedTime(mark.Timestamp).TotalSeconds);

    public static async Task<int> TicksPerSecondAsync(CancellationToken cancellation)
    {
        var output = await ExternalTool.RunAsync("getconf", ["CLK_TCK"], cancellation);
        return int.Parse(output.StandardOutput.Trim(), CultureInfo.InvariantCulture);
    }

    // user + nice + system + irq + softirq + steal of /proc/stat's first line: busy, not idle or waiting.
    private static long MachineBusyTicks()
    {
        var fields = File.ReadLines("/proc/stat").First(line => line.StartsWith("cpu ", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new[] { 1, 2, 3, 6, 7, 8 }.Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
    }
}

public readonly record struct CpuMark(CpuTicks Ticks, long Timestamp);
