using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Notifications;
using DompetKilat.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.CallbackWorker.Notifications;

/// <summary>
/// Delivers the outbox to partners (API-CONTRACT §9). It claims due events with
/// <c>FOR UPDATE SKIP LOCKED</c> and a lease (the claim moves <c>next_attempt_at</c> past the
/// longest attempt), so competing replicas never send one attempt twice at once and a replica
/// killed mid-attempt leaves the event to be sent again when the lease lapses. Only a loan's
/// oldest pending event is due, so a loan's events arrive in order; each partner gets at most
/// <see cref="PerPartner"/> attempts at once, so a slow or dead partner holds its own slots only.
/// The schedule lives in the table, so a restart neither loses nor resets it.
/// </summary>
internal sealed class EventDispatcher(
    IServiceScopeFactory scopeFactory,
    PartnerEventNotifications notifications,
    PartnerWebhookClient webhooks,
    NotificationMetrics metrics,
    TimeProvider clock,
    ILogger<EventDispatcher> logger) : BackgroundService
{
    /// <summary>
    /// Per partner and replica. 8 fell behind one busy partner at 100 events/s on a loaded machine
    /// (docs/benchmarks.md); 32 kept up, and a dead partner's hung attempts still hold at most 32
    /// sockets of a replica for 10 s each.
    /// </summary>
    private const int PerPartner = 32;
    private const int InFlightLimit = 128;

    private static readonly TimeSpan Sweep = TimeSpan.FromSeconds(1);
    private static readonly ActivitySource ActivitySource = new(ServiceDefaults.Extensions.TelemetrySourceName);

    /// <summary>At most this many deliveries recorded by one statement.</summary>
    private const int RecordBatch = 256;

    /// <summary>Attempts running in this replica, by partner.</summary>
    private readonly ConcurrentDictionary<int, int> inFlight = new();
    private int inFlightTotal;

    /// <summary>Deliveries waiting to be recorded: whatever is waiting goes in one statement, one commit.</summary>
    private readonly Channel<Delivery> deliveries = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var recording = RecordDeliveriesAsync(stoppingToken);
        var attempts = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                attempts.RemoveAll(a => a.IsCompleted);
                var claimed = InFlightLimit - Volatile.Read(ref inFlightTotal) > 0
                    ? await ClaimAsync(stoppingToken)
                    : [];
                foreach (var claim in claimed)
                {
                    attempts.Add(AttemptAsync(claim, stoppingToken));
                }

                if (claimed.Count == 0)
                {
                    await notifications.WaitAsync(Sweep, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Claiming partner events failed; retrying after the next sweep interval");
                await Task.Delay(Sweep, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        // Attempts cut short by shutdown stay claimed until their lease lapses, then go again.
        await Task.WhenAll(attempts).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        deliveries.Writer.Complete();
        await recording;
    }

    private async Task<List<Claim>> ClaimAsync(CancellationToken cancellationToken)
    {
        var busy = inFlight.Where(p => p.Value > 0).ToArray();
        var busyPartners = busy.Select(p => p.Key).ToArray();
        var busyCounts = busy.Select(p => p.Value).ToArray();
        var fullPartners = busy.Where(p => p.Value >= PerPartner).Select(p => p.Key).ToArray();
        var limit = InFlightLimit - Volatile.Read(ref inFlightTotal);
        var now = clock.GetUtcNow().UtcDateTime;

        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LendingDbContext>();
        var events = await PartnerEventOutbox.ClaimDueAsync(db, now, PartnerEventOutbox.ClaimLease,
            new ClaimBudget(fullPartners, busyPartners, busyCounts, PerPartner, limit), cancellationToken);
        if (events.Count == 0)
        {
            return [];
        }

        var partnerIds = events.Select(e => e.PartnerId).Distinct().ToList();
        var partners = await db.Partners.AsNoTracking().Where(p => partnerIds.Contains(p.Id))
            .Select(p => new { p.Id, p.Code, p.WebhookUrl, p.WebhookSecret, p.PreviousWebhookSecret, p.PreviousWebhookSecretExpiresAt })
            .ToDictionaryAsync(p => p.Id, cancellationToken);

        var claims = new List<Claim>(events.Count);
        foreach (var e in events)
        {
            var partner = partners[e.PartnerId];
            string[] secrets = partner.PreviousWebhookSecret is { } previous && partner.PreviousWebhookSecretExpiresAt > now
                ? [partner.WebhookSecret!, previous]
                : [partner.WebhookSecret!];
            inFlight.AddOrUpdate(e.PartnerId, 1, (_, n) => n + 1);
            Interlocked.Increment(ref inFlightTotal);
            claims.Add(new Claim(e, partner.Code, partner.WebhookUrl!, secrets));
        }

        return claims;
    }

    private async Task AttemptAsync(Claim claim, CancellationToken cancellationToken)
    {
        var e = claim.Event;
        try
        {
            await Task.Yield();
            using var activity = StartAttemptActivity(claim);
            var startedAt = clock.GetUtcNow().UtcDateTime;
            var outcome = await webhooks.SendAsync(claim.WebhookUrl, e.EventId, e.Body, claim.Secrets, cancellationToken);
            activity?.SetTag("http.response.status_code", outcome.Status);
            if (!outcome.Delivered)
            {
                activity?.SetStatus(ActivityStatusCode.Error, outcome.Error ?? $"HTTP {outcome.Status}");
            }

            await RecordAsync(claim, outcome, startedAt, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the lease brings the event back.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Recording the attempt at event {EventId} failed; it goes again when its claim lapses", e.EventId);
        }
        finally
        {
            inFlight.AddOrUpdate(e.PartnerId, 0, (_, n) => n - 1);
            Interlocked.Decrement(ref inFlightTotal);
            notifications.Ring();
        }
    }

    private async Task RecordAsync(Claim claim, AttemptOutcome outcome, DateTime startedAt, CancellationToken cancellationToken)
    {
        var e = claim.Event;
        var now = clock.GetUtcNow().UtcDateTime;
        if (outcome.Delivered)
        {
            var delivery = new Delivery(e.Id, e.Attempts, outcome.Status!.Value, startedAt, now, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            deliveries.Writer.TryWrite(delivery);
            await delivery.Recorded.Task;
            metrics.Delivered(e.Type, now - e.OccurredAt);
            logger.LogDebug("Delivered event {EventId} to partner {PartnerCode} at attempt {Attempt}", e.EventId, claim.PartnerCode, e.Attempts);
            return;
        }

        var error = outcome.Error is { Length: > 256 } tooLong ? tooLong[..256] : outcome.Error;
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LendingDbContext>();
        var failed = await PartnerEventOutbox.RecordFailedAsync(db, e, new AttemptFailure(outcome.Status, error, outcome.Gone), startedAt, now,
            Random.Shared.NextDouble(), cancellationToken);
        if (failed.GivesUp)
        {
            metrics.Failed(e.Type, outcome.Gone ? "gone" : "expired");
            logger.LogWarning("Gave up on event {EventId} for partner {PartnerCode} after {Attempts} attempts: {Reason}",
                e.EventId, claim.PartnerCode, e.Attempts, failed.Reason);
            return;
        }

        metrics.Retried(e.Type);
        // An unreachable or failing partner is an expected condition the schedule handles, not an error of ours.
        logger.LogWarning("Partner {PartnerCode} did not take event {EventId} (attempt {Attempt}: {Outcome}); next attempt at {NextAttemptAt:O}",
            claim.PartnerCode, e.EventId, e.Attempts, outcome.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? error, failed.NextAttemptAt);
    }

    /// <summary>
    /// Records delivered attempts, as many as are waiting in one statement: a scope, a context and a
    /// statement for each delivery were a third of the worker's CPU per notification. An attempt keeps
    /// its slot until its delivery is recorded, so a loan's next event is not claimed before this one
    /// is marked delivered.
    /// </summary>
    private async Task RecordDeliveriesAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Delivery>(RecordBatch);
        while (await deliveries.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < RecordBatch && deliveries.Reader.TryRead(out var delivery))
            {
                batch.Add(delivery);
            }

            try
            {
                await using var scope = scopeFactory.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<LendingDbContext>();
                await PartnerEventOutbox.RecordDeliveredAsync(db, [.. batch.Select(d => new DeliveredAttempt(d.EventId, d.Attempt, d.Status, d.StartedAt, d.At))], stoppingToken);
                batch.ForEach(d => d.Recorded.TrySetResult());
            }
            catch (Exception ex)
            {
                batch.ForEach(d => d.Recorded.TrySetException(ex));
            }

            batch.Clear();
        }
    }

    /// <summary>The attempt joins the trace of the request or callback that made the change.</summary>
    private static Activity? StartAttemptActivity(Claim claim)
    {
        ActivityContext.TryParse(claim.Event.TraceParent, null, out var change);
        var activity = ActivitySource.StartActivity("deliver partner event", ActivityKind.Producer, change);
        activity?.SetTag("dompetkilat.event.id", claim.Event.EventId);
        activity?.SetTag("dompetkilat.event.type", claim.Event.Type);
        activity?.SetTag("dompetkilat.event.attempt", claim.Event.Attempts);
        activity?.SetTag("dompetkilat.partner.code", claim.PartnerCode);
        activity?.SetTag("dompetkilat.loan.id", claim.Event.LoanId);
        return activity;
    }

    private sealed record Claim(PartnerEvent Event, string PartnerCode, string WebhookUrl, IReadOnlyList<string> Secrets);

    private sealed record Delivery(long EventId, int Attempt, int Status, DateTime StartedAt, DateTime At, TaskCompletionSource Recorded);
}
