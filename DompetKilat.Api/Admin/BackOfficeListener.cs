using DompetKilat.Api.Contract;
using Microsoft.Extensions.Options;

namespace DompetKilat.Api.Admin;

/// <summary>
/// The back office listens apart from partners (API-CONTRACT §10): its own port, which serves
/// <c>/v1/admin</c>, its OpenAPI document and the health probes, and nothing of the partners';
/// the partners' listener answers <c>/v1/admin</c> as an unknown route. Decided by the port the
/// connection arrived on, never by the Host header, which the caller writes.
/// </summary>
internal sealed class BackOfficeListener(RequestDelegate next, IOptions<BackOfficeOptions> options)
{
    public const string DocumentPath = "/openapi/back-office.json";

    private static readonly PathString[] SharedPaths = ["/health", "/alive"];

    public static bool IsBackOffice(PathString path) => path.StartsWithSegments("/v1/admin");

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var onBackOfficePort = context.Connection.LocalPort == options.Value.Port;
        var backOfficePath = IsBackOffice(path) || path.Equals(DocumentPath, StringComparison.OrdinalIgnoreCase);
        if (backOfficePath == onBackOfficePort || SharedPaths.Any(shared => path.StartsWithSegments(shared)))
        {
            await next(context);
            return;
        }

        await ContractResults.NotFound($"route {context.Request.Method} {path} not found").ExecuteAsync(context);
    }

    /// <summary>
    /// Adds the back office's port to the addresses Kestrel binds, on the partners' listener's host
    /// (loopback under the AppHost, every interface in a container), keeping theirs as configured.
    /// </summary>
    public static void Listen(WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue<int?>($"{BackOfficeOptions.Section}:{nameof(BackOfficeOptions.Port)}") is not { } port)
        {
            return;
        }

        var partners = builder.Configuration["urls"]?.Split(';', StringSplitOptions.RemoveEmptyEntries)
            ?? builder.Configuration["http_ports"]?.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => $"http://+:{p}").ToArray()
            ?? ["http://localhost:5000"];
        var host = new Uri(partners[0].Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal)).Host;
        var backOfficeHost = host == "0.0.0.0" ? "+" : host;
        builder.WebHost.UseUrls([.. partners, $"http://{backOfficeHost}:{port}"]);
    }
}
