using System.Text.Json.Nodes;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Loans;
using DompetKilat.Lending.Notifications;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Tests.Events;

/// <summary>
/// The system as scaled out (two Api replicas, two workers), sweeping for events past retention every
/// second, so the retention job is seen working while both workers run it.
/// </summary>
public sealed class EventsApp() : DompetKilatApp(apiReplicas: 2, workerReplicas: 2, "Worker:PartnerEvents:RetentionSweep=00:00:01");

[CollectionDefinition(Name)]
public sealed class EventsCollection : ICollectionFixture<EventsApp>
{
    public const string Name = "Partner events API";
}

/// <summary>API-CONTRACT §11 through the running system: a partner reads, pages and asks again for its own events.</summary>
[Collection(EventsCollection.Name)]
public sealed class PartnerEventsApiTests(EventsApp system) : IAsyncLifetime
{
    private PartnerReceiver receiver = null!;
    private TestPartner partner = null!;
    private int partnerId;

    public async Task InitializeAsync()
    {
        receiver = await PartnerReceiver.StartAsync();
        partner = await system.NewPartnerListeningAtAsync(receiver);
        await using var db = await system.CreateDbContextAsync();
        partnerId = await db.Partners.Where(p => p.Code == partner.Code).Select(p => p.Id).SingleAsync();
    }

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task A_partner_down_longer_than_the_retry_window_reconciles_every_event_from_the_api_in_order_once()
    {
        receiver.Down = true;
        var (_, loanId, loanCode) = await system.BorrowerWithApprovedLoanAsync(partner);
        await AppliedAsync(LoanJourney.Callback(loanCode));
        await AppliedAsync(LoanJourney.Callback(loanCode, numberOfPay: 1));
        await AppliedAsync(LoanJourney.Callback(loanCode, numberOfPay: 2));
        var test = await PostAsync("/v1/webhooks/test");
        Assert.Equal("00", test.Status());

        // The loan's first event and the test event meet the dead endpoint; then the retry window ends for all of them.
        await WaitForAsync(async db => await db.PartnerEventDeliveries.CountAsync(d => d.PartnerEventId == db.PartnerEvents
            .Where(e => e.LoanId == loanId && e.Type == LoanEvents.Approved).Select(e => e.Id).Single()) > 0);
        await RetryWindowEndsAsync();

        var reconciled = await ListedAsync(5, limit: 2);

        await using var db = await system.CreateDbContextAsync();
        var stored = await db.PartnerEvents.Where(e => e.PartnerId == partnerId).OrderBy(e => e.RecordedAt).ThenBy(e => e.Id).ToListAsync();
        Assert.All(stored, e => Assert.Equal(PartnerEventState.Failed, e.State));
        Assert.Equal(stored.Select(e => e.EventId), reconciled.Select(e => e["id"]!.GetValue<string>()));
        Assert.Equal(["loan.approved", "loan.disbursed", "loan.repayment", "loan.repayment", "webhook.test"],
            reconciled.Select(e => e["type"]!.GetValue<string>()));
        Assert.All(stored.Zip(reconciled), pair => Assert.True(JsonNode.DeepEquals(JsonNode.Parse(pair.First.Body), pair.Second),
            $"{pair.First.EventId}: the API shows {pair.Second.ToJsonString()}, its deliveries carry {pair.First.Body}"));

        var (_, approved) = await system.Api.GetAsPartnerAsync($"/v1/events/{stored[0].EventId}", partner.ApiKey);
        Assert.Equal("failed", approved["data"]!["state"]!.GetValue<string>());
        var attempt = approved["data"]!["deliveries"]!.AsArray()[0]!;
        Assert.Null(attempt["status"]);
        Assert.False(string.IsNullOrEmpty(attempt["error"]!.GetValue<string>()));
        Assert.True(attempt["durationMs"]!.GetValue<int>() >= 0);
        Assert.NotNull(attempt["attemptedAt"]);
    }

    [Fact]
    public async Task Paging_while_events_arrive_shows_each_event_once_in_the_order_written()
    {
        var loans = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            loans.Add((await system.BorrowerWithAppliedLoanAsync(partner)).LoanId);
        }

        var seen = new List<string>();
        string? after = null;
        var arriving = Task.Run(async () =>
        {
            foreach (var loanId in loans)
            {
                var (approved, body) = await system.AdminPostAsync($"/v1/admin/loan/{loanId}/approve", "{}");
                Assert.True(approved == HttpStatusCode.OK, body.ToJsonString());
                Assert.Equal("00", (await PostAsync("/v1/webhooks/test")).Status());
                await Task.Delay(300);
            }
        });
        while (!arriving.IsCompleted)
        {
            after = await NextPageAsync(after, seen);
            await Task.Delay(400);
        }

        await arriving;
        await WaitForAsync(async db => await db.PartnerEvents.CountAsync(e => e.PartnerId == partnerId) == 6);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (seen.Count < 6 && DateTime.UtcNow < deadline)
        {
            after = await NextPageAsync(after, seen);
        }

