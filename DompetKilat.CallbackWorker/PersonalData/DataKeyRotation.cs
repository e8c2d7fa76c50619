using System.Diagnostics.Metrics;
using DompetKilat.Lending.Callbacks;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;
using Microsoft.Extensions.Options;

namespace DompetKilat.CallbackWorker.PersonalData;

/// <summary>How the worker rewraps data keys after the active master key changed (configuration section <c>DataKeyRotation</c>).</summary>
public sealed class DataKeyRotationOptions
{
    public const string Section = "DataKeyRotation";

    /// <summary>Rows rewrapped per transaction: each batch holds its rows' locks only for its few milliseconds.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>A rest between batches, to leave more of the database to serving while a large table rotates.</summary>
    public TimeSpan BatchPause { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How often a pass looks again. The active key changes only with a restart, which starts a pass
    /// at once; later passes catch rows that a replica still on the old settings wrote during a rollout.
    /// Each look reads both tables once (without their sealed values), so it is not made every few seconds.
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Moves every borrower's wrapped data key to the active master key (<see cref="DataKeyRewrap"/>):
/// at start, since a new active key arrives with a restart, and then every
/// <see cref="DataKeyRotationOptions.Interval"/>. Personal data is never re-encrypted. Progress is
/// the gauge <c>dompetkilat.data_keys.awaiting_rewrap</c>, and <c>GET /v1/admin/data-keys</c> on the Api.
/// Each batch commits on its own, so a worker killed mid-pass has lost at most one batch, whose rows
/// stay under their old key, readable; the next start walks the table again and finds only what is left.
/// </summary>
internal sealed class DataKeyRotation : BackgroundService
{
    private readonly IServiceScopeFactory scopeFactory;
    private readonly MasterKeys masterKeys;
    private readonly DataKeyRotationOptions options;
    private readonly TimeProvider clock;
    private readonly ILogger<DataKeyRotation> logger;

    /// <summary>Counted at the start and end of each pass and lowered by each batch: a figure for the dashboard without a count per batch.</summary>
    private long awaitingRewrap;

    public DataKeyRotation(IServiceScopeFactory scopeFactory, MasterKeys masterKeys, IOptions<DataKeyRotationOptions> options,
        IMeterFactory meterFactory, TimeProvider clock, ILogger<DataKeyRotation> logger)
    {
        this.scopeFactory = scopeFactory;
        this.masterKeys = masterKeys;
        this.options = options.Value;
        this.clock = clock;
        this.logger = logger;
        meterFactory.Create(CallbackMetrics.MeterName).CreateObservableGauge("dompetkilat.data_keys.awaiting_rewrap",
            () => Interlocked.Read(ref awaitingRewrap), "{data_key}",
            "Wrapped data keys not yet under the active master key, as this replica last saw them");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await RunPassAsync(stoppingToken))
                {
                    await Task.Delay(options.Interval, clock, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Rewrapping data keys failed; the next pass starts in {Interval}", options.Interval);
                await Task.Delay(options.Interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// One walk through both tables; true when it should be repeated at once: it made progress, yet
    /// rows remain (skipped while another transaction held them, or written meanwhile under an old key).
    /// </summary>
    private async Task<bool> RunPassAsync(CancellationToken cancellationToken)
    {
        var before = await CountAsync(cancellationToken);
        if (before.AwaitingRewrap == 0)
        {
            return false;
        }

        logger.LogInformation("Rewrapping {Awaiting} data keys under master key {ActiveKey}", before.AwaitingRewrap, masterKeys.ActiveKeyId);
        var rewrapped = 0L;
        foreach (var table in DataKeyRewrap.Tables)
        {
            var after = 0L;
            RewrapBatch batch;
            do
            {
                await using (var scope = scopeFactory.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<LendingDbContext>();
                    batch = await DataKeyRewrap.RewrapNextAsync(db, masterKeys, table, after, options.BatchSize, cancellationToken);
                }

                after = batch.LastId;
                rewrapped += batch.Rewrapped;
                Interlocked.Add(ref awaitingRewrap, -batch.Rewrapped);
                if (batch.Unreadable.Count > 0)
                {
                    logger.LogError("Data keys of {Table} rows {Rows} cannot be unwrapped with any configured master key; they stay as they are",
                        table, string.Join(", ", batch.Unreadable));
                }

                if (options.BatchPause > TimeSpan.Zero && batch.Taken == options.BatchSize)
                {
                    await Task.Delay(options.BatchPause, clock, cancellationToken);
                }
            }
            while (batch.Taken == options.BatchSize);
        }

        var remaining = await CountAsync(cancellationToken);
        logger.LogInformation("Rewrapped {Rewrapped} data keys under master key {ActiveKey}; {Remaining} remain under other keys",
            rewrapped, masterKeys.ActiveKeyId, remaining.AwaitingRewrap);
        return rewrapped > 0 && remaining.AwaitingRewrap > 0;
    }

    private async Task<DataKeyCounts> CountAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var counts = await DataKeyRewrap.CountAsync(scope.ServiceProvider.GetRequiredService<LendingDbContext>(), masterKeys, cancellationToken);
        Interlocked.Exchange(ref awaitingRewrap, counts.AwaitingRewrap);
        return counts;
    }
}
