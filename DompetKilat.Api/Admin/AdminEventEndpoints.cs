using DompetKilat.Api.Audit;
using DompetKilat.Api.Contract;
using DompetKilat.Lending.Notifications;
using DompetKilat.Lending.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Api.Admin;

/// <summary>Operators' view of what each partner was told (API-CONTRACT §9), and the way to tell it again.</summary>
public static class AdminEventEndpoints
{
    public static IEndpointRouteBuilder MapAdminEventEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapBackOfficeGroup("/v1/admin");

        admin.MapGet("/partners/{partnerCode}/events", ListPartnerEvents)
            .WithName("ListPartnerEvents")
            .ReadableBy(OperatorRoles.Operations)
            .WithSummary("A partner's notifications, newest first, with their attempts and the last HTTP status")
            .WithDescription("state filters by where an event stands: pending (waiting for its next attempt), delivered (the partner " +
                "answered 2xx), failed (it answered 410 Gone, or 24 hours of retries ran out) or undeliverable (never attempted: the " +
                "partner had no webhookUrl when the loan changed, or lost it while the event waited). Setting a webhookUrl later " +
                "leaves undeliverable events as they are; redeliver the ones the partner wants.");

        admin.MapPost("/events/{id}/redeliver", RedeliverEvent)
            .WithName("RedeliverEvent")
            .AllowedTo(OperatorRoles.Operations)
            .WithSummary("Send a notification again, with the same webhook-id, on a fresh retry schedule")
            .WithDescription("Makes a delivered, failed or undeliverable event pending again: attempts start from 0 and retries go on " +
                "for 24 hours. It keeps its webhook-id, body and occurredAt, so it may reach the partner after the loan's later " +
                "events. 04 while the event is pending, or while its partner has no webhookUrl to send it to.");

        return app;
    }

    public static async Task<Results<Ok<ApiResponse<PartnerEvents>>, JsonHttpResult<ApiResponse<ErrorData>>>> ListPartnerEvents(
        string partnerCode, LendingDbContext db, CancellationToken cancellationToken, string? state = null, int limit = 100)
    {
        PartnerEventState? wanted = null;
        if (state is not null)
        {
            if (!Enum.TryParse<PartnerEventState>(state, ignoreCase: true, out var parsed) || !state.All(char.IsAsciiLetter))
            {
                return ContractResults.Invalid(new Dictionary<string, string[]>
                {
                    ["state"] = [$"state must be one of {string.Join(", ", Enum.GetValues<PartnerEventState>().Select(PartnerEventView.Name))}"],
                }.AsReadOnly());
            }

            wanted = parsed;
        }

        var partnerId = await db.Partners.Where(p => p.Code == partnerCode).Select(p => (int?)p.Id).SingleOrDefaultAsync(cancellationToken);
        if (partnerId is null)
        {
            return ContractResults.NotFound($"partner {partnerCode} record not found");
        }

        var events = await db.PartnerEvents.AsNoTracking()
            .Where(e => e.PartnerId == partnerId && (wanted == null || e.State == wanted))
            .OrderByDescending(e => e.Id)
            .Take(Math.Clamp(limit, 1, 1000))
            .ToListAsync(cancellationToken);
        return ContractResults.Success(new PartnerEvents([.. events.Select(PartnerEventView.From)]));
    }

    public static async Task<Results<Ok<ApiResponse<RedeliveredEvent>>, JsonHttpResult<ApiResponse<ErrorData>>>> RedeliverEvent(
        string id, LendingDbContext db, AuditRecord audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var subject = $"event {id}";
        audit.About(subject: subject);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var partnerId = await db.PartnerEvents.Where(e => e.EventId == id).Select(e => (int?)e.PartnerId).SingleOrDefaultAsync(cancellationToken);
        if (partnerId is null)
        {
            return ContractResults.NotFound($"event {id} record not found");
        }

        // Pending for a partner nothing can reach, it would wait for nobody; the lock keeps the
        // webhook there until this commits (PartnerEventOutbox.ReachablePartnersAsync).
        if ((await PartnerEventOutbox.ReachablePartnersAsync(db, [partnerId.Value], cancellationToken)).Count == 0)
        {
            return ContractResults.StepNotAllowed($"event {id} cannot be sent: its partner has no webhookUrl");
        }

        if (await PartnerEventOutbox.RedeliverAsync(db, id, now, cancellationToken))
        {
            audit.SaveWith(db, subject: subject);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return ContractResults.Success(new RedeliveredEvent(id, PartnerEventView.Name(PartnerEventState.Pending)));
        }

        return ContractResults.StepNotAllowed($"event {id} is PENDING and already being delivered");
    }
}

public sealed record PartnerEvents(IReadOnlyList<PartnerEventView> Events);

/// <summary>One notification as operators see it (<c>loanId</c> null for a borrower's own, such as its erasure); <c>state</c> is <c>pending</c>, <c>delivered</c>, <c>failed</c> or <c>undeliverable</c>.</summary>
public sealed record PartnerEventView(
    string Id, string Type, long? LoanId, string State, int Attempts, int? LastStatus, string? LastError,
    DateTime OccurredAt, DateTime? NextAttemptAt, DateTime? DeliveredAt)
{
    public static PartnerEventView From(PartnerEvent e) => new(
        e.EventId, e.Type, e.LoanId, Name(e.State), e.Attempts, e.LastStatus, e.LastError,
        e.OccurredAt, e.State == PartnerEventState.Pending ? e.NextAttemptAt : null, e.DeliveredAt);

    public static string Name(PartnerEventState state) => state.ToString().ToLowerInvariant();
}

public sealed record RedeliveredEvent(string Id, string State);
