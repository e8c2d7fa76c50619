using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace DompetKilat.Tests.Infrastructure;

/// <summary>Stops and starts the AppHost's resources, and runs extra worker replicas, for fault tests.</summary>
public static class ResourceControl
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>The port the first Api replica's own Kestrel listens on, behind the orchestrator's proxy.</summary>
    public static int ApiTargetPort(this DompetKilatApp system) => system.ApiReplicaPorts[0];

    public static async Task StopAsync(this DompetKilatApp system, string resource)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, cancel.Token);
        Assert.True(result.Success, result.Message);
        await system.App.ResourceNotifications.WaitForResourceAsync(resource,
            e => e.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart", cancel.Token);
    }

    public static async Task StartAsync(this DompetKilatApp system, string resource)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancel.Token);
        Assert.True(result.Success, result.Message);
        await system.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancel.Token);
    }

    /// <summary>
    /// Another CallbackWorker process on the same database and Redis, as a second replica would
    /// run in production. Its command line names the run's data directory, so the suite's
    /// leftover-process check covers it too.
    /// </summary>
    public static async Task<ExtraWorker> StartExtraWorkerAsync(this DompetKilatApp system)
    {
        var projectDirectory = Path.GetDirectoryName(new Projects.DompetKilat_CallbackWorker().ProjectPath)!;
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var assembly = Path.Combine(projectDirectory, "bin", configuration, "net10.0", "DompetKilat.CallbackWorker.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(assembly),
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add($"--replica-of={system.DataDirectory}");
        start.Environment["ConnectionStrings__dompetkilat"] = await system.App.GetConnectionStringAsync("dompetkilat");
        start.Environment["ConnectionStrings__redis"] = await system.App.GetConnectionStringAsync("redis");
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Encryption__Keys__primary"] = system.FieldEncryptionKey;
        start.Environment["Encryption__ActiveKey"] = "primary";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) =>
        {
            output.Enqueue(line.Data ?? "");
            // Ready only once it has drained the inbox: a cold replica would otherwise miss a short burst entirely.
            if (line.Data?.Contains("caught up with the inbox", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (await Task.WhenAny(started.Task, Task.Delay(Timeout)) != started.Task)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the extra worker did not start:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
        }

        return new ExtraWorker(process, output);
    }
}

/// <summary>A worker replica the test started; stopping it kills it, as a crash would.</summary>
public sealed record ExtraWorker(Process Process, System.Collections.Concurrent.ConcurrentQueue<string> Output) : IAsyncDisposable
{
    public string Log => string.Join(Environment.NewLine, Output);

    public async ValueTask DisposeAsync()
    {
        Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
        Process.Dispose();
    }
}
