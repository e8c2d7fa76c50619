using System.Globalization;
using System.Text.RegularExpressions;

namespace DompetKilat.Bench;

/// <summary>
/// The processes whose CPU and memory the table reports: what the AppHost started (found through
/// /proc, since the orchestrator starts them), and what the bench started itself (the peer, the
/// ceiling and the baseline Api, set once they run).
/// </summary>
public sealed class SystemProcesses
{
    public required int AppHost { get; init; }
    /// <summary>The orchestrator (DCP); it detaches from the AppHost, so it is found by name.</summary>
    public required int Dcp { get; init; }
    public required int Api { get; init; }
    public required int Worker { get; init; }
    public required int Postmaster { get; init; }
    public required int Redis { get; init; }
    public int Peer { get; set; }
    public int Ceiling { get; set; }
    public int? Baseline { get; set; }

    public static async Task<SystemProcesses> FindAsync(int appHost, CancellationToken cancellation)
    {
        var dcpPattern = new Regex($"dcp start-apiserver --monitor {appHost}( |$)");
        var dcp = ProcessTable.Read().FirstOrDefault(p => dcpPattern.IsMatch(p.Arguments))?.Pid
            ?? throw new BenchException($"no orchestrator watches AppHost {appHost}");
        int[] roots = [appHost, dcp];
        return new SystemProcesses
        {
            AppHost = appHost,
            Dcp = dcp,
            Api = await WaitForProcessAsync(roots, @"/DompetKilat\.Api$", cancellation),
            Worker = await WaitForProcessAsync(roots, @"/DompetKilat\.CallbackWorker$", cancellation),
            Postmaster = await WaitForProcessAsync(roots, @"^/usr/lib/postgresql/[0-9]+/bin/postgres -D ", cancellation),
            Redis = await WaitForProcessAsync(roots, "^redis-server ", cancellation),
        };
    }

    /// <summary>The Api's environment, as the orchestrator gave it: its settings and connection strings.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ApiEnvironment() => EnvironmentOf(Api);

    public string ApiSetting(string name) =>
        ApiEnvironment().FirstOrDefault(setting => setting.Key == name).Value
        ?? throw new BenchException($"the Api has no {name}");

    /// <summary>
    /// The hosting environment a .NET process runs in, from what it was started with: ASP.NET Core's
    /// variable wins over the generic host's, and neither means Production.
    /// </summary>
    public static string HostingEnvironment(int pid)
    {
        var environment = EnvironmentOf(pid);
        string? Value(string name) => environment.FirstOrDefault(setting => setting.Key == name).Value is { Length: > 0 } value ? value : null;
        return Value("ASPNETCORE_ENVIRONMENT") ?? Value("DOTNET_ENVIRONMENT") ?? "Production";
    }

    private static IReadOnlyList<KeyValuePair<string, string>> EnvironmentOf(int pid) =>
        [.. File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Select(parts => KeyValuePair.Create(parts[0], parts.Length > 1 ? parts[1] : ""))];

    // The process under the AppHost or the orchestrator whose command line matches, once it runs.
    private static async Task<int> WaitForProcessAsync(int[] roots, string pattern, CancellationToken cancellation)
    {
        var regex = new Regex(pattern);
        for (var attempt = 0; attempt < 60; attempt++)
        {
            var table = ProcessTable.Read();
            var parents = table.ToDictionary(p => p.Pid, p => p.ParentPid);
            var match = table.FirstOrDefault(p => regex.IsMatch(p.Arguments) && ProcessTable.DescendsFrom(p.Pid, parents, roots));
            if (match is not null)
            {
                return match.Pid;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
        }
        throw new BenchException($"no process matching {pattern} started");
    }
}

/// <summary>One process as ps shows it: its id, its parent's, and its command line.</summary>
public sealed record ProcessEntry(int Pid, int ParentPid, string Arguments);

/// <summary>A snapshot of /proc: every process, its parent and its command line.</summary>
public static class ProcessTable
{
    public static IReadOnlyList<ProcessEntry> Read()
    {
        var entries = new List<ProcessEntry>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            // A process may end between the listing and the read; it is then simply not in the table.
            try
            {
                var stat = ProcStat.Parse(File.ReadAllText($"{directory}/stat"));
                var arguments = File.ReadAllText($"{directory}/cmdline").Replace('\0', ' ').TrimEnd();
                entries.Add(new ProcessEntry(pid, stat.ParentPid, arguments));
            }
            catch (IOException)
            {
            }
        }
        return entries;
    }

    /// <summary>Whether pid is one of roots or runs under one of them.</summary>
    public static bool DescendsFrom(int pid, IReadOnlyDictionary<int, int> parents, IReadOnlyCollection<int> roots)
    {
        for (var p = pid; p > 1; p = parents.GetValueOrDefault(p))
        {
            if (roots.Contains(p))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>The fields of /proc/PID/stat the bench reads (clock ticks; see proc(5)).</summary>
public readonly record struct ProcStat(int ParentPid, long OwnTicks, long EndedChildrenTicks)
{
    public static ProcStat Parse(string line)
    {
        // The command name (in parentheses) may hold spaces; the fields after it do not.
        var fields = line[(line.LastIndexOf(") ", StringComparison.Ordinal) + 2)..].Split(' ');
        long Field(int index) => long.Parse(fields[index], CultureInfo.InvariantCulture);
        // state ppid ... utime stime cutime cstime: the 2nd, then the 12th to the 15th after the name.
        return new ProcStat((int)Field(1), Field(11) + Field(12), Field(13) + Field(14));
    }
}
