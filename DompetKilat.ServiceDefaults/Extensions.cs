using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace DompetKilat.ServiceDefaults;

/// <summary>
/// What every DompetKilat service shares: telemetry to the dashboard, health endpoints,
/// service discovery and the standard resilience pipeline on outgoing HTTP.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>Meters and activity sources the services publish under; the dashboard shows them.</summary>
    public const string TelemetrySourceName = "DompetKilat";

    /// <summary>
    /// ASP.NET Core's hosting diagnostics. Whenever any provider has this category on, at any level,
    /// they open a logging scope on every request holding its raw path (RequestPath=/v1/borrower/{NIK}),
    /// and every log line written during the request carries it, into every sink that includes scopes.
    /// </summary>
    private const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>What a request's logs and spans name when no endpoint matched it.</summary>
    private const string Unmatched = "(unmatched)";

    private static readonly Func<ILogger, string, string, IDisposable?> RequestScope =
        LoggerMessage.DefineScope<string, string>("RequestId:{RequestId} http.route:{http.route}");

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Values classified as personal data (see the domain's PersonalDataAttribute) are erased
        // from every log line, whichever sink it goes to.
        builder.Logging.EnableRedaction();
        builder.Services.AddRedaction(redaction => redaction.SetFallbackRedactor<ErasingRedactor>());
        // UseRequestLogScope opens the request's scope instead, with the route template.
        builder.Services.AddOptions<LoggerFilterOptions>().PostConfigure(SilenceHostingDiagnostics);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(TelemetrySourceName))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(TelemetrySourceName)
                .AddAspNetCoreInstrumentation(options =>
                {
                    // Health probes arrive every few seconds; tracing them buries partner traffic.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath);
                    // Paths carry personal data (GET /v1/borrower/{NIK}); spans keep the route template only.
                    options.EnrichWithHttpResponse = (activity, response) =>
                        activity.SetTag("url.path", RouteOf(response.HttpContext));
                })
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// The request's logging scope, in place of the hosting diagnostics' one: the request id and
    /// the route template, never the path. First in the pipeline, so that the exception handler's
    /// log lines carry it too; a <see cref="WebApplication"/> has matched the endpoint by then.
    /// </summary>
    public static WebApplication UseRequestLogScope(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DompetKilat.Requests");
        app.Use(async (context, next) =>
        {
            using var scope = RequestScope(logger, context.TraceIdentifier, RouteOf(context));
            await next(context);
        });
        return app;
    }

    /// <summary>
    /// Turns the hosting diagnostics' category off for every provider, whatever configuration says.
    /// Of the rules that match a category the most specific wins, and of equals the last: a rule for
    /// one provider (Logging:Console:LogLevel:Default, say) beats any rule for all of them, so each
    /// provider named in a rule gets its own. Post-configured, so these come after configuration's
    /// rules, also when an appsettings file changes and the options are built again.
    /// </summary>
    private static void SilenceHostingDiagnostics(LoggerFilterOptions options)
    {
        foreach (var provider in options.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList())
        {
            options.Rules.Add(new LoggerFilterRule(provider, HostingDiagnosticsCategory, LogLevel.None, filter: null));
        }
    }

    /// <summary>The route template: a path carries personal data (GET /v1/borrower/{NIK}).</summary>
    private static string RouteOf(HttpContext context) =>
        (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? Unmatched;

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // A check that is not healthy is a state the dashboard shows, not a fault: a replica starting
        // up is not ready for its first seconds by design. The health service would log each such
        // probe as an error; whatever is really wrong is logged by the component that knows it.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Critical);
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);

        return builder;
    }

    /// <summary>
    /// <c>/alive</c> answers whether the process runs; <c>/health</c> whether it can serve
    /// (every registered check, database and Redis included). Both are mapped in every
    /// environment because orchestrators and load balancers probe them in production too;
    /// they expose only a status word.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("live"),
        });

        return app;
    }
}
