using System.Diagnostics;
using DompetKilat.Lending.Callbacks;
using DompetKilat.Lending.Loans;
using DompetKilat.Lending.Notifications;
using DompetKilat.Lending.Data;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace DompetKilat.Tests.Drill;

/// <summary>
/// The resilience drill (docs/resilience.md): callbacks pour in from a lender that retries and
/// replays to two Api replicas, while Api and worker replicas are killed, Redis and PostgreSQL go
/// down, and a caller bursts past its rate limit. Then the database must show nothing lost and
/// nothing doubled.
/// </summary>
[Collection(DrillCollection.Name)]
public sealed class CallbackDrill(ReplicatedApp system, ITestOutputHelper testOutput)
{
    /// <summary>Where the printed figures also go, for drill.sh and test.sh to show even when the drill passes.</summary>
    public static string ReportPath =>
        Environment.GetEnvironmentVariable("DOMPETKILAT_DRILL_REPORT") ?? Path.Combine(Path.GetTempPath(), "dompetkilat-drill-report.txt");

    private readonly DrillReport output = new(testOutput, ReportPath);

    [Fact]
    public async Task Under_faults_every_acknowledged_callback_is_stored_and_applied_exactly_once()
    {
        var mode = DrillMode.FromEnvironment();
        var seed = Environment.TickCount;
        output.WriteLine($"drill mode {mode.Name}: {mode.Loans} loans, {mode.Senders} senders, {mode.Duration.TotalSeconds:F0} s, seed {seed}");
        await using var partner = await PartnerReceiver.StartAsync();
        await StandInForLocalAsync(partner);
        var loanCodes = await CreateLoansAsync(mode.Loans);
        var plan = DrillLender.Plan(loanCodes, mode.MostSnapshotsPerLoan, new Random(seed));
        var lender = new DrillLender(system, replayShare: 0.3);
        var faults = new DrillFaults(system, output.WriteLine);
        output.WriteLine($"replicas: {string.Join(", ", system.Replicas("api").Concat(system.Replicas("callback-worker")).Select(r => r.Id))}");

        using var stop = new CancellationTokenSource(mode.Duration * 4);
        var sending = lender.SendAsync(plan, mode.Senders, mode.Duration, stop.Token);
        var injecting = InjectFaultsAsync(faults, mode.Duration, stop.Token);
        var partnerOutage = PartnerOutageAsync(partner, mode.Duration, stop.Token);
        await sending;
        // Measured while the last faults may still run: restarts take longer on a loaded machine
        // than the schedule allows, and the drain is the workers' figure, not the schedule's.
        var drainTime = await WaitForDrainAsync(lender.LastAcknowledgedAt);
        var rateLimited = await injecting;
        await partnerOutage;

        await using var db = await system.CreateDbContextAsync();
        var stored = await db.LoanCallbacks.AsNoTracking()
            .Where(c => db.Loans.Any(l => l.Id == c.LoanId && loanCodes.Contains(l.LoanCode)))
            .ToListAsync();
        var loans = await db.Loans.AsNoTracking().Where(l => loanCodes.Contains(l.LoanCode)).ToDictionaryAsync(l => l.LoanCode);
        var storedIds = stored.GroupBy(c => c.TransactionId).ToDictionary(g => g.Key, g => g.Count());
        var lost = lender.Acknowledged.Keys.Count(id => !storedIds.ContainsKey(id));
        var doubled = storedIds.Count(s => s.Value > 1) + stored.Count(c => c.Attempts > 1 && c.State != CallbackState.Parked);
        var newest = plan.GroupBy(c => c.LoanCode).ToDictionary(g => g.Key, g => g.MaxBy(c => c.NumberOfPay)!);
        var wrongFinalState = newest.Values.Count(n =>
            loans[n.LoanCode].NumberOfPay != n.NumberOfPay || loans[n.LoanCode].Status != LoanStatus.Completed);
        var parked = stored.Where(c => c.State == CallbackState.Parked).ToList();
        var workerProcesses = stored.Select(c => c.ProcessedBy).Distinct().Count();
        var notifications = await NotificationFiguresAsync(partner, loans.Values.Select(l => l.Id).ToHashSet(), stored);

        output.WriteLine("faults injected:");
        faults.Injected.ForEach(f => output.WriteLine($"  {f}"));
        output.WriteLine($"""
            figures:
              planned callbacks     {plan.Count}
              sent (with retries)   {lender.Sent}
              acknowledged (00)     {lender.Acknowledged.Count}
              replays sent          {lender.Replays}
              retries               {lender.Retries}
              answers               {string.Join(", ", lender.Answers.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}"))}
              rate-limited (07)     {rateLimited} of the over-limit burst
              replicas killed       {string.Join(", ", faults.Kills.OrderBy(k => k.Key).Select(k => $"{k.Key}: {k.Value}"))}
              applied               {stored.Count(c => c.State == CallbackState.Applied)}
              stale                 {stored.Count(c => c.State == CallbackState.Stale)}
              worker processes      {workerProcesses} applied callbacks
              parked                {parked.Count}{string.Concat(parked.Select(p => $"{Environment.NewLine}    {p.TransactionId}: {p.Reason}"))}
              still pending         {stored.Count(c => c.State == CallbackState.Pending)}
              lost                  {lost}
              doubled               {doubled}
              loans not at newest   {wrongFinalState}
              drain time            {drainTime.TotalSeconds:F1} s after the last 00
              longest unavailability {lender.LongestUnavailability.TotalSeconds:F1} s (first send to 00 of one callback)
              longest request       {lender.LongestAttempt.Took.TotalSeconds:F1} s, answered {lender.LongestAttempt.Answer}
            partner notifications (receiver fails {PartnerFailureShare:P0} of deliveries and is down {PartnerOutageShare:P0} of the window):
              events expected       {notifications.Expected} (one per applied change, approvals included)
              events recorded       {notifications.Recorded}
              missing / extra       {notifications.Missing} / {notifications.Extra}
              delivered             {notifications.Delivered} (state delivered, a 2xx seen by the receiver)
              not delivered         {notifications.Undelivered}
              requests received     {notifications.Requests} ({notifications.Refused} answered 500), {partner.Resets} more reset while down
              delivered twice       {notifications.DeliveredTwice} (at least once: a killed dispatcher's lease lapsed)
              out of order          {notifications.OutOfOrder} loans
              bad signatures        {notifications.BadSignatures}
              change to 2xx         p50 {notifications.Latency.P50:F2} s, p95 {notifications.Latency.P95:F2} s, max {notifications.Latency.Max:F1} s
              first-attempt 2xx     p50 {notifications.FirstAttemptLatency.P50:F3} s, p95 {notifications.FirstAttemptLatency.P95:F3} s
            """);

        Assert.Equal(plan.Count, lender.Acknowledged.Count);
        Assert.Equal(0, lost);
        Assert.Equal(0, doubled);
        Assert.Equal(plan.Count, stored.Count);
        Assert.Empty(parked);
        Assert.DoesNotContain(stored, c => c.State == CallbackState.Pending);
        Assert.Equal(0, wrongFinalState);
        Assert.True(rateLimited > 0, "the burst never met the rate limit");
        Assert.True(faults.Kills.GetValueOrDefault("api") >= 2, "not every Api replica was killed");
        Assert.True(workerProcesses >= 2, "the callbacks were not shared between worker replicas");
        Assert.Equal((0, 0), (notifications.Missing, notifications.Extra));
        Assert.Equal(0, notifications.Undelivered);
        Assert.Equal(0, notifications.OutOfOrder);
        Assert.Equal(0, notifications.BadSignatures);
        Assert.True(notifications.Refused > 0, "the partner never failed a delivery");
        Assert.True(partner.Resets > 0, "nothing was sent while the partner was down");
    }

