using DompetKilat.Tests.Infrastructure;

// Two systems on two cores: running the drill beside the main suite would make both measure the
// machine, not the product.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DompetKilat.Tests.Drill;

/// <summary>The drill gets a system of its own: it restarts PostgreSQL and kills Api and worker replicas.</summary>
[CollectionDefinition(Name)]
public sealed class DrillCollection : ICollectionFixture<ReplicatedApp>
{
    public const string Name = "Resilience drill";
}

/// <summary>
/// The system as it runs when scaled out: two Api replicas behind the orchestrator's proxy (the
/// stand-in for a load balancer) and two CallbackWorker replicas, all on the same PostgreSQL and Redis.
/// </summary>
public sealed class ReplicatedApp() : DompetKilatApp(apiReplicas: 2, workerReplicas: 2);

/// <summary>
/// How long and how hard the drill runs: <c>quick</c> (the default, for CI) or <c>full</c>,
/// chosen with DOMPETKILAT_DRILL.
/// </summary>
public sealed record DrillMode(string Name, int Loans, int MostSnapshotsPerLoan, int Senders, TimeSpan Duration)
{
    public static DrillMode FromEnvironment() =>
        Environment.GetEnvironmentVariable("DOMPETKILAT_DRILL") == "full"
            ? new("full", Loans: 1500, MostSnapshotsPerLoan: 12, Senders: 32, Duration: TimeSpan.FromMinutes(4))
            : new("quick", Loans: 120, MostSnapshotsPerLoan: 6, Senders: 12, Duration: TimeSpan.FromSeconds(40));
}
