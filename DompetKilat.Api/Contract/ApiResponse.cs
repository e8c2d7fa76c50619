using System.Text.Json.Serialization;

namespace DompetKilat.Api.Contract;

/// <summary>What every envelope says, whatever its data: the status the audit trail records.</summary>
public interface IContractResponse
{
    string Status { get; }
}

/// <summary>The envelope every <c>/v1</c> response is wrapped in (API-CONTRACT §1).</summary>
public sealed record ApiResponse<T>(
    [property: JsonPropertyOrder(0)] string Status,
    [property: JsonPropertyOrder(1)] string Message,
    [property: JsonPropertyOrder(2)] T? Data) : IContractResponse;

/// <summary>What a failure carries in <c>data</c>: nothing (<c>{}</c>), or the reasons per field.</summary>
public sealed record ErrorData(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyDictionary<string, string[]>? Errors = null);

/// <summary>The contract's status codes, each with the HTTP status it travels with.</summary>
public static class ContractStatus
{
    public const string Success = "00";
    public const string ValidationFailed = "01";
    public const string NotFound = "001";
    public const string AlreadyRegistered = "02";
    public const string TransactionIdReused = "03";
    public const string StepNotAllowed = "04";
    public const string NotAllowed = "05";
    public const string BodyTooLarge = "06";
    public const string TooManyRequests = "07";

    /// <summary>A page asked to start after an event retention already removed (API-CONTRACT §11); HTTP 410.</summary>
    public const string PastRetention = "08";
    public const string Unavailable = "99";
}

/// <summary>The contract status a handler's result answers with.</summary>
public static class ContractOutcome
{
    public static string Of(object? result) => result switch
    {
        INestedHttpResult nested => Of(nested.Result),
        IValueHttpResult { Value: IContractResponse response } => response.Status,
        _ => ContractStatus.Unavailable,
    };
}
