using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using DompetKilat.Tests.Infrastructure;

namespace DompetKilat.Tests.Drill;

/// <summary>One callback the lender must get acknowledged: its identity and the snapshot it carries.</summary>
public sealed record PlannedCallback(string LoanCode, string TransactionId, int NumberOfPay, string Status, JsonObject Body);

/// <summary>
/// Behaves like a lender's system of record: concurrent senders, each retrying a callback with
/// backoff until it sees 00, replaying some acknowledged ones, with every loan's snapshots in a
/// shuffled order.
/// </summary>
public sealed class DrillLender(DompetKilatApp system, double replayShare)
{
    private readonly ConcurrentDictionary<string, PlannedCallback> acknowledged = new();
    private readonly ConcurrentDictionary<string, int> answers = new();
    private long sent;
    private long replays;
    private long retries;
    private long lastAcknowledgedTicks;
    private long longestUnavailableTicks;
    private (TimeSpan Took, string Answer) longestAttempt;

    public IReadOnlyDictionary<string, PlannedCallback> Acknowledged => acknowledged;

    public IReadOnlyDictionary<string, int> Answers => answers;

    public long Sent => sent;

    public long Replays => replays;

    public long Retries => retries;

    public DateTime LastAcknowledgedAt => new(Interlocked.Read(ref lastAcknowledgedTicks), DateTimeKind.Utc);

    /// <summary>The longest any one callback waited between its first send and its 00.</summary>
    public TimeSpan LongestUnavailability => TimeSpan.FromTicks(Interlocked.Read(ref longestUnavailableTicks));

    /// <summary>The longest single request and how it ended: a hung connection shows here, not as a retry.</summary>
    public (TimeSpan Took, string Answer) LongestAttempt
    {
        get
        {
            lock (answers)
            {
                return longestAttempt;
            }
        }
    }

    /// <summary>Feeds the plan evenly over <paramref name="duration"/> to <paramref name="senders"/> concurrent senders.</summary>
    public async Task SendAsync(IReadOnlyList<PlannedCallback> plan, int senders, TimeSpan duration, CancellationToken cancellationToken)
    {
        var queue = Channel.CreateBounded<PlannedCallback>(senders);
        var workers = Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
        {
            await foreach (var callback in queue.Reader.ReadAllAsync(cancellationToken))
            {
                await DeliverAsync(callback, cancellationToken);
                if (Random.Shared.NextDouble() < replayShare)
                {
                    Interlocked.Increment(ref replays);
                    await DeliverAsync(callback, cancellationToken);
                }
            }
        }, cancellationToken)).ToArray();

        var interval = duration / Math.Max(1, plan.Count);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < plan.Count; i++)
        {
            var due = interval * i;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, cancellationToken);
            }

            await queue.Writer.WriteAsync(plan[i], cancellationToken);
        }

        queue.Writer.Complete();
        await Task.WhenAll(workers);
    }

    private async Task DeliverAsync(PlannedCallback callback, CancellationToken cancellationToken)
    {
        var route = callback.NumberOfPay == 0 ? "/v1/loan/disburse" : "/v1/callback/loan/repayment";
        var json = callback.Body.ToJsonString();
        var firstTry = Stopwatch.StartNew();
        var backoff = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            Interlocked.Increment(ref sent);
            var attempt = Stopwatch.StartNew();
            string answer;
            try
            {
                var (_, body) = await system.PostCallbackAsync(route, json);
                answer = body.Status();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                answer = "no answer";
            }

            answers.AddOrUpdate(answer, 1, (_, n) => n + 1);
            lock (answers)
            {
                if (attempt.Elapsed > longestAttempt.Took)
                {
                    longestAttempt = (attempt.Elapsed, answer);
                }
            }
            if (answer == "00")
            {
                acknowledged.TryAdd(callback.TransactionId, callback);
                Interlocked.Exchange(ref lastAcknowledgedTicks, DateTime.UtcNow.Ticks);
                var waited = firstTry.Elapsed.Ticks;
                long longest;
                while (waited > (longest = Interlocked.Read(ref longestUnavailableTicks))
                       && Interlocked.CompareExchange(ref longestUnavailableTicks, waited, longest) != longest)
                {
                }

                return;
            }

            Assert.True(answer is "99" or "07" or "no answer", $"callback {callback.TransactionId} was answered {answer}");
            Interlocked.Increment(ref retries);
            await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 50)), cancellationToken);
            backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 2000));
        }
    }

    /// <summary>
    /// Every loan gets a disbursement and then repayment snapshots 1..n, the newest one
    /// completing the loan; the whole plan is shuffled, so each loan's snapshots arrive out of order.
    /// </summary>
    public static List<PlannedCallback> Plan(IEnumerable<string> loanCodes, int mostSnapshots, Random random)
    {
        var plan = new List<PlannedCallback>();
        foreach (var loanCode in loanCodes)
        {
            var newest = random.Next(1, mostSnapshots + 1);
            for (var pay = 0; pay <= newest; pay++)
            {
                var status = pay == newest ? "completed" : "active";
                var body = LoanJourney.Callback(loanCode, status, pay);
                plan.Add(new PlannedCallback(loanCode, body["transactionId"]!.GetValue<string>(), pay, status, body));
            }
        }

        return [.. plan.OrderBy(_ => random.Next())];
    }
}