    private const double PartnerFailureShare = 0.1;
    private const double PartnerOutageShare = 0.15;

    /// <summary>
    /// The drill's loans are LOCAL's, so its notifications go to a receiver in the test instead of
    /// the sandbox: one that fails a share of deliveries, verifying with LOCAL's secret.
    /// </summary>
    private async Task StandInForLocalAsync(PartnerReceiver partner)
    {
        partner.Secret = system.LocalWebhookSecret;
        partner.Answer = (_, _) => Task.FromResult(Random.Shared.NextDouble() < PartnerFailureShare ? 500 : 200);
        var (status, body) = await system.AdminAsync(HttpMethod.Put, "/v1/admin/partners/LOCAL", System.Text.Json.JsonSerializer.Serialize(new
        {
            name = "Local development", allowList = new[] { "127.0.0.0/8", "::1" }, productCodes = new[] { "95" }, webhookUrl = partner.Url, keyless = true,
        }));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
    }

    /// <summary>The partner's server goes down (connections reset) in the middle of the window, and comes back.</summary>
    private async Task PartnerOutageAsync(PartnerReceiver partner, TimeSpan duration, CancellationToken cancellationToken)
    {
        await Task.Delay(duration * 0.4, cancellationToken);
        partner.Down = true;
        output.WriteLine($"partner receiver down for {(duration * PartnerOutageShare).TotalSeconds:F0} s");
        await Task.Delay(duration * PartnerOutageShare, cancellationToken);
        partner.Down = false;
    }

