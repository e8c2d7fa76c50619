using System.Diagnostics;
using System.Globalization;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;

namespace DompetKilat.Bench;

/// <summary>
/// The whole run against a started system: finds its processes, starts the peer and the ceiling
/// (and the baseline Api), seeds, measures every workload and limit, and prints the tables.
/// </summary>
public static class Benchmark
{
    public static async Task RunAsync(BenchSettings settings, CancellationToken cancellation)
    {
        var processes = await SystemProcesses.FindAsync(settings.AppHostPid, cancellation);

        // The addresses the Api itself uses for PostgreSQL and Redis, from its environment: the
        // peer, pgbench and redis-benchmark connect the same way.
        var postgresPort = int.Parse(processes.ApiSetting("ConnectionStrings__dompetkilat").Split(';')
            .Select(part => part.Split('=', 2)).First(pair => pair[0] == "Port")[1], CultureInfo.InvariantCulture);
        var redisPort = int.Parse(processes.ApiSetting("ConnectionStrings__redis").Split(':')[^1], CultureInfo.InvariantCulture);
        var postgres = new Dictionary<string, string>
        {
            ["PGHOST"] = "localhost",
            ["PGPORT"] = $"{postgresPort}",
            ["PGUSER"] = "postgres",
            ["PGPASSWORD"] = settings.PostgresPassword,
            ["PGDATABASE"] = "dompetkilat",
        };
        await using var database = Database.Connect(postgresPort, settings.PostgresPassword, "dompetkilat");
        using var sidecars = new Sidecars(settings);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };

        Console.WriteLine("==> starting the Node.js peer, the ceiling and the notification receiver");
        await database.ExecuteAsync("CREATE DATABASE peer", cancellation);
        var peer = sidecars.StartPeer(postgres);
        processes.Peer = peer.Id;
        sidecars.StartReceiver();
        await WaitForPeerAsync(settings, peer, cancellation);
        // After the peer, which creates the table the two share.
        var ceiling = sidecars.StartCeiling(postgres);
        processes.Ceiling = ceiling.Id;
        await WaitForListenerAsync(settings, ceiling, settings.CeilingPort, "ceiling", cancellation);

        var cpu = new CpuMeter(processes, await CpuMeter.TicksPerSecondAsync(cancellation));
        var memory = new MemoryMeter(processes);
        var table = new ResultTable(settings)
        {
            Environments = $"Api {SystemProcesses.HostingEnvironment(processes.Api)}, worker {SystemProcesses.HostingEnvironment(processes.Worker)}, " +
                $"ceiling {SystemProcesses.HostingEnvironment(processes.Ceiling)}",
        };
        var recorder = new Recorder(cpu, memory, processes, table);

        var seeder = new Seeder(settings, http, database,
            new BlindIndex(new FieldEncryptionOptions { IndexKey = processes.ApiSetting("Encryption__IndexKey") }));
        var partnerKey = await seeder.RegisterPartnerAsync(cancellation);
        Console.WriteLine($"==> seeding {settings.Hot} borrowers for the partner and for the peer, and {settings.Loans} approved loans, through the Api");
        await seeder.SeedAsync(partnerKey, cancellation);
        var photos = seeder.WritePhotos();

        if (settings.HasBaseline)
        {
            Console.WriteLine($"==> starting the baseline Api ({settings.BaselineCommit![..12]}) beside this one, with its settings");
            var baseline = sidecars.StartBaseline(processes.ApiEnvironment());
            processes.Baseline = baseline.Id;
            await WaitForBaselineAsync(settings, baseline, seeder, partnerKey, cancellation);
        }

        var workloads = new WorkloadRunner(settings, new Wrk(settings), database, recorder, cpu, memory, processes, table, partnerKey);
        var limits = new LimitRunner(settings, new PgBench(settings, postgres), database, recorder, table, redisPort);
        await workloads.PartnerRoutesAsync(cancellation);
        await limits.ProfileReadAsync(cancellation);
        await workloads.LoanApplicationsAsync(cancellation);
        await workloads.CallbacksAsync(cancellation);
        await workloads.EventPagesAsync(cancellation);
        await limits.RunAsync(cancellation);

        table.Notes.AddRange(PersonalDataCost.Measure(await File.ReadAllTextAsync(photos.Ktp, cancellation), await File.ReadAllTextAsync(photos.Selfie, cancellation)));
        memory.NoteRunPeaks();
        table.Notes.Add($"peak resident memory over the whole run: Api {memory.RunPeakApiMb} MB, worker {memory.RunPeakWorkerMb} MB");
        table.Notes.Add("svc MB: the Api's peak, or the peer's or the ceiling's on PEER and CEILING rows; x peer: the rate over the peer's registration rate (callbacks) or its own row's rate");
        if (settings.HasBaseline)
        {
            table.Notes.Add($"BEFORE rows: the Api of {settings.BaselineRef} ({settings.BaselineCommit![..12]}) beside this one ({await HeadAsync(cancellation)}), same data, alternating");
        }
        if (memory.PeaksCumulative)
        {
            table.Notes.Add("note: could not reset peak memory (not root?); memory columns are peaks since start");
        }
        table.Print(Console.Out);
    }

    private static async Task WaitForPeerAsync(BenchSettings settings, Process peer, CancellationToken cancellation)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            if (Sidecars.PortInUse(settings.PeerPort) && Sidecars.PortInUse(settings.ReceiverPort))
            {
                break;
            }
            if (peer.HasExited)
            {
                await Console.Error.WriteLineAsync(await File.ReadAllTextAsync(Path.Combine(settings.RunDirectory, "peer.log"), cancellation));
                throw new BenchException("the peer exited");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellation);
        }
        if (!Sidecars.PortInUse(settings.PeerPort))
        {
            throw new BenchException("the peer did not start listening");
        }
    }

    private static async Task WaitForListenerAsync(BenchSettings settings, Process process, int port, string name, CancellationToken cancellation)
    {
        for (var attempt = 0; attempt < 60 && !Sidecars.PortInUse(port); attempt++)
        {
            if (process.HasExited)
            {
                await Console.Error.WriteLineAsync(await File.ReadAllTextAsync(Path.Combine(settings.RunDirectory, $"{name}.log"), cancellation));
                throw new BenchException($"the {name} exited");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellation);
        }
        if (!Sidecars.PortInUse(port))
        {
            throw new BenchException($"the {name} did not start listening");
        }
    }

    private static async Task WaitForBaselineAsync(
        BenchSettings settings, Process baseline, Seeder seeder, string partnerKey, CancellationToken cancellation)
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            if (baseline.HasExited)
            {
                var log = await File.ReadAllLinesAsync(Path.Combine(settings.RunDirectory, "baseline.log"), cancellation);
                await Console.Error.WriteLineAsync(string.Join('\n', log.TakeLast(30)));
                throw new BenchException("the baseline Api exited");
            }
            if (await seeder.ServesPartnerAsync(settings.BaselineUrl, partnerKey, cancellation))
            {
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
        }
        throw new BenchException("the baseline Api does not serve the benchmark partner");
    }

    // This commit, and whether the work tree differs from it.
    private static async Task<string> HeadAsync(CancellationToken cancellation)
    {
        var head = (await ExternalTool.RunAsync("git", ["rev-parse", "--short=12", "HEAD"], cancellation)).StandardOutput.Trim();
        var clean = (await ExternalTool.RunAsync("git", ["diff", "--quiet", "HEAD"], cancellation)).ExitCode == 0;
        return clean ? head : $"{head}, with uncommitted changes";
    }
}
