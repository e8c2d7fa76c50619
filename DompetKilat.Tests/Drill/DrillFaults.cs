using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using DompetKilat.Tests.Infrastructure;

namespace DompetKilat.Tests.Drill;

/// <summary>The faults the drill injects while callbacks pour in, each logged with when it happened.</summary>
public sealed class DrillFaults(DompetKilatApp system, Action<string> log)
{
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public List<string> Injected { get; } = [];

    /// <summary>SIGKILL, as a crash or an OOM kill would: no shutdown, no chance to finish a transaction.</summary>
    public async Task KillWorkerAsync()
    {
        Assert.True(system.App.ResourceNotifications.TryGetCurrentState("callback-worker", out var worker));
        var pid = worker.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value;
        using (var process = Process.GetProcessById(Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture)))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Record("CallbackWorker killed with SIGKILL");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await system.App.ResourceNotifications.WaitForResourceAsync("callback-worker",
            e => e.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart", cancel.Token);
        await system.StartAsync("callback-worker");
        Record("CallbackWorker started again");
    }

    public async Task RestartRedisAsync(TimeSpan down)
    {
        await system.StopAsync("redis");
        Record("Redis stopped");
        await Task.Delay(down);
        await system.StartAsync("redis");
        Record("Redis started");
    }

    /// <summary>A fast shutdown (SIGINT: clients disconnected, no waiting for them), some downtime, then a start.</summary>
    public async Task RestartPostgresAsync(TimeSpan down)
    {
        // The server's own record of its postmaster, whichever user-switching launcher started it.
        var postmaster = File.ReadLines(Path.Combine(system.DataDirectory, "postgres", "postmaster.pid")).First();
        using (var signal = Process.Start("kill", ["-INT", postmaster]))
        {
            await signal.WaitForExitAsync();
        }

        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await system.App.ResourceNotifications.WaitForResourceAsync("postgres",
            e => e.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart", cancel.Token);
        Record("PostgreSQL stopped (fast shutdown)");
        await Task.Delay(down);
        await system.StartAsync("postgres");
        Record("PostgreSQL started");
    }

    private void Record(string fault)
    {
        var line = $"{clock.Elapsed.TotalSeconds,6:F1}s  {fault}";
        Injected.Add(line);
        log(line);
    }
}
