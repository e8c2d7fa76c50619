using DompetKilat.Api.Audit;
using DompetKilat.Api.Contract;
using DompetKilat.Lending.Callbacks;
using DompetKilat.Lending.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Api.Admin;

/// <summary>Operators' view of callbacks the worker could not apply, and the way to send one back.</summary>
public static class AdminCallbackEndpoints
{
    public static IEndpointRouteBuilder MapAdminCallbackEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapBackOfficeGroup("/v1/admin/callbacks");

        admin.MapGet("/parked", ListParkedCallbacks)
            .WithName("ListParkedCallbacks")
            .ReadableBy(OperatorRoles.Operations)
            .WithSummary("Callbacks that failed every retry, oldest first, with the reason");

        admin.MapPost("/{id:long}/retry", RetryParkedCallback)
            .WithName("RetryParkedCallback")
            .AllowedTo(OperatorRoles.Operations)
            .WithSummary("Send a parked callback back to the worker's queue");

        return app;
    }

    public static async Task<Ok<ApiResponse<ParkedCallbacks>>> ListParkedCallbacks(
        LendingDbContext db, CancellationToken cancellationToken, int limit = 100)
    {
        var parked = await db.LoanCallbacks.AsNoTracking()
            .Where(c => c.State == CallbackState.Parked)
            .OrderBy(c => c.Id)
            .Take(Math.Clamp(limit, 1, 1000))
            .Join(db.Loans, c => c.LoanId, l => l.Id, (c, l) => new ParkedCallback(
                c.Id, c.TransactionId, l.LoanCode, c.Kind == CallbackKind.Disbursement ? "disbursement" : "repayment",
                c.Reason ?? "", c.Attempts, c.AcceptedAt, c.ProcessedAt))
            .ToListAsync(cancellationToken);
        return ContractResults.Success(new ParkedCallbacks(parked));
    }

    public static async Task<Results<Ok<ApiResponse<RetriedCallback>>, JsonHttpResult<ApiResponse<ErrorData>>>> RetryParkedCallback(
        long id, LendingDbContext db, AuditRecord audit, CancellationToken cancellationToken)
    {
        var subject = $"callback {id}";
        audit.About(subject: subject);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Locked, so of two operators retrying at once the second finds it pending and is refused.
        var callback = await db.LoanCallbacks.FromSql($"SELECT * FROM loan_callbacks WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (callback is null)
        {
            return ContractResults.NotFound($"callback {id} record not found");
        }

        if (!callback.Requeue())
        {
            return ContractResults.StepNotAllowed($"callback {id} is {callback.State.ToString().ToUpperInvariant()} and cannot be retried");
        }

        audit.SaveWith(db, subject: subject);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ContractResults.Success(new RetriedCallback(id, "PENDING"));
    }
}

public sealed record ParkedCallbacks(IReadOnlyList<ParkedCallback> Callbacks);

public sealed record ParkedCallback(
    long Id, string TransactionId, string LoanCode, string Kind, string Reason, int Attempts, DateTime AcceptedAt, DateTime? ParkedAt);

public sealed record RetriedCallback(long Id, string State);
