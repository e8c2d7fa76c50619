using System.Diagnostics;
using System.Net.Sockets;

namespace DompetKilat.Bench;

/// <summary>
/// The processes the bench starts beside the system: the Node.js peer, the ceiling, the
/// notification receiver and, with --baseline, the baseline Api. Each writes its output to a log in the run directory;
/// disposing stops them all, however the bench ends.
/// </summary>
public sealed class Sidecars(BenchSettings settings) : IDisposable
{
    private readonly List<Process> started = [];

    /// <summary>The Fastify peer in eng/bench/peer, on its own database of the same PostgreSQL.</summary>
    public Process StartPeer(IReadOnlyDictionary<string, string> connection) => Start(
        "node", ["server.js"], Path.Combine(settings.BenchDirectory, "peer"), "peer.log",
        new Dictionary<string, string>(connection) { ["PGHOST"] = "127.0.0.1", ["PGDATABASE"] = "peer", ["PORT"] = $"{settings.PeerPort}" });

    /// <summary>
    /// The ceiling (DompetKilat.Bench.Ceiling, built in Release by bench.sh) on the peer's database
    /// and table, as Production, from its build folder.
    /// </summary>
    public Process StartCeiling(IReadOnlyDictionary<string, string> connection)
    {
        var directory = Path.Combine(Environment.CurrentDirectory, "DompetKilat.Bench.Ceiling", "bin", "Release", "net10.0");
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = int.Parse(connection["PGPORT"], System.Globalization.CultureInfo.InvariantCulture),
            Username = connection["PGUSER"],
            Password = connection["PGPASSWORD"],
            Database = "peer",
        }.ConnectionString;
        // bench.sh exports the AppHost's Development settings and dashboard address; these replace them.
        return Start(Path.Combine(directory, "DompetKilat.Bench.Ceiling"), [], directory, "ceiling.log", new Dictionary<string, string>
        {
            ["ConnectionStrings__Peer"] = connectionString,
            ["ASPNETCORE_URLS"] = settings.CeilingUrl,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
        });
    }

    /// <summary>Stands in for the benchmark partner's webhook endpoint: answers every notification 204.</summary>
    public Process StartReceiver() => Start(
        "node",
        ["-e", """require("http").createServer((q, s) => q.resume().on("end", () => { s.writeHead(204); s.end(); })).listen(+process.argv[1], "127.0.0.1")""",
         $"{settings.ReceiverPort}"],
        settings.BenchDirectory, "receiver.log", new Dictionary<string, string>());

    /// <summary>
    /// The baseline Api with the same settings as the Api the AppHost started, its own port and
    /// name; it is not in the registry's list of replicas, so the admin routes do not wait for it
    /// (the bench changes nothing after the seed).
    /// </summary>
    public Process StartBaseline(IEnumerable<KeyValuePair<string, string>> apiEnvironment)
    {
        string[] ownSettings = ["ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "HTTP_PORTS", "BackOffice__Port", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES"];
        var environment = apiEnvironment.Where(setting => !ownSettings.Contains(setting.Key)).ToDictionary();
        environment["ASPNETCORE_URLS"] = settings.BaselineUrl;
        environment["BackOffice__Port"] = settings.BaselineBackOfficePort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["OTEL_SERVICE_NAME"] = "api-baseline";
        var directory = Path.Combine(settings.BaselineDirectory!, "DompetKilat.Api", "bin", "Release", "net10.0");
        return Start(Path.Combine(directory, "DompetKilat.Api"), [], directory, "baseline.log", environment, inheritEnvironment: false);
    }

    public static bool PortInUse(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var process in started)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(TimeSpan.FromSeconds(10));
                }
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }
        started.Clear();
    }

    private Process Start(
        string file, string[] arguments, string workingDirectory, string logName,
        IReadOnlyDictionary<string, string> environment, bool inheritEnvironment = true)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        if (!inheritEnvironment)
        {
            start.Environment.Clear();
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var log = new StreamWriter(Path.Combine(settings.RunDirectory, logName)) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Write(log, line.Data);
        process.ErrorDataReceived += (_, line) => Write(log, line.Data);
        process.Exited += (_, _) => { lock (log) { log.Dispose(); } };
        process.EnableRaisingEvents = true;
        process.Start();
        started.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
