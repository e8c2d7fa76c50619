using System.Net.Sockets;
using System.Text;
using DompetKilat.Lending.Notifications;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace DompetKilat.Tests.Notifications;

/// <summary>
/// The bad input (API-CONTRACT §9): a partner endpoint that redirects, drips its answer or
/// sends back 100 MB costs the dispatcher one bounded attempt, while another partner's events keep
/// arriving.
/// </summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class MisbehavingPartnerTests(DompetKilatApp system, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>API-CONTRACT §9: no answer within this is a failed attempt.</summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How soon a well-behaved partner must hear of its change while another misbehaves.</summary>
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(3);

    private PartnerReceiver wellBehaved = null!;
    private TestPartner neighbour = null!;

    public async Task InitializeAsync()
    {
        wellBehaved = await PartnerReceiver.StartAsync();
        neighbour = await system.NewPartnerListeningAtAsync(wellBehaved);
    }

    public async Task DisposeAsync() => await wellBehaved.DisposeAsync();

    [Fact]
    public async Task A_redirect_is_not_followed_but_is_a_failed_attempt_retried_later_with_the_same_webhook_id()
    {
        await using var redirecting = await PartnerReceiver.StartAsync();
        await using var elsewhere = await PartnerReceiver.StartAsync();
        redirecting.RedirectTo = elsewhere.Url;
        int[] redirects = [301, 302, 307];
        var firstArrivals = 0;
        // Each loan's first attempt is redirected, each with its own status; its next one is taken.
        redirecting.Answer = (_, before) => Task.FromResult(before == 0 ? redirects[Interlocked.Increment(ref firstArrivals) - 1] : 200);
        var partner = await system.NewPartnerListeningAtAsync(redirecting);
        var loans = new List<long>();
        foreach (var _ in redirects)
        {
            loans.Add((await system.BorrowerWithApprovedLoanAsync(partner)).LoanId);
        }

        await WaitUntilAsync(() => redirecting.Received.Count >= redirects.Length, "the redirecting partner never got its three events");
        var (_, neighbourLoan, _) = await system.BorrowerWithApprovedLoanAsync(neighbour);
        var neighbourHeard = (await wellBehaved.WaitForDeliveredAsync(neighbourLoan, 1, within: Promptly))[0].ReceivedAt;

        var attempts = new List<IReadOnlyList<ReceivedEvent>>();
        foreach (var loan in loans)
        {
            await redirecting.WaitForDeliveredAsync(loan, 1);
            attempts.Add(redirecting.ForLoan(loan));
        }

        Assert.Equal(redirects, attempts.Select(a => a[0].Answered).Order());
        Assert.All(attempts, a =>
        {
            Assert.Equal([a[0].Answered, 200], a.Select(e => e.Answered));
            Assert.Equal(a[0].WebhookId, a[1].WebhookId);
            Assert.True(a[1].SignatureValid);
            Assert.InRange(a[1].ReceivedAt - a[0].ReceivedAt, DeliverySchedule.Backoff(1, 0) - TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(15));
            Assert.True(neighbourHeard < a[1].ReceivedAt, "the neighbour heard of its change only after the redirected events were retried");
        });
        Assert.Empty(elsewhere.Received);
        await using var db = await system.CreateDbContextAsync();
        var events = await db.PartnerEvents.AsNoTracking().Where(e => e.LoanId != null && loans.Contains(e.LoanId.Value)).ToListAsync();
        Assert.All(events, e => Assert.Equal((PartnerEventState.Delivered, 2, 200), (e.State, e.Attempts, e.LastStatus)));
    }

    [Fact]
    public async Task An_answer_dripped_byte_by_byte_ends_the_attempt_at_the_timeout_and_the_event_goes_again()
    {
        await using var dripping = RawPartnerEndpoint.Start();
        var answer = Encoding.ASCII.GetBytes(RawPartnerEndpoint.Ok);
        // At this pace the whole status line and headers would take about 17 s.
        var pace = TimeSpan.FromMilliseconds(300);
        var firstAttempt = new TaskCompletionSource<(DateTime Arrived, DateTime HungUp, int Sent)>(TaskCreationOptions.RunContinuationsAsynchronously);
        dripping.Answer = async (arrival, connection, cancellationToken) =>
        {
            if (arrival.Before > 0)
            {
                await RawPartnerEndpoint.SendAsync(connection, RawPartnerEndpoint.Ok, cancellationToken);
                return;
            }

            var hungUp = RawPartnerEndpoint.HungUpAsync(connection, cancellationToken);
            var sent = 0;
            while (sent < answer.Length && !hungUp.IsCompleted)
            {
                sent += await connection.SendAsync(answer.AsMemory(sent, 1), SocketFlags.None, cancellationToken);
                await Task.WhenAny(hungUp, Task.Delay(pace, cancellationToken));
            }

            firstAttempt.TrySetResult((arrival.ArrivedAt, await hungUp, sent));
        };
        var partner = await system.NewPartnerAsync(webhookUrl: dripping.Url);

        var (_, loanId, _) = await system.BorrowerWithApprovedLoanAsync(partner);
        await WaitUntilAsync(() => dripping.Arrivals.Count == 1, "the dripping partner never got its event");
        var (_, neighbourLoan, _) = await system.BorrowerWithApprovedLoanAsync(neighbour);
        await wellBehaved.WaitForDeliveredAsync(neighbourLoan, 1, within: Promptly);
        Assert.False(firstAttempt.Task.IsCompleted, "the drip was over before the neighbour's event could show it did not wait");

        var (arrived, hungUpAt, sent) = await firstAttempt.Task.WaitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"the dispatcher hung up {(hungUpAt - arrived).TotalSeconds:0.00} s after its request arrived, {sent} of {answer.Length} bytes into the answer");
        Assert.True(sent < answer.Length, $"the dispatcher waited for the whole dripped answer ({sent} bytes)");
        Assert.InRange(hungUpAt - arrived, AttemptTimeout - TimeSpan.FromSeconds(1), AttemptTimeout + TimeSpan.FromSeconds(2));
        var failed = await WaitForEventAsync(loanId, e => e.Attempts == 1 && e.LastError != null);
        Assert.Equal((PartnerEventState.Pending, (int?)null, "no answer within 10 s"), (failed.State, failed.LastStatus, failed.LastError));

        await WaitUntilAsync(() => dripping.Arrivals.Count == 2, "the event never went again", TimeSpan.FromSeconds(20));
        var again = dripping.Arrivals[1];
        Assert.Equal((dripping.Arrivals[0].WebhookId, 1), (again.WebhookId, again.Before));
        Assert.InRange(again.ArrivedAt - hungUpAt, DeliverySchedule.Backoff(1, 0) - TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(15));
        var delivered = await WaitForEventAsync(loanId, e => e.State == PartnerEventState.Delivered);
        Assert.Equal((2, 200), (delivered.Attempts, delivered.LastStatus));
    }

    [Fact]
    public async Task A_100_MB_answer_counts_as_delivered_without_being_read_and_the_worker_stays_small()
    {
        const long Size = 100L * 1024 * 1024;
        await using var flooding = RawPartnerEndpoint.Start();
        var streamed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        flooding.Answer = async (_, connection, cancellationToken) =>
        {
            await RawPartnerEndpoint.SendAsync(connection,
                $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {Size}\r\nConnection: close\r\n\r\n", cancellationToken);
            var chunk = new byte[64 * 1024];
            long sent = 0;
            try
            {
                // Blocks once the caller stops reading and its socket buffers are full; ends when it hangs up.
                while (sent < Size)
                {
                    sent += await connection.SendAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, Size - sent)), SocketFlags.None, cancellationToken);
                }
            }
            finally
            {
                streamed.TrySetResult(sent);
            }
        };
        var partner = await system.NewPartnerAsync(webhookUrl: flooding.Url);
        var worker = system.Replicas("callback-worker")[0].ServiceProcessId();
        var baseline = ResourceControl.ResidentBytes(worker);
        using var sampling = new CancellationTokenSource();
        var peak = PeakResidentBytesAsync(worker, sampling.Token);

        var (_, loanId, _) = await system.BorrowerWithApprovedLoanAsync(partner);
        var (_, neighbourLoan, _) = await system.BorrowerWithApprovedLoanAsync(neighbour);
        await wellBehaved.WaitForDeliveredAsync(neighbourLoan, 1, within: Promptly);
        var sent = await streamed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var delivered = await WaitForEventAsync(loanId, e => e.State != PartnerEventState.Pending);
        // Whatever the worker did with the body would show by now.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await sampling.CancelAsync();
        var grown = await peak - baseline;
        output.WriteLine($"the worker took {sent / 1024} KiB of the body; its resident memory went from {baseline / (1024 * 1024)} MB to at most {(baseline + grown) / (1024 * 1024)} MB");

        Assert.Equal((PartnerEventState.Delivered, 1, 200), (delivered.State, delivered.Attempts, delivered.LastStatus));
        Assert.Single(flooding.Arrivals);
        Assert.True(sent < Size, "the whole 100 MB body went to the worker");
        Assert.True(grown < 50 * 1024 * 1024, $"the worker's resident memory grew by {grown / (1024 * 1024)} MB (it took {sent / (1024 * 1024)} MB of the body)");
    }

    /// <summary>The largest resident size the process shows until cancelled, sampled every 20 ms.</summary>
    private static async Task<long> PeakResidentBytesAsync(int processId, CancellationToken cancellationToken)
    {
        var peak = 0L;
        while (!cancellationToken.IsCancellationRequested)
        {
            peak = Math.Max(peak, ResourceControl.ResidentBytes(processId));
            await Task.Delay(20, CancellationToken.None);
        }

        return peak;
    }

    private async Task<PartnerEvent> WaitForEventAsync(long loanId, Func<PartnerEvent, bool> condition)
    {
        await using var db = await system.CreateDbContextAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var e = await db.PartnerEvents.AsNoTracking().SingleAsync(x => x.LoanId == loanId);
            if (condition(e))
            {
                return e;
            }

            Assert.True(DateTime.UtcNow < deadline, $"loan {loanId}'s event never got there: {e.State}, {e.Attempts} attempts, {e.LastStatus}, {e.LastError}");
            await Task.Delay(50);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50);
        }
    }
}
