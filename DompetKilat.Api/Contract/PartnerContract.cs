using System.Text.Json;
using System.Text.Json.Serialization;
using DompetKilat.Api.Borrowers;
using FluentValidation;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;

namespace DompetKilat.Api.Contract;

/// <summary>
/// How the Api speaks the partner contract wherever the framework would otherwise answer in its own
/// way: JSON types kept exact, bad input answered <c>01</c> naming fields as partners spell them,
/// routing's own refusals in the envelope, and the OpenAPI document that describes all of it.
/// </summary>
internal static class PartnerContract
{
    public static IServiceCollection AddPartnerContract(this IServiceCollection services)
    {
        // Numbers stay numbers and strings stay strings (API-CONTRACT §1): the web defaults would read "2" as 2.
        services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.AllowDuplicateProperties = false;
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        // Bad bodies must reach ContractExceptionHandler instead of becoming a bare 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ContractExceptionHandler>();
        services.AddProblemDetails();

        services.AddValidatorsFromAssemblyContaining<RegisterBorrowerRequestValidator>(ServiceLifetime.Singleton);
        NameFieldsAsPartnersSpellThem();

        services.AddOpenApi(ContractOpenApi.PartnersDocument, ContractOpenApi.Describe);
        services.AddOpenApi(ContractOpenApi.BackOfficeDocument, ContractOpenApi.Describe);
        return services;
    }

    /// <summary>
    /// FluentValidation keeps these settings process-wide, so they are set here, with the validators,
    /// and nowhere else: errors name fields camelCase, dotted for nested objects (<c>loanData.tenor</c>),
    /// and a missing field is reported once, so later rules of that field never see a null.
    /// </summary>
    private static void NameFieldsAsPartnersSpellThem()
    {
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;
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
