using Aspire.Hosting.ApplicationModel;
using DompetKilat.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DompetKilat.Tests.Infrastructure;

/// <summary>
/// The real AppHost (PostgreSQL, Redis, migrations, Api, CallbackWorker), started once per
/// test run on random ports with a fresh data directory, and shared by every integration test.
/// </summary>
public sealed class DompetKilatApp : IAsyncLifetime
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(3);

    public static readonly string[] ServiceResources = ["postgres", "redis", "api", "callback-worker"];

    /// <summary>Every process of this run carries this directory on its command line; test.sh checks none outlives the run.</summary>
    public string DataDirectory { get; } =
        Path.Combine(Path.GetTempPath(), $"dompetkilat-test-{Guid.NewGuid():N}");

    public DistributedApplication App { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    public string AdminApiKey { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.DompetKilat_AppHost>(
        [
            "DcpPublisher:RandomizePorts=true",
            $"DataStores:DataDirectory={DataDirectory}",
        ]);
        foreach (var service in builder.Resources.OfType<ProjectResource>())
        {
            // No dashboard runs under test; an exporter aimed at it would hold every service's
            // shutdown for its export timeout, longer than the orchestrator waits for a stop.
            service.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
                context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT")));
        }

        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            // Probes fail by design until each server is up; WaitForResourceHealthyAsync below is what counts.
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));

        App = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(StartupTimeout);
        await App.StartAsync(startup.Token);
        foreach (var resource in ServiceResources)
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, startup.Token);
        }

        Api = App.CreateHttpClient("api");
        AdminApiKey = builder.Configuration["Parameters:admin-api-key"]
            ?? throw new InvalidOperationException("The AppHost's development configuration has no admin key.");
    }

    /// <summary>A context on the product database, for asserting what was (not) stored.</summary>
    public async Task<LendingDbContext> CreateDbContextAsync()
    {
        var connectionString = await App.GetConnectionStringAsync("dompetkilat")
            ?? throw new InvalidOperationException("No connection string for the product database.");
        return new LendingDbContext(new DbContextOptionsBuilder<LendingDbContext>()
            .UseNpgsql(connectionString)
            .UseSnakeCaseNamingConvention()
            .Options);
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A server still flushing on its way down; test.sh reports leftover processes.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DompetKilatAppCollection : ICollectionFixture<DompetKilatApp>
{
    public const string Name = "DompetKilat app";
}
