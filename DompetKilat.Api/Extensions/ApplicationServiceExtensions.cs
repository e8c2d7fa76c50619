using System.Text.Json;
using System.Text.Json.Serialization;
using DompetKilat.Api.Admin;
using DompetKilat.Api.Audit;
using DompetKilat.Api.Borrowers;
using DompetKilat.Api.Callbacks;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Security;
using DompetKilat.Lending.Callbacks;
using DompetKilat.Lending.Data;
using DompetKilat.ServiceDefaults;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Scalar.AspNetCore;
using StackExchange.Redis;

namespace DompetKilat.Api.Extensions;

internal static class ApplicationServiceExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddLendingDatabase();
        builder.AddFieldEncryption();
        // Redis only speeds up replay answers and wakes the workers, so losing it degrades health instead of failing it.
        builder.AddRedisClient(ResourceNames.Redis, settings => settings.DisableHealthChecks = true);
        builder.Services.AddHealthChecks().AddRedis(
            sp => sp.GetRequiredService<IConnectionMultiplexer>(), ResourceNames.Redis, HealthStatus.Degraded);
        builder.Services.AddSingleton<CallbackMetrics>();
        builder.Services.AddSingleton<CallbackDeduplication>();
        builder.Services.AddSingleton<CallbackDoorbell>();
        builder.Services.AddScoped<CallbackInbox>();
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddHostedService<AuditTrailWriter>();
        builder.Services.AddScoped<AuditRecord>();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddValidatorsFromAssemblyContaining<RegisterBorrowerRequestValidator>(ServiceLifetime.Singleton);
        // Errors name fields as partners spell them: camelCase, dotted for nested objects (loanData.tenor).
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        // A missing field is reported once, and later rules of that field never see a null.
        ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;

        // Numbers stay numbers and strings stay strings (API-CONTRACT §1): the web defaults would read "2" as 2.
        builder.Services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.AllowDuplicateProperties = false;
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        // Bad bodies must reach ContractExceptionHandler instead of becoming a bare 400.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<ContractExceptionHandler>();

        builder.AddCallerSecurity();
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section)
            .Validate(o => o.ApiKey.Length >= 16, "Admin:ApiKey must be set to a key of at least 16 characters")
            .ValidateOnStart();
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, AdminKeyAuthenticationHandler>(AdminKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AdminLoanEndpoints.Policy, policy => policy
                .AddAuthenticationSchemes(AdminKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser());
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(ContractOpenApi.Describe);
    }

    /// <summary>The OpenAPI document and, in Development, the interactive reference at <c>/scalar</c>.</summary>
    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        return app;
    }

    /// <summary>
    /// Routing's own refusals (no such route, wrong method, wrong Content-Type) arrive with an
    /// empty body; under <c>/v1</c> they answer in the envelope too. A catch-all route would do
    /// for unknown paths but would also swallow requests that only miss a Content-Type.
    /// </summary>
    public static WebApplication UseContractStatusCodes(this WebApplication app)
    {
        app.UseStatusCodePages(context =>
        {
            var http = context.HttpContext;
            if (!http.Request.Path.StartsWithSegments("/v1"))
            {
                return Task.CompletedTask;
            }

            var result = http.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed =>
                    ContractResults.NotFound($"route {http.Request.Method} {http.Request.Path} not found"),
                StatusCodes.Status415UnsupportedMediaType => ContractResults.Invalid("body", "Content-Type must be application/json"),
                StatusCodes.Status400BadRequest => ContractResults.Invalid("body", "request is invalid"),
                StatusCodes.Status413PayloadTooLarge => ContractResults.Failure(ContractStatus.BodyTooLarge,
                    StatusCodes.Status413PayloadTooLarge, "request body exceeds the size this route allows"),
                _ => ContractResults.Failure(ContractStatus.Unavailable, http.Response.StatusCode, "service temporarily unavailable"),
            };
            return result.ExecuteAsync(http);
        });
        return app;
    }
}
