using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using DompetKilat.AppHost;
using DompetKilat.Lending.Callbacks;
using DompetKilat.Lending.Notifications;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DompetKilat.Tests.Notifications;

/// <summary>API-CONTRACT §9 through the running system, with a real partner endpoint receiving the notifications.</summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class PartnerNotificationTests(DompetKilatApp system) : IAsyncLifetime
{
    private PartnerReceiver receiver = null!;
    private TestPartner partner = null!;

    public async Task InitializeAsync()
    {
        receiver = await PartnerReceiver.StartAsync();
        partner = await system.NewPartnerListeningAtAsync(receiver);
    }

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task Approval_disbursement_and_two_repayments_arrive_in_order_and_signed()
    {
        var (_, loanId, loanCode) = await system.BorrowerWithApprovedLoanAsync(partner);

        await SendAppliedAsync(LoanJourney.Callback(loanCode));
        await SendAppliedAsync(LoanJourney.Callback(loanCode, numberOfPay: 1));
        await SendAppliedAsync(LoanJourney.Callback(loanCode, numberOfPay: 2));

        var delivered = await receiver.WaitForDeliveredAsync(loanId, 4);
        Assert.Equal(["loan.approved", "loan.disbursed", "loan.repayment", "loan.repayment"], delivered.Select(e => e.Type));
        Assert.All(delivered, e => Assert.True(e.SignatureValid, $"{e.WebhookId} is not signed with the partner's secret"));
        Assert.All(delivered, e => Assert.Equal(e.WebhookId, e.Body["id"]!.GetValue<string>()));
        Assert.Equal([0, 0, 1, 2], delivered.Select(e => e.NumberOfPay));
        Assert.Equal(loanCode, delivered[0].Body["data"]!["loanCode"]!.GetValue<string>());
        Assert.Equal("ACTIVE", delivered[1].Body["data"]!["status"]!.GetValue<string>());
        Assert.Equal(4, delivered.Select(e => e.WebhookId).Distinct().Count());
    }

    [Fact]
    public async Task A_failed_delivery_comes_again_with_the_same_webhook_id_and_the_loans_later_events_wait_for_it()
    {
        receiver.Answer = (e, before) => Task.FromResult(e.Type == "loan.approved" && before == 0 ? 500 : 200);
        var (_, loanId, loanCode) = await system.BorrowerWithApprovedLoanAsync(partner);
        await SendAppliedAsync(LoanJourney.Callback(loanCode));

        await receiver.WaitForDeliveredAsync(loanId, 2);

        var arrivals = receiver.ForLoan(loanId);
        Assert.Equal(["loan.approved:500", "loan.approved:200", "loan.disbursed:200"], arrivals.Select(e => $"{e.Type}:{e.Answered}"));
        Assert.Equal(arrivals[0].WebhookId, arrivals[1].WebhookId);
        Assert.InRange(arrivals[1].ReceivedAt - arrivals[0].ReceivedAt, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(10));
        var listed = await EventsAsync("delivered");
        var approved = listed.Single(e => e["id"]!.GetValue<string>() == arrivals[0].WebhookId);
        Assert.Equal(2, approved["attempts"]!.GetValue<int>());
        Assert.Equal(200, approved["lastStatus"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_replayed_or_stale_callback_sends_nothing()
    {
        var (_, loanId, loanCode) = await system.BorrowerWithApprovedLoanAsync(partner);
        await SendAppliedAsync(LoanJourney.Callback(loanCode));
        var newest = LoanJourney.Callback(loanCode, numberOfPay: 2);
        await SendAppliedAsync(newest);
        await receiver.WaitForDeliveredAsync(loanId, 3);

        var (_, replay) = await system.SendCallbackAsync(newest);
        var (_, stale) = await system.SendCallbackAsync(LoanJourney.Callback(loanCode, numberOfPay: 1));
        Assert.Equal(("00", "00"), (replay.Status(), stale.Status()));
        await using (var db = await system.CreateDbContextAsync())
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await db.LoanCallbacks.AnyAsync(c => c.LoanId == loanId && c.State == CallbackState.Pending))
            {
                Assert.True(DateTime.UtcNow < deadline, "the stale callback was never processed");
                await Task.Delay(50);
            }

            Assert.Equal(3, await db.PartnerEvents.CountAsync(e => e.LoanId == loanId));
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(["loan.approved", "loan.disbursed", "loan.repayment"], receiver.ForLoan(loanId).Select(e => e.Type));
    }

    [Fact]
    public async Task A_dead_partner_does_not_delay_a_live_one()
    {
        await using var dead = await PartnerReceiver.StartAsync();
        dead.Answer = async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(15));
            return 200;
        };
        var deadPartner = await system.NewPartnerAsync(webhookUrl: dead.Url);
        // More loans than the dead partner has delivery slots (32 per worker replica), applied as
        // LOCAL and handed over, so the test does not spend the dead partner's small rate budget.
        var deadLoans = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 40), new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (_, _) => deadLoans.Add(await system.AppliedLoanAsync()));

        await using (var db = await system.CreateDbContextAsync())
        {
            var deadPartnerId = await db.Partners.Where(p => p.Code == deadPartner.Code).Select(p => p.Id).SingleAsync();
            await db.Borrowers.Where(b => db.Loans.Any(l => deadLoans.Contains(l.Id) && l.BorrowerId == b.Id))
                .ExecuteUpdateAsync(b => b.SetProperty(x => x.PartnerId, deadPartnerId));
        }

        foreach (var loan in deadLoans)
        {
            var (approved, approval) = await system.AdminPostAsync($"/v1/admin/loan/{loan}/approve", "{}");
            Assert.True(approved == HttpStatusCode.OK, approval.ToJsonString());
        }

        await Task.Delay(TimeSpan.FromSeconds(1));

        var clock = Stopwatch.StartNew();
        var (_, loanId, _) = await system.BorrowerWithApprovedLoanAsync(partner);
        await receiver.WaitForDeliveredAsync(loanId, 1, within: TimeSpan.FromSeconds(3));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"the live partner heard of its approval after {clock.Elapsed}");
    }

    [Fact]
    public async Task Gone_stops_retries_and_an_operator_can_redeliver_with_the_same_webhook_id()
    {
        receiver.Answer = (_, before) => Task.FromResult(before == 0 ? 410 : 200);
        var (_, loanId, _) = await system.BorrowerWithApprovedLoanAsync(partner);
        await WaitForStateAsync(loanId, PartnerEventState.Failed);
        await Task.Delay(DeliverySchedule.Backoff(1, 1) + TimeSpan.FromSeconds(1));

        var gone = Assert.Single(receiver.ForLoan(loanId));
        Assert.Equal(410, gone.Answered);
        var failed = (await EventsAsync("failed")).Single(e => e["id"]!.GetValue<string>() == gone.WebhookId);
        Assert.Equal((1, 410), (failed["attempts"]!.GetValue<int>(), failed["lastStatus"]!.GetValue<int>()));

        var (status, body) = await system.AdminAsync(HttpMethod.Post, $"/v1/admin/events/{gone.WebhookId}/redeliver");
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        var again = await receiver.WaitForDeliveredAsync(loanId, 1);
        Assert.Equal(gone.WebhookId, again[0].WebhookId);
        Assert.True(again[0].SignatureValid);
    }

    [Fact]
    public async Task The_dashboards_redeliver_command_sends_a_failed_notification_again_with_its_webhook_id()
    {
        receiver.Answer = (_, before) => Task.FromResult(before == 0 ? 410 : 200);
        var (_, loanId, _) = await system.BorrowerWithApprovedLoanAsync(partner);
        await WaitForStateAsync(loanId, PartnerEventState.Failed);
        var gone = Assert.Single(receiver.ForLoan(loanId));

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var result = await system.App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(system.Instances["api"][0], DeveloperCommands.RedeliverFailedNotifications, timeout.Token);

        Assert.True(result.Success, result.Message);
        var again = await receiver.WaitForDeliveredAsync(loanId, 1);
        Assert.Equal(gone.WebhookId, again[0].WebhookId);
        Assert.True(again[0].SignatureValid);
    }

    [Fact]
    public async Task The_event_list_refuses_an_unknown_state_and_an_unknown_partner()
    {
        var (badState, stateBody) = await system.AdminAsync(HttpMethod.Get, $"/v1/admin/partners/{partner.Code}/events?state=lost");
        var (unknown, unknownBody) = await system.AdminAsync(HttpMethod.Get, "/v1/admin/partners/NOBODY_HERE/events");
        var (redeliver, redeliverBody) = await system.AdminAsync(HttpMethod.Post, "/v1/admin/events/evt_unknown/redeliver");

        Assert.Equal((HttpStatusCode.BadRequest, "01"), (badState, stateBody.Status()));
        Assert.Contains("state", stateBody.ErrorFields());
        Assert.Equal("001", unknownBody.Status());
        Assert.Equal("001", redeliverBody.Status());
        Assert.NotEqual(HttpStatusCode.OK, unknown);
        Assert.NotEqual(HttpStatusCode.OK, redeliver);
    }

    [Fact]
    public async Task A_partner_without_a_webhookUrl_has_undeliverable_events_that_wait_for_redelivery_after_it_sets_one()
    {
        var quiet = await system.NewPartnerAsync();
        var (_, loanId, loanCode) = await system.BorrowerWithApprovedLoanAsync(quiet);

        var recorded = Assert.Single(await EventsAsync("undeliverable", quiet.Code));
        Assert.Equal((LoanEvents.Approved, loanId, 0), (recorded["type"]!.GetValue<string>(), recorded["loanId"]!.GetValue<long>(), recorded["attempts"]!.GetValue<int>()));
        Assert.Empty(await EventsAsync("pending", quiet.Code));
        var id = recorded["id"]!.GetValue<string>();
        var (refused, refusal) = await system.AdminAsync(HttpMethod.Post, $"/v1/admin/events/{id}/redeliver");
        Assert.Equal((HttpStatusCode.Conflict, "04"), (refused, refusal.Status()));

        await using var late = await PartnerReceiver.StartAsync();
        late.Secret = quiet.WebhookSecret;
        await UpdateWebhookAsync(quiet, late.Url);
        await SendAppliedAsync(LoanJourney.Callback(loanCode));
        // Had the approval become pending with the webhook, it would have gone first: a loan's events go in order.
        Assert.Equal([LoanEvents.Disbursed], (await late.WaitForDeliveredAsync(loanId, 1)).Select(e => e.Type));
        Assert.Equal([id], (await EventsAsync("undeliverable", quiet.Code)).Select(e => e["id"]!.GetValue<string>()));

        var (status, body) = await system.AdminAsync(HttpMethod.Post, $"/v1/admin/events/{id}/redeliver");
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        var arrived = await late.WaitForDeliveredAsync(loanId, 2);
        Assert.Equal((LoanEvents.Approved, id), (arrived[1].Type, arrived[1].WebhookId));
        Assert.True(arrived[1].SignatureValid);
    }

    [Fact]
    public async Task Removing_a_webhookUrl_makes_the_partners_waiting_events_undeliverable()
    {
        receiver.Answer = (_, _) => Task.FromResult(503);
        var (_, loanId, _) = await system.BorrowerWithApprovedLoanAsync(partner);
        await using (var db = await system.CreateDbContextAsync())
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!await db.PartnerEvents.AnyAsync(e => e.LoanId == loanId && e.LastStatus == 503))
            {
                Assert.True(DateTime.UtcNow < deadline, "the first attempt was never recorded");
                await Task.Delay(50);
            }
        }

        await UpdateWebhookAsync(partner, webhookUrl: null);

        var waiting = Assert.Single(await EventsAsync("undeliverable"), e => e["loanId"]!.GetValue<long>() == loanId);
        Assert.Equal((1, 503), (waiting["attempts"]!.GetValue<int>(), waiting["lastStatus"]!.GetValue<int>()));
        Assert.Empty(await EventsAsync("pending"));
    }

    [Fact]
    public async Task An_event_in_flight_when_the_dispatcher_is_killed_is_delivered_after_it_is_back()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Answer = async (_, before) =>
        {
            if (before == 0)
            {
                arrived.TrySetResult();
                await Task.Delay(TimeSpan.FromSeconds(5));
            }

            return 200;
        };
        var (_, loanId, _) = await system.BorrowerWithApprovedLoanAsync(partner);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await system.KillAsync(system.Replicas("callback-worker")[0]);
        await system.StartAsync("callback-worker");

        var delivered = await receiver.WaitForDeliveredAsync(loanId, 1, within: TimeSpan.FromSeconds(60));
        Assert.Equal(receiver.ForLoan(loanId)[0].WebhookId, delivered[0].WebhookId);
        await WaitForStateAsync(loanId, PartnerEventState.Delivered);
    }

    [Fact]
    public async Task The_partner_sandbox_verifies_and_takes_LOCALs_notifications()
    {
        var loanId = await system.AppliedLoanAsync();
        var (status, body) = await system.AdminPostAsync($"/v1/admin/loan/{loanId}/approve", "{}");
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());

        await WaitForStateAsync(loanId, PartnerEventState.Delivered);

        await using var db = await system.CreateDbContextAsync();
        var approved = await db.PartnerEvents.SingleAsync(e => e.LoanId == loanId);
        // The sandbox answers 401 to a signature that does not verify with LOCAL's secret.
        Assert.Equal((LoanEvents.Approved, 204), (approved.Type, approved.LastStatus));
    }

    private async Task SendAppliedAsync(JsonObject callback)
    {
        var (status, body) = await system.SendCallbackAsync(callback);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
    }

    private async Task UpdateWebhookAsync(TestPartner whose, string? webhookUrl)
    {
        var (status, body) = await system.AdminAsync(HttpMethod.Put, $"/v1/admin/partners/{whose.Code}",
            JsonSerializer.Serialize(new { name = $"Partner {whose.Code}", allowList = PartnerCalls.Loopback, productCodes = new[] { "95" }, webhookUrl }));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
    }

    private async Task<IReadOnlyList<JsonObject>> EventsAsync(string state, string? partnerCode = null)
    {
        var (status, body) = await system.AdminAsync(HttpMethod.Get, $"/v1/admin/partners/{partnerCode ?? partner.Code}/events?state={state}");
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return [.. body["data"]!["events"]!.AsArray().Select(e => e!.AsObject())];
    }

    private async Task WaitForStateAsync(long loanId, PartnerEventState state)
    {
        await using var db = await system.CreateDbContextAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await db.PartnerEvents.AnyAsync(e => e.LoanId == loanId && e.State == state))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no event of loan {loanId} became {state}");
            await Task.Delay(100);
        }
    }
}
