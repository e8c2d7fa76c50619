using System.Collections.Concurrent;
using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;
using DompetKilat.AppHost;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DompetKilat.Tests.Infrastructure;

/// <summary>
/// The real AppHost (PostgreSQL, Redis, migrations, Api, CallbackWorker), started once per
/// test run on random ports with a fresh data directory, and shared by every integration test.
/// Two Api replicas, so the suite proves what must hold across them (one budget per partner, a
/// registry change reaching every replica), and one worker, unless a subclass asks for more.
/// </summary>
public class DompetKilatApp : IAsyncLifetime
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(3);

    private readonly int apiReplicas;
    private readonly int workerReplicas;
    private readonly string[] settings;

    public DompetKilatApp()
        : this(apiReplicas: 2, workerReplicas: 1)
    {
    }

    // xunit builds a fixture through its only public constructor.
    protected DompetKilatApp(int apiReplicas, int workerReplicas, params string[] settings)
    {
        this.apiReplicas = apiReplicas;
        this.workerReplicas = workerReplicas;
        this.settings = settings;
    }

    public static readonly string[] ServiceResources = ["postgres", "redis", "api", "callback-worker"];

    /// <summary>Every process of this run carries this directory on its command line; test.sh checks none outlives the run.</summary>
    public string DataDirectory { get; } =
        Path.Combine(Path.GetTempPath(), $"dompetkilat-test-{Guid.NewGuid():N}");

    /// <summary>The callback signing secrets the Api trusts: the current one and the one being rotated out.</summary>
    public static readonly string[] CallbackSigningSecrets =
    [
        "whsec_" + Convert.ToBase64String(SHA256.HashData("current test signing secret"u8)),
        "whsec_" + Convert.ToBase64String(SHA256.HashData("previous test signing secret"u8)),
    ];

    /// <summary>
    /// Addresses the allow-list tests pose as, through the trusted proxy (IPv4 loopback): the
    /// range of the keyless partner <see cref="NearbyPartner"/>, and the lender's.
    /// </summary>
    public const string PartnerNetwork = "198.51.100.0/24";
    public const string NearbyPartner = "NEARBY";

    /// <summary>Each registered partner's burst under test; it refills at 2 tokens a second.</summary>
    public const int PartnerBurst = 40;
    public const string LenderNetwork = "192.0.2.0/24";

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>The orchestrator's id of each replica of every service resource, by resource name.</summary>
    public Dictionary<string, IReadOnlyList<string>> Instances { get; } = [];

    public HttpClient Api { get; private set; } = null!;

    /// <summary>The back office's own listener (API-CONTRACT §10), through the orchestrator's proxy to every Api replica.</summary>
    public HttpClient BackOffice { get; private set; } = null!;


    public TelemetryCapture Telemetry { get; private set; } = null!;

    /// <summary>Every console line the Api and the worker wrote during the run.</summary>
    public ConcurrentQueue<string> ServiceLogs { get; } = new();

    /// <summary>The development key operator tokens are signed with (<see cref="Operators"/> mints them).</summary>
    public string BackOfficeSigningKey { get; private set; } = null!;

    /// <summary>LOCAL's development webhook secret (the partner sandbox's), so a test receiver standing in for it can verify.</summary>
    public string LocalWebhookSecret { get; private set; } = null!;

    /// <summary>The development key the services encrypt fields at rest with, so tests can read entities.</summary>
    public string FieldEncryptionKey { get; private set; } = null!;

    /// <summary>The development key of the blind indexes, so tests can find a borrower's row by its NIK.</summary>
    public string BlindIndexKey { get; private set; } = null!;

    private ServiceProvider protection = null!;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.DompetKilat_AppHost>(
        [
            "DcpPublisher:RandomizePorts=true",
            $"Replicas:Api={apiReplicas}",
            $"Replicas:Worker={workerReplicas}",
            $"DataStores:DataDirectory={DataDirectory}",
            // Loopback stays allowed and unlimited (Development); requests forwarded by the trusted
            // proxy pose as outside callers. Every registered partner gets a small budget the
            // rate-limit tests can exhaust, big enough that replicas take its tokens two at a time.
            "Api:Security:TrustedProxies:0=127.0.0.1",
            $"Api:Security:CallbackAllowList:0={LenderNetwork}",
            $"Api:Security:CallbackSigningSecrets:0={CallbackSigningSecrets[0]}",
            $"Api:Security:CallbackSigningSecrets:1={CallbackSigningSecrets[1]}",
            $"Api:RateLimits:Partners:TokenLimit={PartnerBurst}",
            "Api:RateLimits:Partners:TokensPerSecond=2",
            .. settings,
        ]);
        // No dashboard runs under test: the services export to this receiver instead, which the
        // personal-data tests search (and an exporter aimed at nothing would stall every shutdown).
        Telemetry = await TelemetryCapture.StartAsync();
        foreach (var service in builder.Resources.OfType<ProjectResource>())
        {
            service.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
            {
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = Telemetry.Endpoint;
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
                // The services' console lines land in the test log, and a failing test shows them:
                // one line per entry, without the colour codes a dashboard would render.
                context.EnvironmentVariables["Logging__Console__FormatterOptions__SingleLine"] = "true";
                context.EnvironmentVariables["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
                // The retention job looks every few seconds, so a test that backdates its borrowers sees them erased.
                context.EnvironmentVariables["BorrowerRetention__Interval"] = "00:00:02";
                AddEnvironment(service.Name, context.EnvironmentVariables);
            }));
        }

        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            // Probes fail by design until each server is up; WaitForResourceHealthyAsync below is what counts.
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            // One line per entry, so a failing test's share of the log reads top to bottom.
            .AddSimpleConsole(console => console.SingleLine = true));

        App = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(StartupTimeout);
        await App.StartAsync(startup.Token);
        foreach (var resource in ServiceResources)
        {
            Instances[resource] = await App.FindInstancesAsync(resource, startup.Token);
        }

        await App.WaitForHealthyAsync([.. Instances.Values.SelectMany(i => i)], startup.Token);

        Api = App.CreateHttpClient("api");
        BackOffice = App.CreateHttpClient("api", DeveloperCommands.BackOfficeEndpoint);
        var logs = App.Services.GetRequiredService<ResourceLoggerService>();
        foreach (var instance in Instances["api"].Concat(Instances["callback-worker"]))
        {
            _ = Task.Run(async () =>
            {
                await foreach (var batch in logs.WatchAsync(instance))
                {
                    foreach (var line in batch)
                    {
                        ServiceLogs.Enqueue(line.Content);
                    }
                }
            });
        }

        BackOfficeSigningKey = builder.Configuration[$"Parameters:{OperatorTokens.SigningKeyParameter}"]
            ?? throw new InvalidOperationException("The AppHost's development configuration has no back-office signing key.");
        LocalWebhookSecret = builder.Configuration["Parameters:partner-sandbox-secret"]
            ?? throw new InvalidOperationException("The AppHost's development configuration has no partner sandbox secret.");
        FieldEncryptionKey = builder.Configuration["Parameters:field-encryption-key"]
            ?? throw new InvalidOperationException("The AppHost's development configuration has no field encryption key.");
        BlindIndexKey = builder.Configuration["Parameters:blind-index-key"]
            ?? throw new InvalidOperationException("The AppHost's development configuration has no blind index key.");
        var (status, body) = await this.RegisterPartnerAsync(
            new { partnerCode = NearbyPartner, name = "Partner behind the trusted proxy", allowList = new[] { PartnerNetwork }, productCodes = new[] { "95" }, keyless = true });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());

        protection = new ServiceCollection()
            .AddSingleton(new FieldEncryptionOptions { Keys = { ["primary"] = FieldEncryptionKey }, ActiveKey = "primary", IndexKey = BlindIndexKey })
            .AddSingleton<FieldProtector>()
            .AddSingleton<MasterKeys>()
            .AddSingleton<BlindIndex>()
            .AddSingleton<PersonalDataInterceptor>()
            .BuildServiceProvider();
    }

    /// <summary>
    /// A subclass's own settings for a service, read each time the service (re)starts: a test can
    /// change them and restart the service, as an operator rolls out new settings.
    /// </summary>
    protected virtual void AddEnvironment(string service, IDictionary<string, object> environment)
    {
    }

    /// <summary>Waits until the services have written a console line holding <paramref name="text"/> after the first <paramref name="since"/> lines.</summary>
    public async Task WaitForLogAsync(string text, int since)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!ServiceLogs.Skip(since).Any(line => line.Contains(text, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no service logged '{text}'");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The protector every context of the run encrypts with: EF builds the model once per process,
    /// with the converters of whichever context comes first, so no context may bring another.
    /// </summary>
    public FieldProtector Protector => protection.GetRequiredService<FieldProtector>();

    /// <summary>The field encryption settings the AppHost gives its services, for a service process a test starts itself.</summary>
    public IEnumerable<KeyValuePair<string, string>> EncryptionEnvironment() =>
    [
        new("Encryption__Keys__primary", FieldEncryptionKey),
        new("Encryption__ActiveKey", "primary"),
        new("Encryption__IndexKey", BlindIndexKey),
    ];

    /// <summary>The blind indexes the services find borrowers by, for tests that look a borrower's row up by NIK.</summary>
    public BlindIndex BlindIndex => protection.GetRequiredService<BlindIndex>();

    /// <summary>A context on the product database, for asserting what was (not) stored.</summary>
    public async Task<LendingDbContext> CreateDbContextAsync()
    {
        var connectionString = await App.GetConnectionStringAsync("dompetkilat")
            ?? throw new InvalidOperationException("No connection string for the product database.");
        return new LendingDbContext(new DbContextOptionsBuilder<LendingDbContext>()
            .UseNpgsql(connectionString)
            .UseSnakeCaseNamingConvention()
            .UseApplicationServiceProvider(protection)
            .AddInterceptors(protection.GetRequiredService<PersonalDataInterceptor>())
            .Options);
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        BackOffice?.Dispose();
        protection?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        if (Telemetry is not null)
        {
            await Telemetry.DisposeAsync();
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
