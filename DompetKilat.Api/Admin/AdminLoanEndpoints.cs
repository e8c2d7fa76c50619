using DompetKilat.Api.Audit;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Loans;
using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Loans;
using DompetKilat.Lending.Notifications;
using DompetKilat.Lending.Data;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DompetKilat.Api.Admin;

public static class AdminLoanEndpoints
{
    /// <summary>Back-office bodies are a few short fields (API-CONTRACT §6).</summary>
    public const long AdminBodyLimit = 16 * 1024;

    public static IEndpointRouteBuilder MapAdminLoanEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapBackOfficeGroup("/v1/admin/loan").ValidatesRequests();

        admin.MapPost("/{id:long}/approve", ApproveLoan)
            .WithName("ApproveLoan")
            .AllowedTo(OperatorRoles.LoanOfficer)
            .WithSummary("Approve an INACTIVE loan and assign its loanCode");

        admin.MapPost("/{id:long}/reject", RejectLoan)
            .WithName("RejectLoan")
            .AllowedTo(OperatorRoles.LoanOfficer)
            .WithSummary("Reject an INACTIVE or APPROVED loan");

        return app;
    }

    public static async Task<Results<Ok<ApiResponse<LoanEntity>>, JsonHttpResult<ApiResponse<ErrorData>>>> ApproveLoan(
        long id,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ApproveLoanRequest? request,
        [AsParameters] AdminServices services,
        CancellationToken cancellationToken)
    {
        request ??= new ApproveLoanRequest();
        var loan = await services.Db.Loans.SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (loan is null)
        {
            return LoanNotFound(id);
        }

        services.Audit.About(borrowerId: loan.BorrowerId, loanId: loan.Id);

        var contractDate = request.ContractDate is { } date ? DateOnly.ParseExact(date, FieldRules.ContractDateFormat) : (DateOnly?)null;
        var loanCode = request.LoanCode ?? LoanCodes.New();
        var now = services.Clock.GetUtcNow().UtcDateTime;
        var step = loan.Approve(loanCode, request.ContractNo ?? "", contractDate, now);
        if (step.Outcome != LifecycleOutcome.Done)
        {
            return ContractResults.StepNotAllowed(step.Reason!);
        }

        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        services.Audit.SaveWith(services.Db, loan: loan);
        try
        {
            await services.Db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique
                                           && unique.ConstraintName == LoanConfiguration.LoanCodeIndex)
        {
            return ContractResults.AlreadyRegistered($"loanCode {loanCode} is already registered");
        }
        catch (DbUpdateConcurrencyException)
        {
            return await ChangedMeanwhileAsync(services.Db, id, "approved", cancellationToken);
        }

        return ContractResults.Success(LoanEntity.From(loan));
    }

    public static async Task<Results<Ok<ApiResponse<LoanEntity>>, JsonHttpResult<ApiResponse<ErrorData>>>> RejectLoan(
        long id, RejectLoanRequest request, [AsParameters] AdminServices services, CancellationToken cancellationToken)
    {
        var loan = await services.Db.Loans.SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (loan is null)
        {
            return LoanNotFound(id);
        }

        services.Audit.About(borrowerId: loan.BorrowerId, loanId: loan.Id);

        var now = services.Clock.GetUtcNow().UtcDateTime;
        var step = loan.Reject(request.Reason!, now);
        if (step.Outcome != LifecycleOutcome.Done)
        {
            return ContractResults.StepNotAllowed(step.Reason!);
        }

        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        services.Audit.SaveWith(services.Db, loan: loan);
        try
        {
            await services.Db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return await ChangedMeanwhileAsync(services.Db, id, "rejected", cancellationToken);
        }

        return ContractResults.Success(LoanEntity.From(loan));
    }

    private static JsonHttpResult<ApiResponse<ErrorData>> LoanNotFound(long id) =>
        ContractResults.NotFound($"loan {id} record not found");

    /// <summary>Another step won the race for this loan; the caller hears the status it now has.</summary>
    private static async Task<JsonHttpResult<ApiResponse<ErrorData>>> ChangedMeanwhileAsync(
        LendingDbContext db, long id, string step, CancellationToken cancellationToken)
    {
        var current = await db.Loans.AsNoTracking().SingleAsync(l => l.Id == id, cancellationToken);
        return ContractResults.StepNotAllowed(current.Refusal(step));
    }
}

public sealed class AdminServices(
    LendingDbContext db,
    AuditRecord audit,
    TimeProvider clock)
{
    public AuditRecord Audit { get; } = audit;

    public LendingDbContext Db { get; } = db;

    public TimeProvider Clock { get; } = clock;
}
