using DompetKilat.Api.Audit;
using DompetKilat.Api.Contract;
using DompetKilat.Lending.Borrowers;
using DompetKilat.Api.Borrowers;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Api.Admin;

/// <summary>"Who has seen this person's data": a borrower's audit trail, newest first (API-CONTRACT §8).</summary>
public static class AdminAuditEndpoints
{
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapAdminAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapBackOfficeGroup("/v1/admin/audit")
            .MapGet("/", GetBorrowerTrail)
            .WithName("GetBorrowerAuditTrail")
            .WithSummary("Every registration, profile read, loan application, loan read and back-office action on a borrower, newest first");

        return app;
    }

    public static async Task<Results<Ok<ApiResponse<AuditTrailPage>>, JsonHttpResult<ApiResponse<ErrorData>>>> GetBorrowerTrail(
        string? idNumber, LendingDbContext db, BlindIndex blindIndex, AuditRecord audit, CancellationToken cancellationToken,
        int page = 1, int pageSize = 50)
    {
        if (string.IsNullOrEmpty(idNumber) || !FieldRules.IsIdNumber(idNumber))
        {
            return ContractResults.Invalid("idNumber", "idNumber must be digits only, at most 16");
        }

        if (page < 1 || pageSize is < 1 or > MaxPageSize)
        {
            return ContractResults.Invalid(page < 1 ? "page" : "pageSize", $"page must be at least 1 and pageSize 1 to {MaxPageSize}");
        }

        var borrowerId = await BorrowerProfileQuery.FindIdOfAnyPartnerAsync(db, blindIndex.IdNumber(idNumber), cancellationToken);
        if (borrowerId is null)
        {
            return ContractResults.NotFound($"IdNumber {idNumber} record not found");
        }

        // Recorded as a back-office action, apart from the person's own trail: reading the trail shows no personal data.
        audit.About(subject: $"audit of borrower {borrowerId}");
        var entries = await db.AuditEvents.AsNoTracking()
            .Where(e => e.BorrowerId == borrowerId)
            .OrderByDescending(e => e.Id)
            .Skip((page - 1) * pageSize)
            .Take(pageSize + 1)
            .Select(e => new AuditTrailEntry(e.Id, e.OccurredAt, e.Actor, e.Action, e.Outcome, e.BorrowerId, e.LoanId, e.Subject, e.TraceId))
            .ToListAsync(cancellationToken);
        return ContractResults.Success(new AuditTrailPage(
            borrowerId.Value, page, pageSize, entries.Count > pageSize, [.. entries.Take(pageSize)]));
    }
}

public sealed record AuditTrailPage(long BorrowerId, int Page, int PageSize, bool HasMore, IReadOnlyList<AuditTrailEntry> Entries);

/// <summary>One look at or change of the borrower's records: ids and route templates, never a personal value.</summary>
public sealed record AuditTrailEntry(
    long Id, DateTime OccurredAt, string Actor, string Action, string Outcome, long? BorrowerId, long? LoanId, string? Subject, string? TraceId);
