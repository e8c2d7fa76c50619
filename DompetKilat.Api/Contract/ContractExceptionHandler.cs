using System.Text;
using System.Text.Json;
using DompetKilat.Lending.Data.PersonalData;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace DompetKilat.Api.Contract;

/// <summary>
/// Turns everything that escapes a handler into the contract's envelope: unreadable bodies are
/// <c>01</c>, oversized ones <c>06</c>, anything else <c>99</c> without a trace of the fault.
/// </summary>
internal sealed class ContractExceptionHandler(ILogger<ContractExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var result = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                ContractResults.Failure(ContractStatus.BodyTooLarge, StatusCodes.Status413PayloadTooLarge,
                    "request body exceeds the size this route allows"),
            BadHttpRequestException { InnerException: JsonException json } => InvalidJson(json),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
                ContractResults.Invalid("body", "Content-Type must be application/json"),
            BadHttpRequestException => ContractResults.Invalid("body", "request body is missing or unreadable"),
            InvalidOperationException when HasUnknownCharset(httpContext.Request) =>
                ContractResults.Invalid("body", "Content-Type names a charset this service cannot read"),
            _ => null,
        };

        if (result is null && IsDependencyDown(exception))
        {
            logger.LogWarning(exception, "A dependency is unavailable on {Method} {Route}", httpContext.Request.Method, RouteOf(httpContext));
            httpContext.Response.Headers.RetryAfter = "1";
            result = ContractResults.Failure(ContractStatus.Unavailable, StatusCodes.Status503ServiceUnavailable,
                "service temporarily unavailable");
        }

        if (result is null && Unreadable(exception) is { } unreadable)
        {
            // A fault, never a wrong answer: the caller hears 99, the log names where the value is and nothing of what it holds.
            logger.LogError(unreadable, "Personal data unreadable in {Table}.{Column} of row {RowId} on {Method} {Route}",
                unreadable.Table, unreadable.Column, unreadable.RowId, httpContext.Request.Method, RouteOf(httpContext));
            result = ContractResults.Failure(ContractStatus.Unavailable, StatusCodes.Status500InternalServerError,
                "service temporarily unavailable");
        }

        if (result is null)
        {
            logger.LogError(exception, "Unhandled fault on {Method} {Route}", httpContext.Request.Method, RouteOf(httpContext));
            result = ContractResults.Failure(ContractStatus.Unavailable, StatusCodes.Status500InternalServerError,
                "service temporarily unavailable");
        }

        await result.ExecuteAsync(httpContext);
        return true;
    }

    private static PersonalDataUnreadableException? Unreadable(Exception exception) =>
        Chain(exception).OfType<PersonalDataUnreadableException>().FirstOrDefault();

    /// <summary>The database unreachable or restarting: nothing was committed, and the caller may safely retry.</summary>
    private static bool IsDependencyDown(Exception exception) =>
        Chain(exception).Any(e => e is NpgsqlException { IsTransient: true } or TimeoutException or System.Net.Sockets.SocketException);

    /// <summary>The exception and every one it wraps: EF and Npgsql wrap the cause that decides the answer.</summary>
    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    /// <summary>
    /// Reading a JSON body in a charset .NET does not know throws <see cref="InvalidOperationException"/>
    /// rather than a bad-request exception; it is the caller's mistake, so <c>01</c>, not 500.
    /// </summary>
    private static bool HasUnknownCharset(HttpRequest request)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || type.Charset.ToString().Trim('"') is not { Length: > 0 } charset)
        {
            return false;
        }

        try
        {
            Encoding.GetEncoding(charset);
            return false;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    /// <summary>
    /// Names the offending field in the seed's spelling (<c>loanData.tenor</c>) without echoing
    /// the value, which may be personal data.
    /// </summary>
    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<ApiResponse<ErrorData>> InvalidJson(JsonException json)
    {
        var field = json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
        var reason = field == "body" ? "request body is not valid JSON" : $"{field} has the wrong JSON type or format";
        return ContractResults.Invalid(field, reason);
    }

    /// <summary>
    /// The route template, never the path: a path carries NIKs and loan codes. The exception handler
    /// runs with the endpoint cleared, so the route is the one the failed request had matched.
    /// </summary>
    private static string RouteOf(HttpContext context) =>
        (context.Features.Get<IExceptionHandlerFeature>()?.Endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
}
