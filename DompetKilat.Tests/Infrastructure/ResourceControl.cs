using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DompetKilat.Tests.Infrastructure;

/// <summary>One running instance of a service: its orchestrator id, its process and its own address, behind any proxy.</summary>
public sealed record ServiceReplica(string Id, int ProcessId, Uri Address);

/// <summary>Stops and starts the AppHost's resources and their replicas, and runs extra worker processes, for fault tests.</summary>
public static class ResourceControl
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The orchestrator's id of every instance of a resource, as announced once the application
    /// started: one per replica (<c>api-abcdwxyz</c>). The orchestrator accepts a resource's plain
    /// name only while it has a single instance.
    /// </summary>
    public static async Task<IReadOnlyList<string>> FindInstancesAsync(this DistributedApplication app, string resource, CancellationToken cancellationToken)
    {
        var expected = app.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Single(r => r.Name == resource)
            .Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;
        var instances = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var update in app.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (update.Resource.Name == resource && update.ResourceId.StartsWith($"{resource}-", StringComparison.Ordinal)
                && instances.Add(update.ResourceId) && instances.Count == expected)
            {
                return [.. instances];
            }
        }

        throw new OperationCanceledException(cancellationToken);
    }

    /// <summary>Every running replica of a service, with its process and the address its own Kestrel listens on.</summary>
    public static IReadOnlyList<ServiceReplica> Replicas(this DompetKilatApp system, string resource) =>
    [
        .. system.Instances[resource].Select(id =>
        {
            Assert.True(system.App.ResourceNotifications.TryGetCurrentState(id, out var instance), $"no state for {id}");
            var pid = instance.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value;
            var urls = instance.Snapshot.EnvironmentVariables.Single(v => v.Name == "ASPNETCORE_URLS").Value!;
            return new ServiceReplica(id, Convert.ToInt32(pid, CultureInfo.InvariantCulture), new Uri(urls.Split(';')[0]));
        }),
    ];

    /// <summary>
    /// The replica's service process itself. The orchestrator starts each replica as <c>dotnet run</c>,
    /// whose pid the replica reports; the service is that launcher's child.
    /// </summary>
    public static int ServiceProcessId(this ServiceReplica replica)
    {
        var children = Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name!.All(char.IsAsciiDigit))
            .Select(name => int.Parse(name!, CultureInfo.InvariantCulture))
            .Where(pid => ParentOf(pid) == replica.ProcessId)
            .ToList();
        return Assert.Single(children);
    }

    /// <summary>The process's resident memory (VmRSS), in bytes.</summary>
    public static long ResidentBytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    private static int? ParentOf(int processId)
    {
        try
        {
            // "pid (name) state ppid ...": the name may hold spaces and parentheses, so count from the last ')'.
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            // Exited while the list was read.
            return null;
        }
    }

    /// <summary>The port the (first) Api replica's own Kestrel listens on, behind the orchestrator's proxy.</summary>
    public static int ApiTargetPort(this DompetKilatApp system) => system.Replicas("api")[0].Address.Port;

    public static async Task StopAsync(this DompetKilatApp system, string resource)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, cancel.Token);
        Assert.True(result.Success, result.Message);
        await system.App.WaitForInstancesAsync([resource], HasStopped, cancel.Token);
    }

    /// <summary>
    /// Stops PostgreSQL with a fast shutdown (SIGINT: clients disconnected, no waiting for them).
    /// The stop command's SIGTERM asks for a smart shutdown, which waits for the services' pooled
    /// connections to close. <paramref name="meanwhile"/> runs once the server has been told, before
    /// it has exited: calls made then find it refusing connections while the services still admit
    /// partner calls (they stop within seconds of losing the database).
    /// </summary>
    public static async Task StopPostgresAsync(this DompetKilatApp system, Func<Task>? meanwhile = null)
    {
        // The server's own record of its postmaster, whichever user-switching launcher started it.
        var postmaster = File.ReadLines(Path.Combine(system.DataDirectory, "postgres", "postmaster.pid")).First();
        using (var signal = Process.Start("kill", ["-INT", postmaster]))
        {
            await signal.WaitForExitAsync();
        }

        if (meanwhile is not null)
        {
            await meanwhile();
        }

        using var cancel = new CancellationTokenSource(Timeout);
        await system.App.WaitForInstancesAsync(["postgres"], HasStopped, cancel.Token);
    }

    /// <summary>Starts a resource, or one replica of it by its instance id, and waits until it is healthy.</summary>
    public static async Task StartAsync(this DompetKilatApp system, string resourceOrInstance)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();
        // The snapshot keeps the last run's state and health until the new process reports: only a
        // process started by this command counts.
        var requested = DateTime.UtcNow.AddSeconds(-1);
        var result = await commands.ExecuteCommandAsync(resourceOrInstance, KnownResourceCommands.StartCommand, cancel.Token);
        Assert.True(result.Success, result.Message);
        await system.App.WaitForInstancesAsync([resourceOrInstance],
            update => IsHealthy(update) && update.Snapshot.StartTimeStamp >= requested, cancel.Token);
    }

    /// <summary>SIGKILL, as a crash or an OOM kill would: no shutdown, no chance to finish a request or a transaction.</summary>
    public static async Task KillAsync(this DompetKilatApp system, ServiceReplica replica)
    {
        using (var process = Process.GetProcessById(replica.ProcessId))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        using var cancel = new CancellationTokenSource(Timeout);
        await system.App.WaitForInstancesAsync([replica.Id], HasStopped, cancel.Token);
    }

    /// <summary>Waits until every given instance is healthy.</summary>
    public static Task WaitForHealthyAsync(this DistributedApplication app, IReadOnlyCollection<string> instances, CancellationToken cancellationToken) =>
        app.WaitForInstancesAsync(instances, IsHealthy, cancellationToken);

    /// <summary>
    /// Waits until each instance's latest state satisfies the condition. The notification service's
    /// own waits match a resource by name, which every replica shares, so one healthy replica would do.
    /// </summary>
    private static async Task WaitForInstancesAsync(this DistributedApplication app, IReadOnlyCollection<string> instances, Func<ResourceEvent, bool> condition, CancellationToken cancellationToken)
    {
        var pending = instances.ToHashSet();
        await foreach (var update in app.ResourceNotifications.WatchAsync(cancellationToken))
        {
            var id = pending.Contains(update.ResourceId) ? update.ResourceId : update.Resource.Name;
            if (pending.Contains(id) && condition(update) && pending.Remove(id) && pending.Count == 0)
            {
                return;
            }
        }
    }

    private static bool HasStopped(ResourceEvent update) => update.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart";

    private static bool IsHealthy(ResourceEvent update) =>
        update.Snapshot.State?.Text == KnownResourceStates.Running && update.Snapshot.HealthStatus == HealthStatus.Healthy;

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
        foreach (var (name, value) in system.EncryptionEnvironment())
        {
            start.Environment[name] = value;
        }

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
