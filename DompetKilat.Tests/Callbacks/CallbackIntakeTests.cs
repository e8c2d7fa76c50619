using System.Text.Json;
using System.Text.Json.Nodes;
using DompetKilat.Lending.Callbacks;
using DompetKilat.Lending.Data;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace DompetKilat.Tests.Callbacks;

[Collection(DompetKilatAppCollection.Name)]
public sealed class CallbackIntakeTests(DompetKilatApp system)
{
    [Fact]
    public async Task The_reference_disbursement_activates_the_loan_with_the_lenders_terms()
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode);

        var (status, body) = await system.PostCallbackAsync("/v1/loan/disburse", callback.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("00", body.Status());
        Assert.Equal("success", body["message"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Null, body.KindOf("data"));
        var loan = await system.WaitForLoanAsync(loanCode, l => l["status"]!.GetValue<string>() == "ACTIVE");
        Assert.Equal(3, loan["state"]!.GetValue<int>());
        Assert.Equal("BNI", loan["bankCode"]!.GetValue<string>());
        Assert.Equal("8808999966040139", loan["paymentAccountNumber"]!.GetValue<string>());
        Assert.Equal(4, loan["tenor"]!.GetValue<int>());
        Assert.Equal("DAY", loan["tenorUnit"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.String, loan.KindOf("disbursedAt"));
    }

    [Fact]
    public async Task The_reference_repayment_records_the_payment_and_its_history()
    {
        var loanCode = await system.ApprovedLoanAsync();
        await system.SendCallbackAsync(LoanJourney.Callback(loanCode));
        var repayment = LoanJourney.Callback(loanCode, status: "completed", numberOfPay: 1);

        var (status, body) = await system.PostCallbackAsync("/v1/callback/loan/repayment", repayment.ToJsonString());

        Assert.Equal((HttpStatusCode.OK, "00"), (status, body.Status()));
        Assert.Equal(JsonValueKind.Null, body.KindOf("data"));
        var loan = await system.WaitForLoanAsync(loanCode, l => l["status"]!.GetValue<string>() == "COMPLETED");
        Assert.Equal(250000, loan["loanAmountPaid"]!.GetValue<long>());
        Assert.Equal(1, loan["numberOfPay"]!.GetValue<int>());
        var history = Assert.Single(loan["histories"]!.AsArray())!.AsObject();
        Assert.Equal("2021-10-25T15:20:16.921Z", history["transactionTime"]!.GetValue<string>());
        Assert.Equal(250000, history["paymentAmount"]!.GetValue<long>());
        Assert.Equal(JsonValueKind.String, loan.KindOf("disbursedAt"));
    }

    [Fact]
    public async Task An_accepted_callback_rings_the_workers_on_redis()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await system.App.GetConnectionStringAsync("redis"))!);
        var rings = 0;
        await redis.GetSubscriber().SubscribeAsync(
            RedisChannel.Literal(LoanCallbackConfiguration.NotificationChannel), (_, _) => Interlocked.Increment(ref rings));
        var loanCode = await system.ApprovedLoanAsync();

        var (_, body) = await system.SendCallbackAsync(LoanJourney.Callback(loanCode));

        Assert.Equal("00", body.Status());
        for (var deadline = DateTime.UtcNow.AddSeconds(5); Volatile.Read(ref rings) == 0; await Task.Delay(20))
        {
            Assert.True(DateTime.UtcNow < deadline, "the Api accepted a callback without ringing the workers");
        }
    }

    [Fact]
    public async Task The_workers_apply_step_joins_the_trace_of_the_request_that_accepted_the_callback()
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode);

        await system.SendCallbackAsync(callback);

        await system.WaitForLoanAsync(loanCode, l => l["status"]!.GetValue<string>() == "ACTIVE");
        await using var db = await system.CreateDbContextAsync();
        var transactionId = callback["transactionId"]!.GetValue<string>();
        var traceParent = await db.LoanCallbacks.Where(c => c.TransactionId == transactionId).Select(c => c.TraceParent).SingleAsync();
        Assert.NotNull(traceParent);
        var traceId = Convert.FromHexString(traceParent.Split('-')[1]);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!system.Telemetry.Contains("apply callback"u8.ToArray(), traceId) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.True(system.Telemetry.Contains("apply callback"u8.ToArray(), traceId), "no apply span in the accepting request's trace");
    }

    [Fact]
    public async Task A_replay_answers_00_again_and_stores_nothing_new_even_reordered_and_reformatted()
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode);
        await system.SendCallbackAsync(callback);
        var reordered = new JsonObject(callback.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));

        var (status, body) = await system.PostCallbackAsync("/v1/loan/disburse", reordered.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        Assert.Equal((HttpStatusCode.OK, "00"), (status, body.Status()));
        await using var db = await system.CreateDbContextAsync();
        var transactionId = callback["transactionId"]!.GetValue<string>();
        Assert.Equal(1, await db.LoanCallbacks.CountAsync(c => c.TransactionId == transactionId));
    }

    [Fact]
    public async Task A_transactionId_reused_with_a_different_body_is_03_and_changes_nothing()
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode);
        await system.SendCallbackAsync(callback);
        callback["loanAmount"] = 2000000;

        var (status, body) = await system.SendCallbackAsync(callback);

        Assert.Equal((HttpStatusCode.Conflict, "03"), (status, body.Status()));
        Assert.Equal($"transactionId {callback["transactionId"]} was already used with a different payload", body["message"]!.GetValue<string>());
        var loan = await system.WaitForLoanAsync(loanCode, l => l["status"]!.GetValue<string>() == "ACTIVE");
        Assert.Equal(1000000, loan["amount"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_transactionId_reused_on_the_other_callback_route_is_03()
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode);
        await system.PostCallbackAsync("/v1/loan/disburse", callback.ToJsonString());

        var (status, body) = await system.PostCallbackAsync("/v1/callback/loan/repayment", callback.ToJsonString());

        Assert.Equal((HttpStatusCode.Conflict, "03"), (status, body.Status()));
    }

    [Fact]
    public async Task Dozens_of_identical_callbacks_at_once_all_answer_00_and_one_is_stored_and_applied()
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode).ToJsonString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 48).Select(_ => system.PostCallbackAsync("/v1/loan/disburse", callback)));

        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, "00"), (a.Status, a.Body.Status())));
        await system.WaitForLoanAsync(loanCode, l => l["status"]!.GetValue<string>() == "ACTIVE");
        await using var db = await system.CreateDbContextAsync();
        var stored = await db.LoanCallbacks.AsNoTracking().Where(c => db.Loans.Any(l => l.Id == c.LoanId && l.LoanCode == loanCode)).ToListAsync();
        var single = Assert.Single(stored);
        Assert.Equal(CallbackState.Applied, single.State);
        Assert.Equal(1, single.Attempts);
    }

    [Fact]
    public async Task A_newer_snapshot_wins_and_an_older_one_is_recorded_as_stale()
    {
        var loanCode = await system.ApprovedLoanAsync();
        await system.SendCallbackAsync(LoanJourney.Callback(loanCode));
        await system.SendCallbackAsync(LoanJourney.Callback(loanCode, numberOfPay: 3));
        var older = LoanJourney.Callback(loanCode, numberOfPay: 2);

        var (status, _) = await system.SendCallbackAsync(older);

        Assert.Equal(HttpStatusCode.OK, status);
        var staleId = older["transactionId"]!.GetValue<string>();
        await WaitForProcessedAsync(staleId);
        var (_, body) = await system.Api.GetJsonAsync($"/v1/loan/{loanCode}");
        Assert.Equal(3, body["data"]!["numberOfPay"]!.GetValue<int>());
        Assert.Equal(750000, body["data"]!["loanAmountPaid"]!.GetValue<long>());
        Assert.Equal(3, body["data"]!["histories"]!.AsArray().Count);
        await using var db = await system.CreateDbContextAsync();
        var stale = await db.LoanCallbacks.AsNoTracking().SingleAsync(c => c.TransactionId == staleId);
        Assert.Equal(CallbackState.Stale, stale.State);
        Assert.Equal("numberOfPay 2 is older than the applied 3", stale.Reason);
    }

    [Theory]
    [InlineData("completed")]
    [InlineData("rejected")]
    [InlineData("closed")]
    public async Task A_terminal_loan_stays_terminal(string terminal)
    {
        var loanCode = await system.ApprovedLoanAsync();
        await system.SendCallbackAsync(LoanJourney.Callback(loanCode, status: terminal, numberOfPay: 1));
        var reopen = LoanJourney.Callback(loanCode, status: "active", numberOfPay: 2);

        await system.SendCallbackAsync(reopen);

        await WaitForProcessedAsync(reopen["transactionId"]!.GetValue<string>());
        var (_, body) = await system.Api.GetJsonAsync($"/v1/loan/{loanCode}");
        Assert.Equal(terminal.ToUpperInvariant(), body["data"]!["status"]!.GetValue<string>());
        Assert.Equal(1, body["data"]!["numberOfPay"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_unknown_loanCode_is_001_and_stores_nothing()
    {
        var callback = LoanJourney.Callback("LC999999999999");

        var (status, body) = await system.SendCallbackAsync(callback);

        Assert.Equal((HttpStatusCode.NotFound, "001"), (status, body.Status()));
        await using var db = await system.CreateDbContextAsync();
        var transactionId = callback["transactionId"]!.GetValue<string>();
        Assert.False(await db.LoanCallbacks.AnyAsync(c => c.TransactionId == transactionId));
    }

    [Theory]
    [InlineData("transactionId", null)]
    [InlineData("loanCode", null)]
    [InlineData("bankCode", null)]
    [InlineData("paymentAccountNumber", null)]
    [InlineData("status", null)]
    [InlineData("loanAmount", null)]
    [InlineData("tenor", null)]
    [InlineData("tenorUnit", null)]
    [InlineData("status", "\"disbursed\"")]
    [InlineData("tenorUnit", "\"year\"")]
    [InlineData("loanAmount", "\"1000000\"")]
    [InlineData("loanAmount", "-1")]
    [InlineData("loanAmount", "1000000.5")]
    [InlineData("loanAmountPaid", "-250000")]
    [InlineData("numberOfPay", "\"1\"")]
    [InlineData("tenor", "true")]
    [InlineData("histories", "{}")]
    public async Task A_field_that_breaks_its_rule_is_01_naming_it_and_stores_nothing(string field, string? badJson)
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode);
        if (badJson is null)
        {
            callback.Remove(field);
        }
        else
        {
            callback[field] = JsonNode.Parse(badJson);
        }

        var (status, body) = await system.SendCallbackAsync(callback);

        Assert.Equal((HttpStatusCode.BadRequest, "01"), (status, body.Status()));
        Assert.Contains(field, body.ErrorFields());
        await using var db = await system.CreateDbContextAsync();
        Assert.False(await db.LoanCallbacks.AnyAsync(c => db.Loans.Any(l => l.Id == c.LoanId && l.LoanCode == loanCode)));
    }

    [Theory]
    [InlineData("""{"transactionTime": "25/10/2021", "paymentAmount": 250000}""", "histories[0].transactionTime")]
    [InlineData("""{"transactionTime": "2021-10-25T15:20:16.921Z", "paymentAmount": 0}""", "histories[0].paymentAmount")]
    [InlineData("""{"paymentAmount": 250000}""", "histories[0].transactionTime")]
    public async Task A_bad_history_entry_is_01_naming_it(string history, string field)
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode, numberOfPay: 1);
        callback["histories"] = new JsonArray(JsonNode.Parse(history));

        var (status, body) = await system.SendCallbackAsync(callback);

        Assert.Equal((HttpStatusCode.BadRequest, "01"), (status, body.Status()));
        Assert.Contains(field, body.ErrorFields());
    }

    [Fact]
    public async Task A_callback_over_256_KiB_is_06()
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode);
        callback["bankCode"] = new string('B', 300 * 1024);

        var (status, body) = await system.Api.PostLargeJsonAsync("/v1/loan/disburse", callback.ToJsonString());

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "06"), (status, body.Status()));
    }

    private async Task WaitForProcessedAsync(string transactionId)
    {
        await using var db = await system.CreateDbContextAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await db.LoanCallbacks.AsNoTracking().AnyAsync(c => c.TransactionId == transactionId && c.State == CallbackState.Pending))
        {
            Assert.True(DateTime.UtcNow < deadline, $"callback {transactionId} was never processed");
            await Task.Delay(50);
        }
    }
}
