using DompetKilat.Lending.Data;
using Microsoft.Extensions.Options;

namespace DompetKilat.CallbackWorker;

public sealed class ReferenceIntegrityOptions
{
    public const string Section = "ReferenceIntegrity";

    /// <summary>How often the references the schema keeps without foreign keys are checked; each check reads those tables whole.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);
}

/// <summary>
/// Reports references the schema keeps without foreign keys (<see cref="ReferenceIntegrity"/>) that
/// dangle. One is a broken guarantee, a fault for an operator to look into, so it is logged as an
/// error. The check only reads, so replicas running it at once cost reads and change nothing.
/// </summary>
internal sealed class ReferenceIntegrityCheck(
    IServiceScopeFactory scopeFactory, IOptions<ReferenceIntegrityOptions> options, TimeProvider clock, ILogger<ReferenceIntegrityCheck> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicRounds.RunAsync(options.Value.Interval, clock, CheckAsync,
            ex => logger.LogError(ex, "Checking the references kept without foreign keys failed; the next round tries again"), stoppingToken);

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LendingDbContext>();
        foreach (var dangling in await ReferenceIntegrity.FindDanglingAsync(db, cancellationToken))
        {
            IntegrityLog.Dangling(logger, dangling.Reference, dangling.Dangling, dangling.ExampleId);
        }
    }
}

internal static partial class IntegrityLog
{
    [LoggerMessage(LogLevel.Error, "{Count} rows of {Reference} name a record that does not exist, for example row {ExampleId}")]
    public static partial void Dangling(ILogger logger, string reference, long count, long? exampleId);
}
