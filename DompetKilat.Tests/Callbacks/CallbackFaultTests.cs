using System.Text.Json.Nodes;
using DompetKilat.Lending.Callbacks;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Tests.Callbacks;

[Collection(DompetKilatAppCollection.Name)]
public sealed class CallbackFaultTests(DompetKilatApp system)
{
    [Fact]
    public async Task A_callback_accepted_while_the_worker_is_down_is_applied_once_it_is_back()
    {
        var loanCode = await system.ApprovedLoanAsync();
        await system.StopAsync("callback-worker");
        try
        {
            var (status, body) = await system.SendCallbackAsync(LoanJourney.Callback(loanCode));

            Assert.Equal("00", body.Status());
            var (_, pending) = await system.Api.GetJsonAsync($"/v1/loan/{loanCode}");
            Assert.Equal("APPROVED", pending["data"]!["status"]!.GetValue<string>());
        }
        finally
        {
            await system.StartAsync("callback-worker");
        }

        await system.WaitForLoanAsync(loanCode, l => l["status"]!.GetValue<string>() == "ACTIVE");
    }

    [Theory]
    [InlineData(300, 0)] // more callbacks than the worker takes in one transaction
    [InlineData(30, 3_500)] // each near the contract's 256 KiB: more text than it holds in one
    public async Task A_loans_backlog_larger_than_one_batch_is_applied_in_several_once_each_and_in_order(int snapshots, int firstNumberOfPay)
    {
        var loanCode = await system.ApprovedLoanAsync();
        await system.StopAsync("callback-worker");
        try
        {
            for (var pay = firstNumberOfPay; pay < firstNumberOfPay + snapshots; pay++)
            {
                var (_, body) = await system.SendCallbackAsync(LoanJourney.Callback(loanCode, numberOfPay: pay));
                Assert.Equal("00", body.Status());
            }
        }
        finally
        {
            await system.StartAsync("callback-worker");
        }

        await system.WaitForLoanAsync(loanCode, l => l["numberOfPay"]!.GetValue<int>() == firstNumberOfPay + snapshots - 1);
        var callbacks = await CallbacksOfAsync([loanCode]);
        Assert.Equal(snapshots, callbacks.Count);
        // Sent in order, so one taken out of order would have been stale.
        Assert.All(callbacks, c => Assert.Equal((CallbackState.Applied, 1), (c.State, c.Attempts)));
        Assert.Equal(callbacks.Select(c => c.ProcessedAt).Order(), callbacks.Select(c => c.ProcessedAt));
        // A batch stamps its callbacks with one time: the backlog was not held in memory at once.
        Assert.True(callbacks.Select(c => c.ProcessedAt).Distinct().Count() > 1, "the whole backlog was applied in one transaction");
    }

