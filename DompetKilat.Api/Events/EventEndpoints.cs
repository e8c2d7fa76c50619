using System.Diagnostics;
using System.Globalization;
using DompetKilat.Api.Audit;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Partners;
using DompetKilat.Api.Security;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DompetKilat.Api.Events;

/// <summary>
/// A partner's own events (API-CONTRACT §11): listed, read with their deliveries, sent again, and a
/// test event on demand, so a partner whose endpoint was down or lost what it received can catch up
/// without the back office.
/// </summary>
public static class EventEndpoints
{
    public const int MaxLimit = 100;

    public static IEndpointRouteBuilder MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/v1/events").AsPartnerEvents();

        events.MapGet("", ListEvents)
            .WithName("ListEvents")
            .WithSummary("The partner's own events, oldest first, after the given one")
            .WithDescription("Pages through the events kept (30 days by default), oldest first: pass the id of the last event of a page " +
                "as after to get the next, until hasMore is false. Each event is the body its deliveries carried, and its id is their " +
                "webhook-id. An event appears once every change written before it has committed, so a page never skips one that " +
                "commits late. type and loanCode narrow the list. An after that retention already removed is 08 (HTTP 410): start " +
                "again without after. An unknown after, a limit outside 1..100 or an unknown type is 01.");

        events.MapGet("/{eventId}", GetEvent)
            .WithName("GetEvent")
            .WithSummary("One of the partner's events, where it stands, and every attempt to deliver it")
            .WithDescription("Each delivery says when the attempt started, the HTTP status the partner's endpoint answered (or why " +
                "there was no answer) and how long it took; the answer's body is never read. Another partner's event is 001.");

        events.MapPost("/{eventId}/redeliver", RedeliverEvent)
            .WithName("RedeliverPartnerEvent")
            .WithSummary("Send one of the partner's events again now, with the same webhook-id")
            .WithDescription("Whatever became of it (delivered, failed, undeliverable, or waiting for a retry), the event goes again " +
                "now with a new webhook-timestamp and signature, and is retried for 24 hours. One already in an attempt goes within " +
                "30 seconds anyway. Budgeted apart from other calls: 10 at once, 1 a second per partner; beyond it 07. " +
                "04 when the partner has no webhookUrl.")
            .RequireRateLimiting(CallerRateLimits.RedeliveryPolicy);

        var webhooks = app.MapGroup("/v1/webhooks").AsPartnerEvents();
        webhooks.MapPost("/test", SendTestEvent)
            .WithName("SendTestEvent")
            .WithSummary("A webhook.test event to the partner's webhookUrl, to check its receiver and signature code")
            .WithDescription("The event is delivered, retried and listed like any other; its data names the partner. Without a " +
                "webhookUrl it is recorded undeliverable. Shares the redelivery budget.")
            .RequireRateLimiting(CallerRateLimits.RedeliveryPolicy);

