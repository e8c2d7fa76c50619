using DompetKilat.Api.Contract;
using DompetKilat.Api.Security;
using DompetKilat.Lending.Callbacks;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DompetKilat.Api.Callbacks;

public static class CallbackEndpoints
{
    /// <summary>A callback carries at most a loan's repayment history (API-CONTRACT §6).</summary>
    public const long CallbackBodyLimit = 256 * 1024;

    public static IEndpointRouteBuilder MapCallbackEndpoints(this IEndpointRouteBuilder app)
    {
        var callbacks = app.MapGroup("/v1")
            .ValidatesRequests()
            .WithTags("Callbacks")
            .WithMetadata(new RequestSizeLimitAttribute(CallbackBodyLimit), new AllowedCallers(CallerGroup.Callbacks), new SignedCallbackMetadata())
            .RequireRateLimiting(CallerRateLimits.CallbackPolicy);

        callbacks.MapPost("/loan/disburse", AcceptDisbursement)
            .WithName("AcceptDisbursement")
            .WithSummary("The lender reports a disbursement (partner reference: Callback Disbursement)");

        callbacks.MapPost("/callback/loan/repayment", AcceptRepayment)
            .WithName("AcceptRepayment")
            .WithSummary("The lender reports repayments so far (partner reference: Callback Repayment)");

        return app;
    }

    public static Task<Results<Ok<ApiResponse<object>>, JsonHttpResult<ApiResponse<ErrorData>>>> AcceptDisbursement(
        CallbackBody body, CallbackInbox inbox, CancellationToken cancellationToken) =>
        AcceptAsync(CallbackKind.Disbursement, body, inbox, cancellationToken);

    public static Task<Results<Ok<ApiResponse<object>>, JsonHttpResult<ApiResponse<ErrorData>>>> AcceptRepayment(
        CallbackBody body, CallbackInbox inbox, CancellationToken cancellationToken) =>
        AcceptAsync(CallbackKind.Repayment, body, inbox, cancellationToken);

    private static async Task<Results<Ok<ApiResponse<object>>, JsonHttpResult<ApiResponse<ErrorData>>>> AcceptAsync(
        CallbackKind kind, CallbackBody body, CallbackInbox inbox, CancellationToken cancellationToken)
    {
        return await inbox.AcceptAsync(kind, body, cancellationToken) switch
        {
            CallbackAcceptance.Accepted or CallbackAcceptance.Replayed => ContractResults.Success<object>(null),
            CallbackAcceptance.Conflict => ContractResults.Failure(ContractStatus.TransactionIdReused, StatusCodes.Status409Conflict,
                $"transactionId {body.TransactionId} was already used with a different payload"),
            _ => ContractResults.NotFound($"loanCode {body.LoanCode} record not found"),
        };
    }
}
