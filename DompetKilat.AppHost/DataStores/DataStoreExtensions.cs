using System.Diagnostics;
using DompetKilat.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DompetKilat.AppHost.DataStores;

internal enum DataStoreMode
{
    /// <summary>Containers when a container runtime answers, local executables otherwise.</summary>
    Auto,
    Container,
    Executable,
}

internal static class DataStoreExtensions
{
    /// <summary>
    /// Adds PostgreSQL (with the product database) and Redis. <c>DataStores:Mode</c> forces
    /// containers or local executables; <c>DataStores:DataDirectory</c> says where the
    /// executables keep their data (default: <c>.data/</c> at the repository root). A published
    /// model always describes the container resources: the local executables exist only for
    /// machines without a container runtime and mean nothing to a deployment.
    /// </summary>
    public static (IResourceBuilder<IResourceWithConnectionString> Database, IResourceBuilder<IResourceWithConnectionString> Redis)
        AddDataStores(this IDistributedApplicationBuilder builder)
    {
        var mode = builder.ExecutionContext.IsPublishMode
            ? DataStoreMode.Container
            : builder.Configuration.GetValue("DataStores:Mode", DataStoreMode.Auto);
        if (mode == DataStoreMode.Auto)
        {
            mode = ContainerRuntimeAnswers() ? DataStoreMode.Container : DataStoreMode.Executable;
        }

        if (mode == DataStoreMode.Container)
        {
            var postgres = builder.AddPostgres("postgres").WithDataVolume();
            return (postgres.AddDatabase(ResourceNames.LendingDatabase), builder.AddRedis(ResourceNames.Redis));
        }

        var dataDirectory = Path.GetFullPath(
            builder.Configuration["DataStores:DataDirectory"] ?? Path.Combine(builder.AppHostDirectory, "..", ".data"));
        return (builder.AddLocalPostgres(ResourceNames.Postgres, dataDirectory).AddDatabase(ResourceNames.LendingDatabase),
                builder.AddLocalRedis(ResourceNames.Redis));
    }

    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string name, string dataDirectory)
    {
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var script = Path.Combine(AppContext.BaseDirectory, "DataStores", "postgres.sh");
        var server = new LocalPostgresServerResource(name, script, password);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, ct) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(ct));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException("Connection string is unavailable"),
            name: healthCheckKey);

        return builder.AddResource(server)
            .WithEndpoint(name: "tcp", scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add(server.ScriptPath);
                context.Args.Add(Path.Combine(dataDirectory, name));
                context.Args.Add(server.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
            })
            .WithEnvironment("POSTGRES_PASSWORD", password)
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheckKey);
    }

    /// <remarks>
    /// The database itself is created by the migrations, as EF Core does for a missing database;
    /// the resource is usable as soon as its server is.
    /// </remarks>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresServerResource> server, string name)
    {
        var database = new LocalPostgresDatabaseResource(name, name, server.Resource);
        server.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, (@event, _) =>
            @event.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database, state => state with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            }));

        return server.ApplicationBuilder.AddResource(database).WithIconName("Database");
    }

    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var redis = new LocalRedisResource(name);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, ct) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(ct));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException("Connection string is unavailable"),
            name: healthCheckKey);

        // Redis only answers the fast duplicate check (PostgreSQL is the record), so it keeps nothing on disk.
        return builder.AddResource(redis)
            .WithEndpoint(name: "tcp", scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--save");
                context.Args.Add("");
                context.Args.Add("--appendonly");
                context.Args.Add("no");
            })
            .WithIconName("Memory")
            .WithHealthCheck(healthCheckKey);
    }

    private static bool ContainerRuntimeAnswers()
    {
        var runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") ?? "docker";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
