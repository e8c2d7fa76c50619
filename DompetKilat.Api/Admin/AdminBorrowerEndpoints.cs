using DompetKilat.Api.Audit;
using DompetKilat.Api.Borrowers;
using DompetKilat.Api.Contract;
using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;
using DompetKilat.Lending.Loans;
using DompetKilat.Lending.Notifications;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Api.Admin;

/// <summary>
/// A data subject's rights over what is held about them (API-CONTRACT §12): access to every
/// personal value and every look at them, and erasure. The NIK travels in the body, never in a URL
/// that proxies and access logs keep.
/// </summary>
public static class AdminBorrowerEndpoints
{
    public static IEndpointRouteBuilder MapAdminBorrowerEndpoints(this IEndpointRouteBuilder app)
    {
        var borrowers = app.MapBackOfficeGroup("/v1/admin/borrowers").ValidatesRequests();

        borrowers.MapPost("/access-request", ExportPersonalData)
            .WithName("ExportBorrowerPersonalData")
            .AllowedTo(OperatorRoles.Auditor)
            .WithSummary("Everything held about the person with this NIK: each personal value, their loans, and every audit entry about them");

        borrowers.MapPost("/erasure", EraseBorrower)
            .WithName("EraseBorrower")
            .AllowedTo(OperatorRoles.Operations)
            .WithSummary("Erase the personal data of the borrower with this NIK, keeping its loans' money history; refused (04) while a loan is open");

        return app;
    }

    public static async Task<Results<Ok<ApiResponse<PersonalDataExport>>, JsonHttpResult<ApiResponse<ErrorData>>>> ExportPersonalData(
        DataSubjectRequest request, [AsParameters] DataSubjectServices services, CancellationToken cancellationToken)
    {
        var idNumberIndex = services.BlindIndex.IdNumber(request.IdNumber!);
        var owner = await services.Db.Borrowers.AsNoTracking()
            .HavingIdNumber(services.BlindIndex, request.IdNumber!)
            .Select(b => new { b.Id, b.PartnerId, PartnerCode = services.Db.Partners.Where(p => p.Id == b.PartnerId).Select(p => p.Code).Single() })
            .SingleOrDefaultAsync(cancellationToken);
        if (owner is null)
        {
            return ContractResults.NotFound($"IdNumber {request.IdNumber} record not found");
        }

        services.Audit.About(borrowerId: owner.Id);
        var profile = await BorrowerProfiles.FindAsync(services.Db, services.MasterKeys, idNumberIndex, owner.PartnerId, cancellationToken);
        var loans = await services.Db.Loans.AsNoTracking().Where(l => l.BorrowerId == owner.Id).OrderBy(l => l.Id).ToListAsync(cancellationToken);
        var trail = await services.Db.AuditEvents.AsNoTracking()
            .Where(e => e.BorrowerId == owner.Id)
            .OrderBy(e => e.Id)
            .Select(e => new AuditTrailEntry(e.Id, e.OccurredAt, e.Actor, e.Action, e.Outcome, e.BorrowerId, e.LoanId, e.Subject, e.TraceId,
                e.OperatorSubject, e.OperatorName, e.ChangeId, e.SourceAddress))
            .ToListAsync(cancellationToken);
        return ContractResults.Success(new PersonalDataExport(
            owner.Id, owner.PartnerCode, profile!.CreatedAt, BorrowerProfile.From(profile),
            [.. loans.Select(LoanDetails.From)], trail));
    }

    public static async Task<Results<Ok<ApiResponse<ErasedBorrower>>, JsonHttpResult<ApiResponse<ErrorData>>>> EraseBorrower(
        DataSubjectRequest request, [AsParameters] DataSubjectServices services, CancellationToken cancellationToken)
    {
        var borrowerId = await BorrowerProfileQuery.FindIdOfAnyPartnerAsync(services.Db, services.BlindIndex.IdNumber(request.IdNumber!), cancellationToken);
        if (borrowerId is null)
        {
            return ContractResults.NotFound($"IdNumber {request.IdNumber} record not found");
        }

        services.Audit.About(borrowerId: borrowerId);
        var now = services.Clock.GetUtcNow().UtcDateTime;
        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        var erasure = await BorrowerErasure.EraseAsync(services.Db, borrowerId.Value, now, cancellationToken);
        switch (erasure)
        {
            case null or { Outcome: ErasureOutcome.AlreadyErased }:
                // Another erasure committed first: to this caller the NIK is now unknown.
                return ContractResults.NotFound($"IdNumber {request.IdNumber} record not found");
            case { Outcome: ErasureOutcome.LoanOpen, Loans: var loans }:
                var open = loans.Where(l => !l.Status.IsTerminal()).Select(l => l.LoanCode == "" ? $"loan {l.Id}" : l.LoanCode);
                return ContractResults.StepNotAllowed($"borrower {borrowerId} has open loans ({string.Join(", ", open)}): erasure waits until they are closed");
        }

        services.Audit.SaveWith(services.Db, erasure.Value.Borrower);
        await services.Db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ContractResults.Success(new ErasedBorrower(
            borrowerId.Value, now, [.. erasure.Value.Loans.Select(l => l.LoanCode).Where(c => c != "")]));
    }
}

/// <summary>A data subject's request names them by NIK.</summary>
public sealed record DataSubjectRequest(string? IdNumber);

public sealed class DataSubjectRequestValidator : AbstractValidator<DataSubjectRequest>
{
    public DataSubjectRequestValidator()
    {
        RuleFor(r => r.IdNumber).NotEmpty().Must(n => FieldRules.IsIdNumber(n!)).WithMessage("idNumber must be digits only, at most 16");
    }
}

/// <summary>
/// What a data subject's access request returns: the profile as partners read it (every personal
/// value, photos included), the loans, and the whole audit trail about the person.
/// </summary>
public sealed record PersonalDataExport(
    long BorrowerId, string PartnerCode, DateTime RegisteredAt, BorrowerProfile Profile,
    IReadOnlyList<LoanDetails> Loans, IReadOnlyList<AuditTrailEntry> AuditTrail);

public sealed class DataSubjectServices(LendingDbContext db, BlindIndex blindIndex, MasterKeys masterKeys, AuditRecord audit, TimeProvider clock)
{
    public MasterKeys MasterKeys { get; } = masterKeys;

    public LendingDbContext Db { get; } = db;

    public BlindIndex BlindIndex { get; } = blindIndex;

    public AuditRecord Audit { get; } = audit;

    public TimeProvider Clock { get; } = clock;
}
