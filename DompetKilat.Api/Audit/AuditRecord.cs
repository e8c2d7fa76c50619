using System.Diagnostics;
using DompetKilat.Api.Admin;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Partners;
using DompetKilat.Lending.Audit;
using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Loans;
using DompetKilat.Lending.Data;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Api.Audit;

/// <summary>
/// The audit entry of one request. The endpoint filter opens it (who, which route) and closes it
/// with what the caller was told; the handler names the record it touched. A change's entry is
/// saved by the handler in the change's own transaction (<see cref="SaveWith"/>); every other
/// outcome goes through <see cref="AuditTrail"/>.
/// </summary>
public sealed class AuditRecord
{
    private AuditEvent? entry;
    private AuditEvent? savedWithChange;
    private (long? BorrowerId, long? LoanId) storedBefore;

    /// <summary>Names the record a read looked at, or tried to.</summary>
    public void About(long? borrowerId = null, long? loanId = null, string? subject = null, Guid? changeId = null)
    {
        var open = Open();
        open.BorrowerId = borrowerId ?? open.BorrowerId;
        open.LoanId = loanId ?? open.LoanId;
        open.Subject = subject ?? open.Subject;
        open.ChangeId = changeId ?? open.ChangeId;
    }

    /// <summary>Adds the entry of a successful change to the context, so it commits with the change or not at all.</summary>
    public void SaveWith(LendingDbContext db, Borrower? borrower = null, Loan? loan = null, string? subject = null, Guid? changeId = null)
    {
        // Ids are assigned before the insert, so only the tracker knows which records already existed.
        db.AuditEvents.Add(ForChange(
            borrower?.Id ?? loan?.BorrowerId, loan?.Id, subject, changeId,
            existingBorrowerId: borrower is not null && db.Entry(borrower).State != EntityState.Added ? borrower.Id : loan?.BorrowerId,
            existingLoanId: loan is not null && db.Entry(loan).State != EntityState.Added ? loan.Id : null));
    }

    /// <summary>
    /// The entry of a successful change that the change's own statement writes, so it commits with
    /// the change or not at all. Should the change fail, the entry of the failure names only the
    /// records that existed before it (<paramref name="existingBorrowerId"/>, <paramref name="existingLoanId"/>).
    /// </summary>
    public AuditEvent ForChange(
        long? borrowerId = null, long? loanId = null, string? subject = null, Guid? changeId = null,
        long? existingBorrowerId = null, long? existingLoanId = null)
    {
        var open = Open();
        savedWithChange = new AuditEvent
        {
            OccurredAt = open.OccurredAt, Actor = open.Actor, PartnerId = open.PartnerId, Action = open.Action,
            Outcome = ContractStatus.Success, TraceId = open.TraceId, Subject = subject ?? open.Subject,
            SourceAddress = open.SourceAddress, KeyId = open.KeyId,
            OperatorSubject = open.OperatorSubject, OperatorName = open.OperatorName, ChangeId = changeId ?? open.ChangeId,
            BorrowerId = borrowerId, LoanId = loanId,
        };
        storedBefore = (existingBorrowerId, existingLoanId);
        return savedWithChange;
    }

    internal void Begin(HttpContext context, DateTime now)
    {
        var partner = context.Features.Get<CallingPartner>();
        entry = Of(context, now, partner?.Code ?? AuditEvent.BackOffice, partner?.Id, partner?.KeyId, ContractStatus.Unavailable);
    }

    /// <summary>An entry of a call to the route <paramref name="context"/> reached, as the caller was seen: a back-office call names its operator.</summary>
    internal static AuditEvent Of(HttpContext context, DateTime now, string actor, int? partnerId, long? keyId, string outcome)
    {
        var signedIn = context.User.AsOperator();
        return new()
        {
            OccurredAt = now,
            Actor = actor,
            PartnerId = partnerId,
            KeyId = keyId,
            Action = $"{context.Request.Method} {(context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText}",
            Outcome = outcome,
            TraceId = Activity.Current?.TraceId.ToHexString(),
            SourceAddress = context.Connection.RemoteIpAddress is { IsIPv4MappedToIPv6: true } mapped
                ? mapped.MapToIPv4().ToString()
                : context.Connection.RemoteIpAddress?.ToString(),
            OperatorSubject = signedIn?.Subject,
            OperatorName = signedIn?.Name,
        };
    }

    /// <summary>The entry still to append, or null when it already committed with the change it records.</summary>
    internal AuditEvent? Complete(string outcome)
    {
        if (savedWithChange is not null && outcome == ContractStatus.Success)
        {
            return null;
        }

        var open = Open();
        open.Outcome = outcome;
        if (savedWithChange is not null)
        {
            // The change rolled back: keep the ids of records that exist, not of those never stored.
            open.BorrowerId ??= storedBefore.BorrowerId;
            open.LoanId ??= storedBefore.LoanId;
            open.Subject ??= savedWithChange.Subject;
        }

        return open;
    }

    private AuditEvent Open() => entry ?? throw new InvalidOperationException("The route is not audited.");
}

/// <summary>
/// Audits every call of the routes it is on, whatever the answer, once the caller is known, and
/// holds the answer until its entry is durable: what the trail could not record is answered 99.
/// </summary>
internal sealed class AuditFilter(AuditRecord record, AuditTrail trail, TimeProvider clock) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        record.Begin(http, clock.GetUtcNow().UtcDateTime);
        object? result;
        try
        {
            result = await next(context);
        }
        catch (Exception)
        {
            // A fault (the contract's handler answers 99) is recorded too, then left to that handler.
            if (record.Complete(ContractStatus.Unavailable) is { } failed)
            {
                await trail.AppendAsync(failed, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            throw;
        }

        if (record.Complete(ContractOutcome.Of(result)) is { } entry)
        {
            try
            {
                await trail.AppendAsync(entry, http.RequestAborted);
            }
            catch (AuditUnavailableException)
            {
                return ContractResults.Failure(ContractStatus.Unavailable, StatusCodes.Status503ServiceUnavailable, "service temporarily unavailable");
            }
        }

        return result;
    }
}

public static class AuditEndpointExtensions
{
    public static TBuilder Audited<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, AuditFilter>();
}