    /// <summary>
    /// Waits until the loans' events are all delivered (or a deadline), then compares them with
    /// what was applied: approval, disbursement and completion once per loan, a repayment per
    /// applied snapshot that raised numberOfPay.
    /// </summary>
    private async Task<NotificationFigures> NotificationFiguresAsync(PartnerReceiver partner, HashSet<long> loanIds, List<LoanCallback> stored)
    {
        await using var db = await system.CreateDbContextAsync();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline
               && await db.PartnerEvents.AnyAsync(e => e.LoanId != null && loanIds.Contains(e.LoanId.Value) && e.State != PartnerEventState.Delivered))
        {
            await Task.Delay(200);
        }

        var events = await db.PartnerEvents.AsNoTracking().Where(e => e.LoanId != null && loanIds.Contains(e.LoanId.Value)).ToListAsync();
        static string Key(string type, int numberOfPay) => type == LoanEvents.Repayment ? $"{type}#{numberOfPay}" : type;
        var expected = stored.Where(c => c.State == CallbackState.Applied)
            .Select(c => (c.LoanId, Key: Key(LoanEvents.Repayment, CallbackFingerprint.Read(c.Payload).NumberOfPay ?? 0)))
            .Where(e => e.Key != LoanEvents.Repayment + "#0")
            .Concat(loanIds.SelectMany(id => new[] { (id, LoanEvents.Approved), (id, LoanEvents.Disbursed), (id, LoanEvents.Completed) }))
            .ToList();
        var recorded = events
            .Select(e => (LoanId: e.LoanId!.Value, Key: Key(e.Type, System.Text.Json.Nodes.JsonNode.Parse(e.Body)!["data"]!["numberOfPay"]!.GetValue<int>())))
            .ToList();
        var expectedCounts = expected.CountBy(e => e).ToDictionary();
        var recordedCounts = recorded.CountBy(e => e).ToDictionary();
        var missing = expectedCounts.Sum(e => Math.Max(0, e.Value - recordedCounts.GetValueOrDefault(e.Key)));
        var extra = recordedCounts.Sum(r => Math.Max(0, r.Value - expectedCounts.GetValueOrDefault(r.Key)));

        var received = partner.Received.Where(r => loanIds.Contains(r.LoanId)).ToList();
        var firstDelivery = received.Where(r => r.Answered is >= 200 and < 300)
            .GroupBy(r => r.WebhookId).ToDictionary(g => g.Key, g => g.Min(r => r.ReceivedAt));
        var outOfOrder = events.GroupBy(e => e.LoanId).Count(loan =>
        {
            var times = loan.OrderBy(e => e.Id).Select(e => firstDelivery.GetValueOrDefault(e.EventId, DateTime.MaxValue)).ToList();
            return times.Zip(times.Skip(1)).Any(pair => pair.First > pair.Second);
        });
        var attemptsOf = received.GroupBy(r => r.WebhookId).ToDictionary(g => g.Key, g => g.Count());
        var latencies = events.Where(e => firstDelivery.ContainsKey(e.EventId))
            .Select(e => (Seconds: (firstDelivery[e.EventId] - e.OccurredAt).TotalSeconds, First: attemptsOf[e.EventId] == 1))
            .ToList();

