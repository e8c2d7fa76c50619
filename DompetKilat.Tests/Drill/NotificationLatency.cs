using System.Diagnostics;
using DompetKilat.Domain.Notifications;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace DompetKilat.Tests.Drill;

/// <summary>Runs only when DOMPETKILAT_NOTIFY_RATE names a callback rate: a measurement, not a check for every run.</summary>
public sealed class LatencyMeasurementAttribute : FactAttribute
{
    public LatencyMeasurementAttribute()
    {
        if (Environment.GetEnvironmentVariable("DOMPETKILAT_NOTIFY_RATE") is null)
        {
            Skip = "a measurement: set DOMPETKILAT_NOTIFY_RATE (callbacks per second) to run it";
        }
    }
}

/// <summary>
/// Delivery latency from a loan change to the partner's 2xx (docs/benchmarks.md) at a steady
/// callback rate, with a partner that answers at once: rounds of snapshots, one per loan per round,
/// so every applied snapshot owes one event.
/// </summary>
[Collection(DrillCollection.Name)]
public sealed class NotificationLatency(ReplicatedApp system, ITestOutputHelper testOutput)
{
    private const int Loans = 300;

    [LatencyMeasurement]
    public async Task Change_to_2xx_at_a_steady_callback_rate()
    {
        var output = new DrillReport(testOutput, CallbackDrill.ReportPath);
        var rate = int.Parse(Environment.GetEnvironmentVariable("DOMPETKILAT_NOTIFY_RATE")!, System.Globalization.CultureInfo.InvariantCulture);
        var duration = TimeSpan.FromSeconds(20);
        await using var partner = await PartnerReceiver.StartAsync();
        partner.Secret = system.LocalWebhookSecret;
        var (status, body) = await system.AdminAsync(HttpMethod.Put, "/v1/admin/partners/LOCAL", System.Text.Json.JsonSerializer.Serialize(new
        {
            name = "Local development", allowList = new[] { "127.0.0.0/8", "::1" }, productCodes = new[] { "95" }, webhookUrl = partner.Url, keyless = true,
        }));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());

        var loanCodes = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Loans), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (_, _) => loanCodes.Add(await system.ApprovedLoanAsync()));
        var rounds = (int)Math.Ceiling(rate * duration.TotalSeconds / Loans);
        var plan = Enumerable.Range(0, rounds)
            .SelectMany(pay => loanCodes.Select(code =>
            {
                var callback = LoanJourney.Callback(code, "active", pay);
                return new PlannedCallback(code, callback["transactionId"]!.GetValue<string>(), pay, "active", callback);
            }))
            .ToList();
        var since = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        await new DrillLender(system, replayShare: 0).SendAsync(plan, senders: 32, duration, CancellationToken.None);
        var sent = clock.Elapsed;

        await using var db = await system.CreateDbContextAsync();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (await db.PartnerEvents.AnyAsync(e => e.OccurredAt >= since && e.State != PartnerEventState.Delivered) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        var events = await db.PartnerEvents.AsNoTracking().Where(e => e.OccurredAt >= since).ToListAsync();
        var delivered = partner.Received.Where(r => r.Answered == 200).GroupBy(r => r.WebhookId).ToDictionary(g => g.Key, g => g.Min(r => r.ReceivedAt));
        var latencies = events.Where(e => delivered.ContainsKey(e.EventId)).Select(e => (delivered[e.EventId] - e.OccurredAt).TotalMilliseconds).Order().ToList();
        double At(double share) => latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * share))];
        output.WriteLine($"""
            notification latency at a steady callback rate (2 Api, 2 workers, partner answering at once):
            {plan.Count} callbacks to {Loans} loans in {sent.TotalSeconds:F1} s ({plan.Count / sent.TotalSeconds:F0}/s, asked {rate}/s)
            {events.Count} events, {latencies.Count} delivered; change to 2xx p50 {At(0.5):F0} ms, p95 {At(0.95):F0} ms, p99 {At(0.99):F0} ms, max {latencies[^1]:F0} ms
            """);
        Assert.Equal(events.Count, latencies.Count);
    }
}
