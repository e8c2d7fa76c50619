using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Net;

namespace DompetKilat.Tests.Infrastructure;

/// <summary>
/// The Api as it runs outside Development (<c>ASPNETCORE_ENVIRONMENT=Production</c>): its own process
/// on the test run's PostgreSQL and Redis, for the rules the AppHost's Development services relax.
/// A test class takes it as a class fixture, so its cases share one process. Its command line
/// names the run's data directory, so the suite's leftover-process check covers it.
/// </summary>
public sealed class ProductionApi(DompetKilatApp system) : IAsyncLifetime
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentQueue<string> output = new();
    private Process? process;

    public HttpClient Api { get; private set; } = null!;

    /// <summary>The back office's own listener, on a port chosen free before the start.</summary>
    public HttpClient BackOffice { get; private set; } = null!;


    /// <summary>Everything the process wrote, for a failing test's message.</summary>
    public string Log => string.Join(Environment.NewLine, output);

    /// <summary>
    /// How to start the Api in Production with everything it needs but a callback signing secret,
    /// which a test adds (<c>Security__CallbackSigningSecrets__0</c>) or leaves out to see it refuse to start.
    /// </summary>
    public static async Task<ProcessStartInfo> StartInfoAsync(DompetKilatApp system)
    {
        var projectDirectory = Path.GetDirectoryName(new Projects.DompetKilat_Api().ProjectPath)!;
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var binaries = Path.Combine(projectDirectory, "bin", configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = binaries,
        };
        start.ArgumentList.Add(Path.Combine(binaries, "DompetKilat.Api.dll"));
        start.ArgumentList.Add($"--replica-of={system.DataDirectory}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ConnectionStrings__dompetkilat"] = await system.App.GetConnectionStringAsync("dompetkilat");
        start.Environment["ConnectionStrings__redis"] = await system.App.GetConnectionStringAsync("redis");
        start.Environment["BackOffice__SigningKey"] = system.BackOfficeSigningKey;
        start.Environment["BackOffice__Port"] = FreePort().ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in system.EncryptionEnvironment())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    /// <summary>A port nothing listens on now: Kestrel's own choice (port 0) would not tell the Api which listener is the back office's.</summary>
    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async Task InitializeAsync()
    {
        var start = await StartInfoAsync(system);
        start.Environment["Security__CallbackSigningSecrets__0"] = DompetKilatApp.CallbackSigningSecrets[0];
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = this.process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) =>
        {
            output.Enqueue(line.Data ?? "");
            // Kestrel was given port 0; the lifetime log says which one it took.
            if (line.Data?.IndexOf("Now listening on: ", StringComparison.Ordinal) is >= 0 and var at)
            {
                listening.TrySetResult(line.Data[(at + "Now listening on: ".Length)..].Trim());
            }
        };
        process.ErrorDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(StartupTimeout)) != listening.Task)
        {
            await DisposeAsync();
            Assert.Fail($"the Production Api did not start:{Environment.NewLine}{Log}");
        }

        Api = new HttpClient { BaseAddress = new Uri(await listening.Task) };
        BackOffice = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{start.Environment["BackOffice__Port"]}") };
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        BackOffice?.Dispose();
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
        process = null;
    }
}
