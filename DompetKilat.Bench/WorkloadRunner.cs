using System.Diagnostics;
using System.Globalization;

namespace DompetKilat.Bench;

/// <summary>Who a wrk run calls: the Api as the benchmark partner, the baseline Api likewise, the peer, or the ceiling.</summary>
public enum Side { Baseline, Api, Peer, Ceiling }

/// <summary>
/// The workloads through the Api: registrations and profile reads against the peer and the ceiling
/// (and the baseline Api), loan applications, callbacks closed-loop, a backlog, and callbacks paced at the
/// sustainable rate and at half of it. Each appends its rows to the table.
/// </summary>
public sealed class WorkloadRunner(
    BenchSettings settings, Wrk wrk, Database database, Recorder recorder, CpuMeter cpu, MemoryMeter memory,
    SystemProcesses processes, ResultTable table, string partnerKey)
{
    private readonly List<string> notified = [];

    /// <summary>Registrations and profile reads, the Api's, the peer's and the ceiling's alternating.</summary>
    public async Task PartnerRoutesAsync(CancellationToken cancellation)
    {
        Console.WriteLine($"==> workloads ({settings.Mode}: {settings.Warmup}s warm-up + {settings.Duration}s each, {settings.Connections} connections)");
        // Every slice registers new people: a run tag of its own per slice. The Api's database holds
        // the Api's (1-4) and the baseline's (5-8); the peer's holds the peer's (5-8) and the
        // ceiling's (1-4), which share its table.
        Console.WriteLine("    borrower registration (Api, peer and ceiling, alternating)");
        var peerRegistrations = await VersusAsync("borrower registration", HotPath.Registration, PeerRate.Registration, Limit.Insert, "register.lua",
            (side, slice) => [$"{(side is Side.Api or Side.Ceiling ? 1 : 5) + slice}"], cancellation);
        table.SetPeerRate(PeerRate.Registration, peerRegistrations);
        Console.WriteLine("    borrower profile reads (Api, peer and ceiling, alternating)");
        var peerReads = await VersusAsync("borrower profile read", HotPath.Read, PeerRate.Read, Limit.Read, "read.lua",
            (_, _) => [$"{settings.Hot}", "3000"], cancellation);
        table.SetPeerRate(PeerRate.Read, peerReads);
    }

    /// <summary>
    /// Disbursements and repayments closed-loop, a backlog, then callbacks paced at the highest
    /// sustainable rate and at half of it.
    /// </summary>
    public async Task CallbacksAsync(CancellationToken cancellation)
    {
        var disbursements = await CallbackWorkloadAsync("disburse", "d", "disbursement callback", HotPath.Disbursement, cancellation);
        var repayments = await CallbackWorkloadAsync("repay", "r", "repayment callback", HotPath.Repayment, cancellation);
        var (drainRps, notifyRps) = await BacklogAsync(cancellation);

        // The highest sustainable callback rate: what the Api accepts closed-loop, unless the worker
        // applies, or its dispatcher notifies, more slowly than that (then a queue would grow without end).
        var sustainable = new[] { disbursements, repayments, drainRps, notifyRps }.Min();
        var half = sustainable / 2;
        await PacedCallbacksAsync("sustainable", sustainable, "s1", cancellation);
        await PacedCallbacksAsync("half", half, "s2", cancellation);
        table.Notes.Add($"sustainable callback rate: {sustainable}/s (lowest of disbursement, repayment, worker drain and notification rates); half: {half}/s");
        table.Notes.AddRange(notified.Select(line => $"notifications to the benchmark partner, {line}"));
    }

    /// <summary>
    /// One workload on the Api (as the benchmark partner), the peer and the ceiling (and on the
    /// baseline Api with --baseline): a warm-up each, then alternating slices (Api, peer, ceiling,
    /// Api, peer, ceiling ...) so that
    /// the machine's drift hits each alike; a row each. The rate is all requests over all slices'
    /// time; p50 is the slices' mean, p99 their highest. argumentsOf(side, slice) gives the wrk
    /// arguments of a slice (slice 0 is the warm-up). Returns the peer's rate.
    /// </summary>
    private async Task<long> VersusAsync(
        string name, HotPath path, PeerRate peerRate, Limit limit, string script, Func<Side, int, string[]> argumentsOf,
        CancellationToken cancellation)
    {
        var seconds = (settings.Duration + settings.Slices - 1) / settings.Slices;
        Side[] sides = settings.HasBaseline ? [Side.Baseline, Side.Api, Side.Peer, Side.Ceiling] : [Side.Api, Side.Peer, Side.Ceiling];
        foreach (var side in sides)
        {
            await wrk.RunAsync(On(side, script, settings.Warmup, argumentsOf(side, 0)), cancellation);
        }
        var totals = sides.ToDictionary(side => side, _ => new SliceTotals());
        memory.ResetPeaks();
        for (var slice = 1; slice <= settings.Slices; slice++)
        {
            foreach (var side in sides)
            {
                var before = cpu.Read();
                var started = Stopwatch.GetTimestamp();
                var result = await wrk.RunAsync(On(side, script, seconds, argumentsOf(side, slice)), cancellation);
                totals[side].Add(result, cpu.Read() - before, Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        }
        foreach (var side in sides)
        {
            var t = totals[side];
            var p50 = Bc.Divide(t.P50SumUs, settings.Slices * 1000, 1);
            var p99 = Bc.Divide(t.P99MaxUs, 1000, 1);
            var cores = cpu.Cores(t.Ticks, t.Seconds);
            var row = side switch
            {
                Side.Api => new Row(name, $"{t.Rps}", p50, p99, t.Errors, "-", "-", limit, peerRate, cores,
                    $"{MemoryMeter.PeakMb(processes.Api)}", $"{MemoryMeter.PeakMb(processes.Worker)}") { Server = Server.Api },
                Side.Baseline => new Row($"BEFORE {name}", $"{t.Rps}", p50, p99, t.Errors, "-", "-", limit, peerRate, cores,
                    $"{MemoryMeter.PeakMb(processes.Baseline!.Value)}", "-") { Server = Server.Baseline },
                Side.Ceiling => new Row($"CEILING {name}", $"{t.Rps}", p50, p99, t.Errors, "-", "-", limit, peerRate, cores,
                    $"{MemoryMeter.PeakMb(processes.Ceiling)}", "-") { Server = Server.Ceiling },
                _ => new Row($"PEER {name}", $"{t.Rps}", p50, p99, t.Errors, "-", "-", limit, PeerRate.None, cores,
                    $"{MemoryMeter.PeakMb(processes.Peer)}", "-") { Server = Server.Peer },
            };
            table.Add(row with { Path = path });
        }
        return totals[Side.Peer].Rps;
    }

    private WrkRun On(Side side, string script, int seconds, string[] arguments) => side switch
    {
        Side.Peer => new WrkRun(script, seconds, settings.PeerUrl, arguments),
        Side.Ceiling => new WrkRun(script, seconds, settings.CeilingUrl, arguments),
        Side.Baseline => new WrkRun(script, seconds, settings.BaselineUrl, arguments) { PartnerKey = partnerKey },
        _ => new WrkRun(script, seconds, settings.ApiUrl, arguments) { PartnerKey = partnerKey },
    };

    public async Task LoanApplicationsAsync(CancellationToken cancellation)
    {
        Console.WriteLine("    loan applications (2 x 150 KB photos)");
        string[] arguments = [$"{settings.Hot}", Path.Combine(settings.RunDirectory, "ktp.b64"), Path.Combine(settings.RunDirectory, "selfie.b64")];
        await wrk.RunAsync(On(Side.Api, "loan.lua", settings.Warmup, arguments), cancellation);
        var mark = recorder.Start();
        var result = await wrk.RunAsync(On(Side.Api, "loan.lua", settings.Duration, arguments), cancellation);
        recorder.ServiceRow("loan application", result.Rps, result.P50Ms, result.P99Ms, result.Errors, ("-", "-"),
            Limit.Photos, PeerRate.None, recorder.CoresSince(mark), HotPath.LoanApplication);
    }

    /// <summary>A partner reading its events back (API-CONTRACT §11): pages of 100, each audited as partner reads are.</summary>
    public async Task EventPagesAsync(CancellationToken cancellation)
    {
        Console.WriteLine("    partner events API (pages of 100 events)");
        await wrk.RunAsync(On(Side.Api, "events.lua", settings.Warmup, []), cancellation);
        var mark = recorder.Start();
        var result = await wrk.RunAsync(On(Side.Api, "events.lua", settings.Duration, []), cancellation);
        recorder.ServiceRow("partner events page (100)", result.Rps, result.P50Ms, result.P99Ms, result.Errors, ("-", "-"),
            Limit.None, PeerRate.None, recorder.CoresSince(mark));
    }

    /// <summary>
    /// One callback run; it ends when the worker has applied what it accepted and the dispatcher
    /// delivered what that changed, so a row's CPU and peaks include both, and the next row starts
    /// with neither behind.
    /// </summary>
    private async Task<WrkResult> CallbackRunAsync(
        string kind, string tag, int seconds, long rate, CancellationToken cancellation, bool paced = false)
    {
        var payments = await database.PaymentsSoFarAsync(cancellation);
        var run = On(Side.Api, "callback.lua", seconds,
            [kind, tag, $"{settings.Loans}", $"{settings.Threads}", settings.ReplayShare, $"{rate}", "0", $"{payments}"]);
        var result = await wrk.RunAsync(paced ? run with { Paced = true, Connections = settings.PacedConnections } : run, cancellation);
        await database.WaitForInboxAsync(cancellation);
        await database.WaitForOutboxAsync(cancellation);
        return result;
    }

    // A warm-up, then the measured closed-loop run and its row; returns its rate.
    private async Task<long> CallbackWorkloadAsync(string kind, string tag, string name, HotPath path, CancellationToken cancellation)
    {
        Console.WriteLine($"    {name}s (20% replays)");
        await CallbackRunAsync(kind, $"w{tag}", settings.Warmup, 0, cancellation);
        var mark = recorder.Start();
        var result = await CallbackRunAsync(kind, tag, settings.Duration, 0, cancellation);
        recorder.ServiceRow(name, result.Rps, result.P50Ms, result.P99Ms, result.Errors,
            await database.ApplyLatencyAsync(tag, cancellation), Limit.Insert, PeerRate.Registration, recorder.CoresSince(mark), path);
        return result.Rps;
    }

    /// <summary>
    /// A backlog of unique callbacks as fast as the Api takes them; then how long until the worker
    /// has applied them all, and the dispatcher delivered what they changed, against how long the
    /// Api took to accept them. Returns the worker's and the dispatcher's rates.
    /// </summary>
    private async Task<(long DrainRps, long NotifyRps)> BacklogAsync(CancellationToken cancellation)
    {
        Console.WriteLine($"    backlog of {settings.Backlog} callbacks");
        var mark = recorder.Start();
        var since = await database.NowAsync(cancellation);
        var payments = await database.PaymentsSoFarAsync(cancellation);
        var run = On(Side.Api, "callback.lua", settings.BacklogSeconds,
            ["mixed", "bk", $"{settings.Loans}", $"{settings.Threads}", "0", "0", $"{settings.Backlog}", $"{payments}"]);
        var result = await wrk.RunAsync(run with { Limited = true }, cancellation);
        await database.WaitForInboxAsync(cancellation);
        await database.WaitForOutboxAsync(cancellation);
        var backlog = (await database.RowsAsync(
            """
            SELECT count(*),
                   round(extract(epoch FROM max(accepted_at) - min(accepted_at))::numeric, 2),
                   round(extract(epoch FROM max(processed_at) - min(accepted_at))::numeric, 2),
                   round(extract(epoch FROM greatest(max(processed_at), (SELECT max(delivered_at) FROM partner_events WHERE occurred_at >= $1)) - min(accepted_at))::numeric, 2)
            FROM loan_callbacks WHERE transaction_id LIKE 'bk-%'
            """, cancellation, since))[0];
        var rows = (long)backlog[0];
        var (acceptSeconds, drainSeconds, notifySeconds) = ((decimal)backlog[1], (decimal)backlog[2], (decimal)backlog[3]);
        var drainRps = (long)(rows / drainSeconds);
        var notifyRps = (long)(rows / notifySeconds);
        // wrk keeps its clock running after the last callback, so the accept rate comes from the inbox.
        var acceptRps = (long)(rows / acceptSeconds);
        recorder.ServiceRow("backlog (accept rate)", acceptRps, result.P50Ms, result.P99Ms, result.Errors,
            await database.ApplyLatencyAsync("bk", cancellation), Limit.Insert, PeerRate.Registration, recorder.CoresSince(mark));
        var inv = CultureInfo.InvariantCulture;
        table.Notes.Add(string.Create(inv,
            $"backlog: {rows} callbacks accepted in {acceptSeconds:F2}s; all applied {drainSeconds:F2}s (worker ~{drainRps}/s) and all notified {notifySeconds:F2}s (~{notifyRps} callbacks/s) after the first was accepted"));
        return (drainRps, notifyRps);
    }

    // Callbacks sent at a rate, open-loop, over the paced rows' connections; the row, and how soon
    // the partner heard of the changes.
    private async Task PacedCallbacksAsync(string label, long rate, string tag, CancellationToken cancellation)
    {
        Console.WriteLine($"    callbacks paced at {rate}/s ({label})");
        await CallbackRunAsync("mixed", $"w{tag}", settings.Warmup, rate, cancellation);
        var mark = recorder.Start();
        var since = await database.NowAsync(cancellation);
        var result = await CallbackRunAsync("mixed", tag, settings.Duration, rate, cancellation, paced: true);
        recorder.ServiceRow($"callbacks @ {rate}/s ({label})", result.Rps, result.P50Ms, result.P99Ms, result.Errors,
            await database.ApplyLatencyAsync(tag, cancellation), Limit.None, PeerRate.None, recorder.CoresSince(mark));
        notified.Add($"callbacks @ {rate}/s: {await database.NotifyLatencyAsync(since, cancellation)}");
    }

    // A side's slices added up.
    private sealed class SliceTotals
    {
        private long requests, durationUs;
        public long Errors { get; private set; }
        public long P50SumUs { get; private set; }
        public long P99MaxUs { get; private set; }
        public CpuTicks Ticks { get; private set; }
        public double Seconds { get; private set; }
        public long Rps => requests * 1_000_000 / durationUs;

        public void Add(WrkResult result, CpuTicks ticks, double seconds)
        {
            requests += result.Requests;
            durationUs += result.DurationUs;
            Errors += result.Errors;
            P50SumUs += result.P50Us;
            P99MaxUs = Math.Max(P99MaxUs, result.P99Us);
            Ticks += ticks;
            Seconds += seconds;
        }
    }
}