        return new NotificationFigures(
            Expected: expected.Count,
            Recorded: events.Count,
            Missing: missing,
            Extra: extra,
            Delivered: events.Count(e => e.State == PartnerEventState.Delivered && firstDelivery.ContainsKey(e.EventId)),
            Undelivered: events.Count(e => e.State != PartnerEventState.Delivered || !firstDelivery.ContainsKey(e.EventId)),
            Requests: received.Count,
            Refused: received.Count(r => r.Answered is not (>= 200 and < 300)),
            DeliveredTwice: received.Where(r => r.Answered is >= 200 and < 300).GroupBy(r => r.WebhookId).Count(g => g.Count() > 1),
            OutOfOrder: outOfOrder,
            BadSignatures: received.Count(r => !r.SignatureValid),
            Latency: Percentiles.Of(latencies.Select(l => l.Seconds)),
            FirstAttemptLatency: Percentiles.Of(latencies.Where(l => l.First).Select(l => l.Seconds)));
    }

    private async Task<List<string>> CreateLoansAsync(int count)
    {
        var clock = Stopwatch.StartNew();
        var codes = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (_, _) => codes.Add(await system.ApprovedLoanAsync()));
        output.WriteLine($"{count} approved loans created in {clock.Elapsed.TotalSeconds:F1} s");
        return [.. codes];
    }

    /// <summary>Runs the fault schedule across the sending window; returns how many burst requests were refused with 07.</summary>
    private async Task<int> InjectFaultsAsync(DrillFaults faults, TimeSpan duration, CancellationToken cancellationToken)
    {
        var start = Stopwatch.StartNew();
        async Task At(double share) => await Task.Delay(TimeSpan.FromTicks(Math.Max(0, (long)(duration.Ticks * share) - start.Elapsed.Ticks)), cancellationToken);

        // Each kill takes the next replica, so both Api replicas and both workers die once.
        await At(0.1);
        await faults.KillReplicaAsync("callback-worker", "CallbackWorker");
        await At(0.2);
        await faults.RestartRedisAsync(duration * 0.1);
        await At(0.35);
        await faults.KillReplicaAsync("api", "Api");
        await At(0.5);
        await faults.RestartPostgresAsync(TimeSpan.FromSeconds(3));
        await At(0.6);
        await faults.KillReplicaAsync("api", "Api");
        await At(0.7);
        var refused = await BurstPastTheRateLimitAsync();
        await At(0.8);
        await faults.KillReplicaAsync("callback-worker", "CallbackWorker");
        return refused;
    }

    /// <summary>A partner behind the trusted proxy firing far more than its budget at once.</summary>
    private async Task<int> BurstPastTheRateLimitAsync()
    {
        using var viaProxy = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{system.Api.BaseAddress!.Port}") };
        var answers = await Task.WhenAll(Enumerable.Range(0, 6 * DompetKilatApp.PartnerBurst).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/loan/LC000000000000");
            request.Headers.Add("X-Forwarded-For", "198.51.100.200");
            using var response = await viaProxy.SendAsync(request);
            return response.StatusCode;
        }));
        var refused = answers.Count(a => a == HttpStatusCode.TooManyRequests);
        output.WriteLine($"rate-limit burst: {answers.Length} requests, {refused} refused with 07");
        return refused;
    }

    private async Task<TimeSpan> WaitForDrainAsync(DateTime lastAcknowledged)
    {
        await using var db = await system.CreateDbContextAsync();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (await AnyPendingAsync(db) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        return DateTime.UtcNow - lastAcknowledged;
    }

    /// <summary>Whether callbacks wait; a database still restarting counts as yes.</summary>
    private static async Task<bool> AnyPendingAsync(LendingDbContext db)
    {
        try
        {
            return await db.LoanCallbacks.AnyAsync(c => c.State == CallbackState.Pending);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
        {
            return true;
        }
    }
}

internal sealed record NotificationFigures(
    int Expected, int Recorded, int Missing, int Extra, int Delivered, int Undelivered, int Requests, int Refused,
    int DeliveredTwice, int OutOfOrder, int BadSignatures, Percentiles Latency, Percentiles FirstAttemptLatency);

internal sealed record Percentiles(double P50, double P95, double Max)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0
            ? new(0, 0, 0)
            : new(sorted[(int)(sorted.Count * 0.5)], sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * 0.95))], sorted[^1]);
    }
}

/// <summary>Writes each line to the test's output and to the report file (new for each run, and shared with other tests' figures).</summary>
internal sealed class DrillReport
{
    private readonly ITestOutputHelper testOutput;
    private readonly string path;

    public DrillReport(ITestOutputHelper testOutput, string path)
    {
        this.testOutput = testOutput;
        this.path = path;
    }

    public void WriteLine(string line)
    {
        testOutput.WriteLine(line);
        lock (path)
        {
            File.AppendAllText(path, line + Environment.NewLine);
        }
    }
}
