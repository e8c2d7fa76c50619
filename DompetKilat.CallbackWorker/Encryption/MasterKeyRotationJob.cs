using System.Diagnostics.Metrics;
using DompetKilat.Lending.Callbacks;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;
using Microsoft.Extensions.Options;

namespace DompetKilat.CallbackWorker.Encryption;

/// <summary>How the worker moves what older master keys sealed under the active one (configuration section <c>MasterKeyRotation</c>).</summary>
public sealed class MasterKeyRotationOptions
{
    public const string Section = "MasterKeyRotation";

    /// <summary>Data keys rewrapped per transaction: each batch holds its rows' locks only for its few milliseconds.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>A rest between batches, to leave more of the database to serving while a large table rotates.</summary>
    public TimeSpan BatchPause { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How often a pass looks again. The active key changes only with a restart, which starts a pass
    /// at once; later passes catch what a replica still on the old settings wrote during a rollout.
    /// Each look reads the borrowers' and photos' rows once (without their sealed values), so it is
    /// not made every few seconds.
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Moves everything an older master key sealed under the active one (<see cref="MasterKeyRotation"/>):
/// every borrower's wrapped data key, rewrapped in batches, and partners' webhook secrets. It runs at
/// start, since a new active key arrives with a restart, and then every
/// <see cref="MasterKeyRotationOptions.Interval"/>. Personal data is never re-encrypted. Progress is
/// the gauge <c>dompetkilat.master_keys.awaiting_rotation</c>, and <c>GET /v1/admin/master-keys</c>
/// on the Api. Each batch commits on its own, so a worker killed mid-pass has lost at most one batch,
/// whose rows stay under their old key, readable; the next start finds only what is left.
/// </summary>
internal sealed class MasterKeyRotationJob : BackgroundService
{
    private readonly IServiceScopeFactory scopeFactory;
    private readonly MasterKeys masterKeys;
    private readonly FieldProtector protector;
    private readonly MasterKeyRotationOptions options;
    private readonly TimeProvider clock;
    private readonly ILogger<MasterKeyRotationJob> logger;

    /// <summary>Counted at the start and end of each pass and lowered by each batch: a figure for the dashboard without a count per batch.</summary>
    private long awaitingRotation;

    public MasterKeyRotationJob(IServiceScopeFactory scopeFactory, MasterKeys masterKeys, FieldProtector protector,
        IOptions<MasterKeyRotationOptions> options, IMeterFactory meterFactory, TimeProvider clock, ILogger<MasterKeyRotationJob> logger)
    {
        this.scopeFactory = scopeFactory;
        this.masterKeys = masterKeys;
        this.protector = protector;
        this.options = options.Value;
        this.clock = clock;
        this.logger = logger;
        meterFactory.Create(CallbackMetrics.MeterName).CreateObservableGauge("dompetkilat.master_keys.awaiting_rotation",
            () => Interlocked.Read(ref awaitingRotation), "{value}",
            "Wrapped data keys and partner secrets not yet under the active master key, as this replica last counted them");
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
                logger.LogError(ex, "Master key rotation failed; the next pass starts in {Interval}", options.Interval);
                await Task.Delay(options.Interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// One walk through every table; true when it should be repeated at once: it made progress, yet
    /// values remain (skipped while another transaction held their rows, or written meanwhile under an old key).
    /// </summary>
    private async Task<bool> RunPassAsync(CancellationToken cancellationToken)
    {
        var before = await CountAsync(cancellationToken);
        if (before.AwaitingRotation == 0)
        {
            return false;
        }

        logger.LogInformation("Moving {Awaiting} sealed values under master key {ActiveKey}", before.AwaitingRotation, masterKeys.ActiveKeyId);
        var rewrapped = 0L;
        foreach (var table in MasterKeyRotation.Tables)
        {
            var after = 0L;
            RewrapBatch batch;
            do
            {
                await using (var scope = scopeFactory.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<LendingDbContext>();
                    batch = await MasterKeyRotation.RewrapDataKeysAsync(db, masterKeys, table, after, options.BatchSize, cancellationToken);
                }

                after = batch.LastId;
                rewrapped += batch.Rewrapped;
                Interlocked.Add(ref awaitingRotation, -batch.Rewrapped);
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

        await using (var scope = scopeFactory.CreateAsyncScope())
        {
            var unreadable = await MasterKeyRotation.ResealPartnerSecretsAsync(
                scope.ServiceProvider.GetRequiredService<LendingDbContext>(), protector, masterKeys, cancellationToken);
            if (unreadable.Count > 0)
            {
                logger.LogError("Webhook secrets of partners {Partners} cannot be opened with any configured master key; they stay as they are",
                    string.Join(", ", unreadable));
            }
        }

        var remaining = await CountAsync(cancellationToken);
        logger.LogInformation("Rewrapped {Rewrapped} data keys under master key {ActiveKey}; {Remaining} sealed values remain under other keys",
            rewrapped, masterKeys.ActiveKeyId, remaining.AwaitingRotation);
        return remaining.AwaitingRotation > 0 && remaining.AwaitingRotation < before.AwaitingRotation;
    }

    private async Task<MasterKeyCounts> CountAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var counts = await MasterKeyRotation.CountAsync(scope.ServiceProvider.GetRequiredService<LendingDbContext>(), masterKeys, cancellationToken);
        Interlocked.Exchange(ref awaitingRotation, counts.AwaitingRotation);
        return counts;
    }
}
