using DompetKilat.Tests.Infrastructure;

// Two systems on two cores: running the drill beside the main suite would make both measure the
// machine, not the product.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DompetKilat.Tests.Drill;

/// <summary>The drill gets a system of its own: it restarts PostgreSQL and kills workers.</summary>
[CollectionDefinition(Name)]
public sealed class DrillCollection : ICollectionFixture<DompetKilatApp>
{
    public const string Name = "Resilience drill";
}

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