        await using var db = await system.CreateDbContextAsync();
        var stored = await db.PartnerEvents.Where(e => e.PartnerId == partnerId).OrderBy(e => e.RecordedAt).ThenBy(e => e.Id)
            .Select(e => e.EventId).ToListAsync();
        Assert.Equal(stored, seen);
    }

    [Fact]
    public async Task Another_partners_event_is_answered_as_an_unknown_one_and_never_listed()
    {
        var (_, _, loanCode) = await system.BorrowerWithApprovedLoanAsync(partner);
        var theirs = (await ListedAsync(1, limit: 10)).Single()["id"]!.GetValue<string>();
        var other = await system.NewPartnerAsync();
        var unknown = $"evt_{Guid.CreateVersion7():N}";

        var (readStatus, read) = await system.Api.GetAsPartnerAsync($"/v1/events/{theirs}", other.ApiKey);
        var (unknownStatus, unknownRead) = await system.Api.GetAsPartnerAsync($"/v1/events/{unknown}", other.ApiKey);
        Assert.Equal((HttpStatusCode.NotFound, "001"), (readStatus, read.Status()));
        Assert.Equal((unknownStatus, unknownRead["message"]!.GetValue<string>().Replace(unknown, theirs)),
            (readStatus, read["message"]!.GetValue<string>()));
        var (redeliverStatus, redeliver) = await system.Api.PostAsPartnerAsync($"/v1/events/{theirs}/redeliver", new JsonObject(), other.ApiKey);
        Assert.Equal((HttpStatusCode.NotFound, "001"), (redeliverStatus, redeliver.Status()));
        var (afterStatus, afterTheirs) = await system.Api.GetAsPartnerAsync($"/v1/events?after={theirs}", other.ApiKey);
        Assert.Equal(HttpStatusCode.BadRequest, afterStatus);
        Assert.Equal(["after"], afterTheirs.ErrorFields());
        var (_, list) = await system.Api.GetAsPartnerAsync($"/v1/events?loanCode={loanCode}", other.ApiKey);
        Assert.Empty(list["data"]!["events"]!.AsArray());

        await using var db = await system.CreateDbContextAsync();
        var audited = await db.AuditEvents.Where(a => a.Actor == other.Code && a.Action.StartsWith("GET /v1/events")).CountAsync();
        Assert.Equal(4, audited);
    }

    [Fact]
    public async Task Bad_paging_input_is_01_naming_the_field()
    {
        foreach (var (query, field) in new[]
        {
            ("limit=0", "limit"), ("limit=101", "limit"), ("limit=ten", "limit"), ("type=loan.eaten", "type"),
            ("after=nonsense", "after"), ($"after=evt_{Guid.CreateVersion7():N}", "after"),
        })
        {
            var (status, body) = await system.Api.GetAsPartnerAsync($"/v1/events?{query}", partner.ApiKey);
            Assert.True((status, body.Status()) == (HttpStatusCode.BadRequest, "01"), $"{query}: {body.ToJsonString()}");
            Assert.Equal([field], body.ErrorFields());
        }
    }

    [Fact]
    public async Task A_redelivery_reaches_the_receiver_again_with_the_same_id_and_a_valid_signature()
    {
        var (_, loanId, _) = await system.BorrowerWithApprovedLoanAsync(partner);
        var first = (await receiver.WaitForDeliveredAsync(loanId, 1)).Single();

        var redelivered = await PostAsync($"/v1/events/{first.WebhookId}/redeliver");
        Assert.Equal("pending", redelivered["data"]!["state"]!.GetValue<string>());

        var both = await receiver.WaitForDeliveredAsync(loanId, 2);
        Assert.Equal([first.WebhookId, first.WebhookId], both.Select(e => e.WebhookId));
        Assert.All(both, e => Assert.True(e.SignatureValid));
        Assert.True(JsonNode.DeepEquals(both[0].Body, both[1].Body));
        await WaitForAsync(async db => await db.PartnerEventDeliveries.CountAsync(d =>
            d.PartnerEventId == db.PartnerEvents.Where(e => e.EventId == first.WebhookId).Select(e => e.Id).Single()) == 2);
        var (_, read) = await system.Api.GetAsPartnerAsync($"/v1/events/{first.WebhookId}", partner.ApiKey);
        Assert.Equal([200, 200], read["data"]!["deliveries"]!.AsArray().Select(d => d!["status"]!.GetValue<int>()));
    }

    [Fact]
    public async Task The_test_event_reaches_the_receiver_signed_and_is_listed_like_any_other()
    {
        var sent = await PostAsync("/v1/webhooks/test");
        var id = sent["data"]!["id"]!.GetValue<string>();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!receiver.Received.Any(e => e.WebhookId == id))
        {
            Assert.True(DateTime.UtcNow < deadline, "the test event never arrived");
            await Task.Delay(50);
        }

        var arrived = receiver.Received.Single(e => e.WebhookId == id);
        Assert.True(arrived.SignatureValid);
        Assert.Equal("webhook.test", arrived.Type);
        Assert.Equal(partner.Code, arrived.Body["data"]!["partnerCode"]!.GetValue<string>());
        var listed = await ListedAsync(1, limit: 10, "&type=webhook.test");
        Assert.True(JsonNode.DeepEquals(arrived.Body, listed.Single()));
    }

    [Fact]
    public async Task Retention_removes_old_events_with_their_deliveries_and_a_cursor_it_removed_answers_08()
    {
        await system.BorrowerWithApprovedLoanAsync(partner);
        var kept = (await ListedAsync(1, limit: 10)).Single()["id"]!.GetValue<string>();
        var longAgo = DateTime.UtcNow.AddDays(-31);
        var old = WebhookTests.For(partnerId, partner.Code, reachable: false, longAgo, traceParent: null);
        await using (var db = await system.CreateDbContextAsync())
        {
            // Together, or the job may remove the event before its delivery is written.
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.PartnerEvents.Add(old);
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO partner_event_deliveries (partner_event_id, attempted_at, error, duration_ms) VALUES ({old.Id}, {longAgo}, 'test', 1)
                """);
            await transaction.CommitAsync();
        }

        await WaitForAsync(async db => !await db.PartnerEvents.AnyAsync(e => e.EventId == old.EventId));

        await using (var db = await system.CreateDbContextAsync())
        {
            Assert.False(await db.PartnerEventDeliveries.AnyAsync(d => d.PartnerEventId == old.Id));
            Assert.True(await db.PartnerEvents.AnyAsync(e => e.EventId == kept));
        }

        var (status, body) = await system.Api.GetAsPartnerAsync($"/v1/events?after={old.EventId}", partner.ApiKey);
        Assert.Equal((HttpStatusCode.Gone, "08"), (status, body.Status()));
    }

    /// <summary>
    /// Pages through the partner's events until <paramref name="count"/> are listed: an event is listed
    /// once every transaction that began before it was written has ended.
    /// </summary>
    private async Task<List<JsonObject>> ListedAsync(int count, int limit, string filter = "")
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var events = await AllEventsAsync(limit, filter);
            if (events.Count >= count)
            {
                return events;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{events.Count} of {count} events listed");
            await Task.Delay(500);
        }
    }

    /// <summary>Pages through every event of the partner from the start of retention.</summary>
    private async Task<List<JsonObject>> AllEventsAsync(int limit, string filter = "")
    {
        var events = new List<JsonObject>();
        string? after = null;
        while (true)
        {
            var (status, page) = await system.Api.GetAsPartnerAsync(
                $"/v1/events?limit={limit}{filter}{(after is null ? "" : $"&after={after}")}", partner.ApiKey);
            Assert.True(status == HttpStatusCode.OK, page.ToJsonString());
            var batch = page["data"]!["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
            events.AddRange(batch.Select(e => e.DeepClone().AsObject()));
            if (!page["data"]!["hasMore"]!.GetValue<bool>())
            {
                return events;
            }

            after = batch[^1]["id"]!.GetValue<string>();
        }
    }

    private async Task<string?> NextPageAsync(string? after, List<string> seen)
    {
        var (status, page) = await system.Api.GetAsPartnerAsync($"/v1/events?limit=1{(after is null ? "" : $"&after={after}")}", partner.ApiKey);
        Assert.True(status == HttpStatusCode.OK, page.ToJsonString());
        var ids = page["data"]!["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToList();
        seen.AddRange(ids);
        return ids.Count > 0 ? ids[^1] : after;
    }

    private async Task<JsonObject> PostAsync(string path)
    {
        var (status, body) = await system.Api.PostAsPartnerAsync(path, new JsonObject(), partner.ApiKey);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    private async Task AppliedAsync(JsonObject callback)
    {
        var (status, body) = await system.SendCallbackAsync(callback);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        var loanCode = callback["loanCode"]!.GetValue<string>();
        var numberOfPay = callback["numberOfPay"]!.GetValue<int>();
        // Read where the partner's budget is not spent: the worker applies callbacks asynchronously.
        await WaitForAsync(db => db.Loans.AnyAsync(l => l.LoanCode == loanCode && l.NumberOfPay == numberOfPay && l.Status == LoanStatus.Active));
    }

    /// <summary>
    /// The end of the 24-hour retry window, without waiting for it: each of the partner's events is
    /// recorded through the outbox as an attempt failed once its window is over, which gives it up.
    /// </summary>
    private async Task RetryWindowEndsAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var db = await system.CreateDbContextAsync();
            var waiting = await db.PartnerEvents.AsNoTracking()
                .Where(e => e.PartnerId == partnerId && e.State == PartnerEventState.Pending).ToListAsync();
            if (waiting.Count == 0)
            {
                return;
            }

            foreach (var e in waiting)
            {
                var end = e.RetryUntil.AddMinutes(1);
                await PartnerEventOutbox.RecordFailedAsync(db, e, new AttemptFailure(null, "retry window over (test)", Gone: false), end, end, 0, default);
            }

            Assert.True(DateTime.UtcNow < deadline, "the partner's events stayed pending");
            await Task.Delay(200);
        }
    }

    private async Task WaitForAsync(Func<LendingDbContext, Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using (var db = await system.CreateDbContextAsync())
            {
                if (await condition(db))
                {
                    return;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
            await Task.Delay(100);
        }
    }
}
