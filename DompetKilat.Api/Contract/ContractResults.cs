using Microsoft.AspNetCore.Http.HttpResults;

namespace DompetKilat.Api.Contract;

/// <summary>Typed results that always carry the contract's envelope.</summary>
public static class ContractResults
{
    public static Ok<ApiResponse<T>> Success<T>(T? data) =>
        TypedResults.Ok(new ApiResponse<T>(ContractStatus.Success, "success", data));

    public static JsonHttpResult<ApiResponse<ErrorData>> Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        Failure(ContractStatus.ValidationFailed, StatusCodes.Status400BadRequest, FirstReason(errors), new ErrorData(errors));

    public static JsonHttpResult<ApiResponse<ErrorData>> Invalid(string field, string reason) =>
        Invalid(new Dictionary<string, string[]> { [field] = [reason] });

    public static JsonHttpResult<ApiResponse<ErrorData>> NotFound(string message) =>
        Failure(ContractStatus.NotFound, StatusCodes.Status404NotFound, message);

    public static JsonHttpResult<ApiResponse<ErrorData>> AlreadyRegistered(string message) =>
        Failure(ContractStatus.AlreadyRegistered, StatusCodes.Status409Conflict, message);

    public static JsonHttpResult<ApiResponse<ErrorData>> StepNotAllowed(string message) =>
        Failure(ContractStatus.StepNotAllowed, StatusCodes.Status409Conflict, message);

    public static JsonHttpResult<ApiResponse<ErrorData>> Failure(string status, int httpStatus, string message, ErrorData? data = null) =>
        TypedResults.Json(new ApiResponse<ErrorData>(status, message, data ?? new ErrorData()), statusCode: httpStatus);

    private static string FirstReason(IReadOnlyDictionary<string, string[]> errors) =>
        errors.SelectMany(e => e.Value).FirstOrDefault() ?? "request is invalid";
}