    [Fact]
    public async Task With_Redis_down_callbacks_are_still_accepted_once_and_applied_and_health_says_degraded()
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode).ToJsonString();
        await system.StopAsync("redis");
        try
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => system.PostCallbackAsync("/v1/loan/disburse", callback)));
            using var health = await system.Api.GetAsync("/health");

            Assert.All(answers, a => Assert.Equal("00", a.Body.Status()));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Degraded", await health.Content.ReadAsStringAsync());
            await system.WaitForLoanAsync(loanCode, l => l["status"]!.GetValue<string>() == "ACTIVE");
            await using var db = await system.CreateDbContextAsync();
            Assert.Equal(1, await db.LoanCallbacks.CountAsync(c => db.Loans.Any(l => l.Id == c.LoanId && l.LoanCode == loanCode)));
        }
        finally
        {
            await system.StartAsync("redis");
        }
    }

    [Fact]
    public async Task With_Redis_down_each_replica_keeps_a_partners_budget_locally_never_unlimited_never_refusing_all()
    {
        var partner = await system.NewPartnerAsync();
        var replica = system.ApiReplicaClients()[0];
        await system.StopAsync("redis");
        try
        {
            var answers = new List<HttpStatusCode>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < 2 * DompetKilatApp.PartnerBurst; i++)
            {
                answers.Add((await replica.GetAsPartnerAsync("/v1/borrower/3626382876387831", partner.ApiKey)).Status);
            }

            // This replica's own bucket: the burst (a token or two may already have gone to the shared
            // one before Redis went), then 2 a second; neither unlimited nor a wall of refusals.
            var admitted = answers.Count(a => a == HttpStatusCode.NotFound);
            Assert.InRange(admitted, DompetKilatApp.PartnerBurst / 2, DompetKilatApp.PartnerBurst + (int)Math.Ceiling(clock.Elapsed.TotalSeconds * 2) + 1);
            Assert.All(answers, a => Assert.Contains(a, new[] { HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests }));
        }
        finally
        {
            replica.Dispose();
            await system.StartAsync("redis");
            // Each replica keeps to its own buckets for 5 s after its last Redis failure; the next
            // test of the collection may count on one shared budget again.
            await Task.Delay(TimeSpan.FromSeconds(6));
        }
    }

    [Fact]
    public async Task Two_worker_replicas_apply_a_burst_over_many_loans_without_a_duplicate_or_a_reorder()
    {
        const int loans = 100;
        const int snapshotsPerLoan = 5;
        var loanCodes = new List<string>();
        for (var i = 0; i < loans; i++)
        {
            loanCodes.Add(await system.ApprovedLoanAsync());
        }

        await using var replica = await system.StartExtraWorkerAsync();
        {
            // Each loan's snapshots go in order, one after the other's 00; loans go in parallel.
            await Task.WhenAll(loanCodes.Select(async loanCode =>
            {
                for (var pay = 0; pay < snapshotsPerLoan; pay++)
                {
                    var (_, body) = await system.SendCallbackAsync(LoanJourney.Callback(loanCode, numberOfPay: pay));
                    Assert.Equal("00", body.Status());
                }
            }));

            foreach (var loanCode in loanCodes)
            {
                await system.WaitForLoanAsync(loanCode, l => l["numberOfPay"]!.GetValue<int>() == snapshotsPerLoan - 1);
            }

            var callbacks = await CallbacksOfAsync(loanCodes);
            Assert.Equal(loans * snapshotsPerLoan, callbacks.Count);
            // Sent in order, so a reorder would have left an older snapshot applied after a newer one: stale.
            Assert.All(callbacks, c => Assert.Equal((CallbackState.Applied, 1), (c.State, c.Attempts)));
            Assert.All(callbacks.GroupBy(c => c.LoanId), loan =>
                Assert.Equal(loan.Select(c => c.ProcessedAt).Order(), loan.Select(c => c.ProcessedAt)));
            Assert.True(callbacks.Select(c => c.ProcessedBy).Distinct().Count() == 2, $"one replica did all the work; the other said:{Environment.NewLine}{replica.Log}");
        }
    }

    [Fact]
    public async Task A_loans_next_callback_is_answered_while_the_batch_applying_its_last_one_waits_on_the_database()
    {
        await using var receiver = await PartnerReceiver.StartAsync();
        var partner = await system.NewPartnerListeningAtAsync(receiver);
        var (_, loanId, loanCode) = await system.BorrowerWithApprovedLoanAsync(partner);
        await using var db = await system.CreateDbContextAsync();
        await using var watcher = await system.CreateDbContextAsync();

        // The partner's row held, as a change to its webhook holds it: the worker's batch locks the
        // loan, then waits for the partner before recording the loan's event.
        await using (var hold = await db.Database.BeginTransactionAsync())
        {
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM partners WHERE partner_code = {partner.Code} FOR UPDATE");
            var holder = await db.Database.SqlQuery<int>($"SELECT pg_backend_pid() AS \"Value\"").SingleAsync();
            var (_, disbursed) = await system.SendCallbackAsync(LoanJourney.Callback(loanCode));
            Assert.Equal("00", disbursed.Status());
            for (var deadline = DateTime.UtcNow.AddSeconds(10); ; await Task.Delay(50))
            {
                var waiting = await watcher.Database.SqlQuery<int>(
                    $"SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE {holder} = ANY(pg_blocking_pids(pid))").SingleAsync();
                if (waiting > 0)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, "the worker never reached the held partner");
            }

            var repayment = system.SendCallbackAsync(LoanJourney.Callback(loanCode, status: "completed", numberOfPay: 1));
            Assert.True(await Task.WhenAny(repayment, Task.Delay(TimeSpan.FromSeconds(5))) == repayment,
                "the lender's repayment waited for the worker's batch instead of being answered");
            Assert.Equal("00", (await repayment).Body.Status());
        }

        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(100))
        {
            var states = await watcher.LoanCallbacks.AsNoTracking().Where(c => c.LoanId == loanId)
                .OrderBy(c => c.Id).Select(c => new { c.Kind, c.State }).ToListAsync();
            if (states.All(c => c.State == CallbackState.Applied))
            {
                Assert.Equal([CallbackKind.Disbursement, CallbackKind.Repayment], states.Select(c => c.Kind));
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the loan's callbacks were not applied once the partner was released");
        }
    }

    [Fact]
    public async Task A_callback_that_cannot_be_applied_is_parked_with_its_reason_and_an_operator_can_retry_it()
    {
        var (loanCode, parked) = await system.ParkedCallbackAsync();

        Assert.Equal(loanCode, parked["loanCode"]!.GetValue<string>());
        Assert.Equal("disbursement", parked["kind"]!.GetValue<string>());
        Assert.Contains("lacks a field", parked["reason"]!.GetValue<string>());
        Assert.True(parked["attempts"]!.GetValue<int>() > 1, "parked before any retry");
        var (_, loan) = await system.Api.GetJsonAsync($"/v1/loan/{loanCode}");
        Assert.Equal("APPROVED", loan["data"]!["status"]!.GetValue<string>());

        await system.RepairParkedCallbackAsync(parked);

        var id = parked["id"]!.GetValue<long>();
        var (status, retried) = await system.AdminPostAsync($"/v1/admin/callbacks/{id}/retry", "{}");
        Assert.Equal((HttpStatusCode.OK, "00"), (status, retried.Status()));
        await system.WaitForLoanAsync(loanCode, l => l["status"]!.GetValue<string>() == "ACTIVE");

        var (again, answer) = await system.AdminPostAsync($"/v1/admin/callbacks/{id}/retry", "{}");
        Assert.Equal((HttpStatusCode.Conflict, "04"), (again, answer.Status()));
    }

    [Fact]
    public async Task Parked_callbacks_are_for_operators_only()
    {
        using var response = await system.BackOffice.GetAsync("/v1/admin/callbacks/parked");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>Every stored callback of these loans, in the order they were accepted.</summary>
    private async Task<List<LoanCallback>> CallbacksOfAsync(IReadOnlyCollection<string> loanCodes)
    {
        await using var db = await system.CreateDbContextAsync();
        return await db.LoanCallbacks.AsNoTracking()
            .Where(c => db.Loans.Any(l => l.Id == c.LoanId && loanCodes.Contains(l.LoanCode)))
            .OrderBy(c => c.Id)
            .ToListAsync();
    }
}
