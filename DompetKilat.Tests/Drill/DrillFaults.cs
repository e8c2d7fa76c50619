using System.Diagnostics;
using DompetKilat.Tests.Infrastructure;

namespace DompetKilat.Tests.Drill;

/// <summary>The faults the drill injects while callbacks pour in, each logged with when it happened.</summary>
public sealed class DrillFaults(DompetKilatApp system, Action<string> log)
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Dictionary<string, int> kills = [];

    public List<string> Injected { get; } = [];

    /// <summary>Every replica killed, by service: the drill checks each service lost one and kept serving.</summary>
    public IReadOnlyDictionary<string, int> Kills => kills;

    /// <summary>
    /// SIGKILLs one replica of a service (each call takes the next one, so every replica dies in
    /// turn) while the others keep serving, then starts it again, as an orchestrator would.
    /// </summary>
    public async Task KillReplicaAsync(string resource, string service)
    {
        var replicas = system.Replicas(resource);
        Assert.True(replicas.Count >= 2, $"{service} runs {replicas.Count} replica(s); the drill needs another one serving while one dies");
        kills.TryGetValue(resource, out var killed);
        var victim = replicas.OrderBy(r => r.Id, StringComparer.Ordinal).ElementAt(killed % replicas.Count);
        kills[resource] = killed + 1;

        await system.KillAsync(victim);
        Record($"{service} replica {victim.Id} (pid {victim.ProcessId}) killed with SIGKILL");
        await system.StartAsync(victim.Id);
        Record($"{service} replica {victim.Id} started again");
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
        await system.StopPostgresAsync();
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