        return app;
    }

    private static RouteGroupBuilder AsPartnerEvents(this RouteGroupBuilder group) => group
        .ValidatesRequests()
        .WithTags("Events")
        .WithMetadata(new AllowedCallers(CallerGroup.Partners))
        .RequireRateLimiting(CallerRateLimits.PartnerPolicy)
        .Audited();

    public static async Task<Results<Ok<ApiResponse<EventPage>>, JsonHttpResult<ApiResponse<ErrorData>>>> ListEvents(
        CallingPartner partner, [AsParameters] EventServices services, CancellationToken cancellationToken,
        string? after = null, string? limit = null, string? type = null, string? loanCode = null)
    {
        services.Audit.About(subject: "events");
        var pageSize = 50;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxLimit))
        {
            return ContractResults.Invalid("limit", $"limit must be a whole number from 1 to {MaxLimit}");
        }

        if (type is not null && !PartnerEventTypes.All.Contains(type))
        {
            return ContractResults.Invalid("type", $"type must be one of {string.Join(", ", PartnerEventTypes.All)}");
        }

        var db = services.Db;
        (DateTime RecordedAt, long Id)? cursor = null;
        if (after is not null)
        {
            var found = await db.PartnerEvents.Where(e => e.EventId == after && e.PartnerId == partner.Id)
                .Select(e => new { e.RecordedAt, e.Id }).SingleOrDefaultAsync(cancellationToken);
            if (found is null)
            {
                return PartnerEventTypes.IssuedAt(after) is { } issued && issued < services.Clock.GetUtcNow().UtcDateTime - services.Options.Value.Retention
                    ? ContractResults.Failure(ContractStatus.PastRetention, StatusCodes.Status410Gone,
                        $"events before {after} are no longer kept ({services.Options.Value.Retention.TotalDays:0} days); start again without after")
                    : ContractResults.Invalid("after", $"after {after} is not one of this partner's events");
            }

            cursor = (found.RecordedAt, found.Id);
        }

        long? loanId = null;
        if (loanCode is not null)
        {
            loanId = await db.Loans.Where(l => l.LoanCode == loanCode && loanCode != "" && l.Borrower!.PartnerId == partner.Id)
                .Select(l => (long?)l.Id).SingleOrDefaultAsync(cancellationToken);
            if (loanId is null)
            {
                // Another partner's loan has no events for this one, exactly like an unknown code.
                return ContractResults.Success(new EventPage([], false));
            }

            services.Audit.About(loanId: loanId);
        }

        var settled = await SettledBeforeAsync(db, cancellationToken);
        var query = db.PartnerEvents.AsNoTracking().Where(e => e.PartnerId == partner.Id && e.RecordedAt < settled);
        if (cursor is { } c)
        {
            query = query.Where(e => EF.Functions.GreaterThan(ValueTuple.Create(e.RecordedAt, e.Id), ValueTuple.Create(c.RecordedAt, c.Id)));
        }

        if (type is not null)
        {
            query = query.Where(e => e.Type == type);
        }

        if (loanId is not null)
        {
            query = query.Where(e => e.LoanId == loanId);
        }

        var page = await query.OrderBy(e => e.RecordedAt).ThenBy(e => e.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        return ContractResults.Success(new EventPage([.. page.Take(pageSize).Select(EventBody.From)], page.Count > pageSize));
    }

    public static async Task<Results<Ok<ApiResponse<EventDetails>>, JsonHttpResult<ApiResponse<ErrorData>>>> GetEvent(
        string eventId, CallingPartner partner, [AsParameters] EventServices services, CancellationToken cancellationToken)
    {
        services.Audit.About(subject: $"event {eventId}");
        var found = await services.Db.PartnerEvents.AsNoTracking()
            .SingleOrDefaultAsync(e => e.EventId == eventId && e.PartnerId == partner.Id, cancellationToken);
        if (found is null)
        {
            return ContractResults.NotFound($"event {eventId} record not found");
        }

        services.Audit.About(loanId: found.LoanId);
        var deliveries = await services.Db.PartnerEventDeliveries.AsNoTracking()
            .Where(d => d.PartnerEventId == found.Id).OrderBy(d => d.Id).ToListAsync(cancellationToken);
        return ContractResults.Success(EventDetails.From(found, deliveries));
    }

    public static async Task<Results<Ok<ApiResponse<RedeliveredEvent>>, JsonHttpResult<ApiResponse<ErrorData>>>> RedeliverEvent(
        string eventId, CallingPartner partner, [AsParameters] EventServices services, CancellationToken cancellationToken)
    {
        var subject = $"event {eventId}";
        services.Audit.About(subject: subject);
        var db = services.Db;
        var now = services.Clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.RefuseIfNoLongerAdmittedAsync(partner, now, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        // Pending for a partner nothing can reach, it would wait for nobody; the share lock keeps the
        // webhook there until this commits.
        var reachable = (await PartnerEventOutbox.ReachablePartnersAsync(db, [partner.Id], cancellationToken)).Count > 0;
        if (await PartnerEventOutbox.RedeliverForPartnerAsync(db, partner.Id, eventId, now, cancellationToken) is not { } state)
        {
            return ContractResults.NotFound($"event {eventId} record not found");
        }

        if (!reachable)
        {
            await transaction.RollbackAsync(cancellationToken);
            return ContractResults.StepNotAllowed($"event {eventId} cannot be sent: this partner has no webhookUrl");
        }

        services.Audit.SaveWith(db, subject: subject);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ContractResults.Success(new RedeliveredEvent(eventId, EventDetails.StateName(state)));
    }

    public static async Task<Results<Ok<ApiResponse<EventDetails>>, JsonHttpResult<ApiResponse<ErrorData>>>> SendTestEvent(
        CallingPartner partner, [AsParameters] EventServices services, CancellationToken cancellationToken)
    {
        var db = services.Db;
        var now = services.Clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.RefuseIfNoLongerAdmittedAsync(partner, now, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var test = await PartnerEventOutbox.EnqueueTestAsync(db, partner.Id, partner.Code, now, Activity.Current?.Id, cancellationToken);
        services.Audit.SaveWith(db, subject: $"event {test.EventId}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ContractResults.Success(EventDetails.From(test, []));
    }

    /// <summary>
    /// Events recorded before this instant are all committed, and every event still to commit will be
    /// recorded after it: it is the start of the oldest transaction still writing (or now, if none is).
    /// Read before the page, in a statement of its own, so a transaction that commits in between is
    /// either seen by the page's later snapshot or held back by this bound. Ids and recording times are
    /// taken before commit, so without it a page could pass an event that commits later with an
    /// earlier place, and a partner paging on would never see it.
    /// </summary>
    private static Task<DateTime> SettledBeforeAsync(LendingDbContext db, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<DateTime>($"""
            SELECT least(clock_timestamp(), min(xact_start)) AS "Value" FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND datname = current_database()
            """).SingleAsync(cancellationToken);
}

public sealed class EventServices(LendingDbContext db, AuditRecord audit, TimeProvider clock, IOptions<PartnerEventOptions> options)
{
    public LendingDbContext Db { get; } = db;

    public AuditRecord Audit { get; } = audit;

    public TimeProvider Clock { get; } = clock;

    public IOptions<PartnerEventOptions> Options { get; } = options;
}
