using DompetKilat.Api.Audit;
using DompetKilat.Api.Contract;
using DompetKilat.Lending.Borrowers;
using DompetKilat.Api.Borrowers;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using System.Text.Json.Serialization;

namespace DompetKilat.Api.Admin;

/// <summary>
/// The audit trail, newest first (API-CONTRACT §8, §10): "who has seen this person's data" by
/// <c>idNumber</c>, what happened to a partner by <c>partnerCode</c> (its own calls and every
/// back-office action on it), and what an operator did by <c>operator</c> (the token's subject).
/// Filters combine; none lists everything.
/// </summary>
public static class AdminAuditEndpoints
{
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapAdminAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapBackOfficeGroup("/v1/admin/audit")
            .MapGet("/", GetAuditTrail)
            .WithName("GetAuditTrail")
            .AllowedTo(OperatorRoles.Auditor)
            .WithSummary("Audit entries newest first, by borrower (idNumber), partner (partnerCode) and operator (the token's sub)");

        return app;
    }

    public static async Task<Results<Ok<ApiResponse<AuditTrailPage>>, JsonHttpResult<ApiResponse<ErrorData>>>> GetAuditTrail(
        string? idNumber, string? partnerCode, [FromQuery(Name = "operator")] string? operatorSubject,
        LendingDbContext db, BlindIndex blindIndex, AuditRecord audit, CancellationToken cancellationToken,
        int page = 1, int pageSize = 50)
    {
        if (idNumber is not null && !FieldRules.IsIdNumber(idNumber))
        {
            return ContractResults.Invalid("idNumber", "idNumber must be digits only, at most 16");
        }

        if (page < 1 || pageSize is < 1 or > MaxPageSize)
        {
            return ContractResults.Invalid(page < 1 ? "page" : "pageSize", $"page must be at least 1 and pageSize 1 to {MaxPageSize}");
        }

        var entries = db.AuditEvents.AsNoTracking();
        long? borrowerId = null;
        if (idNumber is not null)
        {
            borrowerId = await BorrowerProfileQuery.FindIdOfAnyPartnerAsync(db, blindIndex.IdNumber(idNumber), cancellationToken);
            if (borrowerId is null)
            {
                return ContractResults.NotFound($"IdNumber {idNumber} record not found");
            }

            entries = entries.Where(e => e.BorrowerId == borrowerId);
        }

        if (partnerCode is not null)
        {
            entries = entries.Where(e => e.Subject == partnerCode || (e.PartnerId != null && db.Partners.Any(p => p.Id == e.PartnerId && p.Code == partnerCode)));
        }

        if (operatorSubject is not null)
        {
            entries = entries.Where(e => e.OperatorSubject == operatorSubject);
        }

        // Recorded as a back-office action, apart from the person's own trail: reading the trail shows no personal data.
        audit.About(subject: borrowerId is null ? "audit" : $"audit of borrower {borrowerId}");
        var found = await entries
            .OrderByDescending(e => e.Id)
            .Skip((page - 1) * pageSize)
            .Take(pageSize + 1)
            .Select(e => new AuditTrailEntry(e.Id, e.OccurredAt, e.Actor, e.Action, e.Outcome, e.BorrowerId, e.LoanId, e.Subject, e.TraceId,
                e.OperatorSubject, e.OperatorName, e.ChangeId, e.SourceAddress))
            .ToListAsync(cancellationToken);
        return ContractResults.Success(new AuditTrailPage(
            borrowerId, page, pageSize, found.Count > pageSize, [.. found.Take(pageSize)]));
    }
}

public sealed record AuditTrailPage(long? BorrowerId, int Page, int PageSize, bool HasMore, IReadOnlyList<AuditTrailEntry> Entries);

/// <summary>
/// One call as the trail holds it: ids and route templates, never a personal value; a back-office
/// action names its operator (<c>operator</c>, the token's subject, and <c>operatorName</c>).
/// </summary>
public sealed record AuditTrailEntry(
    long Id, DateTime OccurredAt, string Actor, string Action, string Outcome, long? BorrowerId, long? LoanId, string? Subject, string? TraceId,
    [property: JsonPropertyName("operator")] string? OperatorSubject, string? OperatorName, Guid? ChangeId, string? SourceAddress);
